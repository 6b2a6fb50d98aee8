"""Forms for a case's hearing: schedule it, adjourn it, record it once held.

Shape only: whether the notice is long enough, the date has arrived or a recording is allowed
is for ``cases.services.hearings`` to say, and its answer is shown beside the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dueprocess.web.forms import Form, text_area
from dueprocess.web.forms.steps import reason_field

#: What a browser's date-and-time field sends (with or without seconds).
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def when_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the organisation's local time.",
    )


def agreement_field() -> forms.CharField:
    return forms.CharField(
        label="Respondent's agreement to short notice (only if the notice is short)",
        required=False,
        max_length=1000,
        widget=text_area(2),
        help_text='Who agreed for the respondent, how and when (e.g. "the respondent, by '
        'e-mail on 3 June").',
    )


class HearingScheduleForm(Form):
    """The hearing's date, place and (optionally) panel; the notice goes when it is saved."""

    starts_at = when_field("Date and time")
    place = forms.CharField(
        label="Place, or link to join remotely", max_length=500, widget=text_area(2)
    )
    short_notice_agreement = agreement_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hearing_schedule")
        super().__init__(*args, **kwargs)


class HearingAdjournForm(Form):
    hearing = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    reason = reason_field(True, label="Why it is adjourned")
    starts_at = when_field("New date and time")
    place = forms.CharField(
        label="New place or link (leave blank to keep the place)",
        required=False,
        max_length=500,
        widget=text_area(2),
    )
    short_notice_agreement = agreement_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hearing_adjourn")
        super().__init__(*args, **kwargs)


class HearingRecordForm(Form):
    hearing = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    held_at = forms.DateTimeField(
        label="Held at (leave blank for the scheduled time)",
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    respondent_attended = forms.TypedChoiceField(
        label="Did the respondent attend?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    representation = forms.CharField(
        label="Representation (who accompanied or represented the respondent; blank for none)",
        required=False,
        max_length=200,
    )
    account = forms.CharField(label="What happened", widget=text_area(6), max_length=20000)
    outcome = forms.CharField(label="Outcome", widget=text_area(3), max_length=4000)
    recording_made = forms.BooleanField(
        label="The hearing was recorded",
        required=False,
        help_text="Only with the recorded consent of each person present.",
    )
    others_present = forms.CharField(
        label="Anyone else present (one name a line)",
        required=False,
        max_length=4000,
        widget=text_area(2),
    )

    def __init__(self, *args: Any, recordings_allowed: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hearing_record")
        super().__init__(*args, **kwargs)
        if not recordings_allowed:  # the rulebook allows none: nothing to ask
            del self.fields["recording_made"]

    def others(self) -> list[str]:
        """The other people present, one a line (blank lines left out)."""
        text = self.cleaned_data.get("others_present", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class HearingConsentForm(Form):
    """One person's answer to the recording of a hearing (the latest per person counts)."""

    hearing = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    person = forms.CharField(label="Who (by name, as the record will list them)", max_length=200)
    answer = forms.ChoiceField(
        label="Their answer",
        choices=[
            ("given", "Consents to the recording"),
            ("refused", "Refuses"),
            ("withdrawn", "Withdraws an earlier consent"),
        ],
        widget=forms.RadioSelect,
        initial="given",
    )
    scope = forms.CharField(
        label="To what, in their terms", max_length=2000, help_text="For example: audio only."
    )
    given_at = forms.DateTimeField(
        label="When they answered",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hearing_consent")
        super().__init__(*args, **kwargs)
