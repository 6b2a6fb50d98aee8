"""The public pages' forms: a complaint with no account, a receipt, a party's message, a
request for a new receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms

from dueprocess.lib.ids import new_token
from dueprocess.parties.services import MESSAGE_LIMIT, REPORT_LIMIT
from dueprocess.web.forms import Form, text_area

if TYPE_CHECKING:
    from dueprocess.accounts.models import Organisation

#: Service field names (left) shown on this form's fields (right).
REPORT_ALIASES = {
    "summary": "what_happened",
    "allegations[0].summary": "what_happened",
    "allegations[0].source": "respondent_details",
    "respondent_name": "respondent_name",
    "complainant_email": "email",
    "complainant_name": "name",
    "file": "attachment",
}


class ReportForm(Form):
    """A complaint from anyone. The hidden ``idempotency_key`` is drawn once per blank form, so
    sending it twice opens one case."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    organisation = forms.CharField(widget=forms.HiddenInput, max_length=50)
    unit = forms.TypedChoiceField(label="Which part of the organisation is it about?", coerce=int)
    category = forms.ChoiceField(label="What kind of complaint is it?")
    what_happened = forms.CharField(
        label="What happened",
        widget=text_area(6),
        max_length=REPORT_LIMIT,
        help_text="In your own words: what was said or done, where, and who saw it.",
    )
    occurred_on = forms.DateField(
        label="When it happened",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date, if you know it (for example 2026-03-14).",
    )
    respondent_name = forms.CharField(
        label="Who the complaint is about", max_length=200, help_text="Their name, as far as known."
    )
    respondent_details = forms.CharField(
        label="Anything else that identifies them",
        required=False,
        max_length=500,
        help_text="For example their role, branch or office.",
    )
    anonymous = forms.BooleanField(
        label="I want to stay anonymous",
        required=False,
        help_text="Your name is not asked for, and the person complained about is not told who "
        "complained.",
    )
    name = forms.CharField(label="Your name", required=False, max_length=200)
    email = forms.EmailField(
        label="Your e-mail address",
        required=False,
        help_text="Optional. Only the complaints team sees it.",
    )
    consent_to_contact = forms.BooleanField(
        label="The complaints team may contact me about this complaint by e-mail",
        required=False,
    )
    attachment = forms.FileField(
        label="A document or picture (optional)",
        required=False,
        help_text="A document, picture or screenshot. More can be sent later from your page.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("idempotency_key", new_token())
        initial.setdefault("organisation", organisation.slug)
        super().__init__(*args, **kwargs)
        units = list(organisation.units.order_by("name"))
        unit_field = cast(forms.TypedChoiceField, self.fields["unit"])
        unit_field.choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            unit_field.widget = forms.HiddenInput()
            unit_field.initial = units[0].pk
        rules = organisation.rulebook.rules
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "Choose one"),
            *((k, c.label) for k, c in rules.categories.items()),
        ]


class ReceiptForm(Form):
    receipt = forms.CharField(
        label="Your receipt",
        max_length=40,
        help_text="The 16 digits you were given when you made the complaint.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class RenewalForm(Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="The address you gave with your complaint.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PartyMessageForm(Form):
    body = forms.CharField(
        label="Your message to the complaints team", widget=text_area(4), max_length=MESSAGE_LIMIT
    )


class PartyFileForm(Form):
    file = forms.FileField(
        label="A file for the complaints team",
        help_text="A document, picture or screenshot; the accepted types and size are checked.",
    )
    note = forms.CharField(
        label="What it is (optional)",
        widget=text_area(2),
        max_length=MESSAGE_LIMIT,
        required=False,
    )


class StaffMessageForm(Form):
    access = forms.TypedChoiceField(label="To", coerce=int)
    body = forms.CharField(label="Message", widget=text_area(4), max_length=MESSAGE_LIMIT)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "message")
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["access"]).choices = choices


class ResponseForm(Form):
    body = forms.CharField(
        label="Your written response to the allegations",
        widget=text_area(8),
        max_length=REPORT_LIMIT,
        help_text="It is put on the case file the panel decides on. It is sent once; add to it "
        "later by message.",
    )


class PartyStepForm(Form):
    """The respondent's own request (a hearing, an appeal): which one, and why."""

    kind = forms.ChoiceField(
        choices=[("hearing_request", "A hearing"), ("appeal", "An appeal")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label="Your reasons",
        widget=text_area(5),
        max_length=REPORT_LIMIT,
        help_text="They go on the case file with your request.",
    )

    def __init__(self, *args: Any, grounds: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if grounds:  # an appeal where the rules give its grounds
            self.fields["ground"] = forms.ChoiceField(
                label="Ground of appeal", choices=grounds, widget=forms.RadioSelect
            )
            self.order_fields(["kind", "ground", "reason"])


class RespondentNoticeForm(Form):
    email = forms.EmailField(
        label="Respondent's e-mail address",
        required=False,
        help_text="Leave empty to use the address on the case.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "notice")
        super().__init__(*args, **kwargs)


class RedactionForm(Form):
    """Mark a passage of an allegation to withhold from the respondent."""

    allegation = forms.TypedChoiceField(label="In the allegation", coerce=int)
    passage = forms.CharField(
        label="Passage to withhold",
        widget=text_area(2),
        max_length=REPORT_LIMIT,
        help_text="Copy it exactly as it stands; every occurrence in that allegation is shown "
        "to the respondent as [redacted].",
    )
    reason = forms.CharField(label="Why", widget=text_area(2), max_length=MESSAGE_LIMIT)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "redaction")
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["allegation"]).choices = choices


class RedactionWithdrawForm(Form):
    """Withdraw a redaction mark: the respondent then reads the passage again."""

    reason = forms.CharField(label="Why withdraw it", widget=text_area(2), max_length=MESSAGE_LIMIT)

    def __init__(self, *args: Any, redaction_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"unredact-{redaction_id}")
        super().__init__(*args, **kwargs)


class WithholdEvidenceForm(Form):
    """Withhold an evidence item from the respondent's file."""

    reason = forms.CharField(
        label="Why withhold it from the respondent", widget=text_area(2), max_length=MESSAGE_LIMIT
    )

    def __init__(self, *args: Any, item_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"withhold-{item_id}")
        super().__init__(*args, **kwargs)


class ReleaseEvidenceForm(Form):
    """End the withholding of an evidence item: the respondent's file lists it again."""

    reason = forms.CharField(
        label="Why show it to the respondent now", widget=text_area(2), max_length=MESSAGE_LIMIT
    )

    def __init__(self, *args: Any, withholding_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"release-{withholding_id}")
        super().__init__(*args, **kwargs)
