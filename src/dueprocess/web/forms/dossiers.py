"""The dossier import page's forms: the upload, and the previewed file sent back to confirm."""

from __future__ import annotations

from django import forms

from dueprocess.web.forms import Form

MAX_UPLOAD = 2 * 1024 * 1024
ENCODINGS = [("", "UTF-8 (with or without a byte-order mark)"), ("latin-1", "Latin-1")]


class UploadForm(Form):
    file = forms.FileField(
        label="Dossier file", help_text="CSV with a header line, or JSON; see the columns below."
    )
    encoding = forms.ChoiceField(label="Encoding", choices=ENCODINGS, required=False)


class ConfirmForm(Form):
    """The previewed file, sent back unchanged: the import checks it again from the start."""

    previewed = forms.CharField(widget=forms.HiddenInput, max_length=4 * MAX_UPLOAD)
    filename = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    encoding = forms.ChoiceField(widget=forms.HiddenInput, choices=ENCODINGS, required=False)
