"""Forms for the interference register. They parse and shape input only; every rule (who may,
what is required, what is too late or too early) is the service's, which reports problems per
field so the form can show them next to the right box."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from dueprocess.accounts.models import User
from dueprocess.cases.models import Approach, SignOff

TEXT = {"rows": 4}


class ApproachForm(forms.Form):
    approached_by = forms.CharField(
        label="Who made contact, and their role",
        max_length=200,
        help_text="For example: “Alex Doe, Leader's office” or “Regional organiser”.",
    )
    from_political_office = forms.BooleanField(
        label="They work in, or spoke for, the political office", required=False
    )
    channel = forms.ChoiceField(label="How", choices=Approach.Channel.choices)
    occurred_at = forms.DateTimeField(
        label="When it happened",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    what_was_asked = forms.CharField(
        label="What was asked or said", widget=forms.Textarea(attrs=TEXT), max_length=20000
    )
    direction = forms.ChoiceField(
        label="Which way it pushed the case",
        choices=Approach.Direction.choices,
        initial=Approach.Direction.UNCLEAR,
        help_text="Pressure towards a harsher outcome is interference too.",
    )

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)  # the organisation's local time
        return value


class AdviceRequestForm(forms.Form):
    adviser = forms.ModelChoiceField(label="Ask", queryset=User.objects.none())
    question = forms.CharField(
        label="The question", widget=forms.Textarea(attrs=TEXT), max_length=4000
    )
    extract = forms.CharField(
        label="The extract they will see",
        help_text=(
            "They see this text and nothing else from the case. Leave out what they do not need."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
    )

    def __init__(self, *args: Any, organisation_id: int, exclude: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(organisation_id=organisation_id, is_active=True)
        self.fields["adviser"].queryset = staff.exclude(pk=exclude).order_by("full_name")  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )


class SignOffForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your answer",
        choices=[
            (SignOff.Status.SIGNED, "I sign off"),
            (SignOff.Status.OBJECTED, "I object"),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs=TEXT), max_length=20000)
    delay_reasons = forms.CharField(
        label="If this comes after the due date: why",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=20000,
    )


class PublishForm(forms.Form):
    """Which quarter's report to fix, and — for a new version — what changed and why."""

    quarter = forms.ChoiceField(label="Quarter")
    correction = forms.CharField(
        label="What changed, and why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        help_text="Required when the quarter has been published before (a correction).",
    )

    def __init__(self, *args: Any, quarters: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "publish")
        super().__init__(*args, **kwargs)
        field = self.fields["quarter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(q, q) for q in quarters]
