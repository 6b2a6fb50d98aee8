"""Forms for an independent review on the case page: verify the decision, or veto it with
reasons. Shape only: whether this person may answer the review is for
``cases.services.reviews`` (and the gate) to say."""

from __future__ import annotations

from typing import Any

from django import forms

from dueprocess.web.forms import Form, text_area


class ReviewVerifyForm(Form):
    review = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "verify")
        super().__init__(*args, **kwargs)


class ReviewVetoForm(Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    reasons = forms.CharField(
        label="Why the decision is vetoed",
        max_length=8000,
        widget=text_area(3),
        help_text="Kept with the review and shown on the case; a new panel decides again.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "veto")
        super().__init__(*args, **kwargs)
