"""Forms for the work done on a case besides moving it: notes, evidence, people, measures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms

from dueprocess.accounts.models import RoleMembership
from dueprocess.cases.models import Assignment, EvidenceItem
from dueprocess.web.forms import Form, text_area
from dueprocess.web.forms.hearings import when_field
from dueprocess.web.forms.steps import reason_field

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dueprocess.cases.models import Case
    from dueprocess.evidence.models import Consent, Interview


class NoteForm(Form):
    body = forms.CharField(label="Note", widget=text_area(4), max_length=20000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class EvidenceForm(Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=EvidenceItem.Kind.choices)
    description = forms.CharField(
        label="Description", required=False, widget=text_area(), max_length=20000
    )
    file = forms.FileField(
        label="File",
        allow_empty_file=True,
        help_text="The server computes its SHA-256 and size and detects its type from its "
        "content; the file is stored encrypted.",
    )
    consents = forms.TypedMultipleChoiceField(
        label="Consent of each person heard (a recording only)",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="A recording is refused unless it names the recorded consent of each person "
        "heard on it: record their consent first.",
    )

    def __init__(self, *args: Any, consents: Sequence[Consent] = (), **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "evidence")
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedMultipleChoiceField", self.fields["consents"])
        field.choices = [
            (c.pk, f"{c.person}: {c.scope[:60]}") for c in consents if c.answer == c.Answer.GIVEN
        ]


class InterviewForm(Form):
    """An interview the person filling it in held (the service makes them the interviewer)."""

    interviewee = forms.CharField(label="Who was interviewed", max_length=200)
    held_at = when_field("When it was held")
    statement = forms.CharField(label="Statement", widget=text_area(6), max_length=50000)
    statement_agreed = forms.TypedChoiceField(
        label="Did the interviewee agree the written statement?",
        choices=[("yes", "Yes, agreed"), ("no", "No, not agreed (it is kept, marked so)")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "interview")
        super().__init__(*args, **kwargs)


class ConsentForm(Form):
    """One person's consent to being recorded, optionally at one of the case's interviews."""

    person = forms.CharField(label="Who consented", max_length=200)
    scope = forms.CharField(
        label="What they agreed to",
        widget=text_area(2),
        max_length=2000,
        help_text='In their terms, e.g. "audio recording of my interview of 5 March".',
    )
    given_at = when_field("When they consented")
    interview = forms.TypedChoiceField(
        label="At which interview (optional)", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, interviews: Sequence[Interview] = (), **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedChoiceField", self.fields["interview"])
        field.choices = [("", "None in particular")] + [
            (i.pk, f"{i.interviewee}, {i.held_at:%d %b %Y}") for i in interviews
        ]


class AssignmentForm(Form):
    """Appoint an investigator or a panel member from the staff who hold that role today.

    The list is a convenience; eligibility (training, conflicts, recusal) is decided by the
    service every time, and a refusal is recorded.
    """

    role = forms.ChoiceField(label="As", choices=Assignment.Role.choices)
    assignee = forms.TypedChoiceField(label="Person", coerce=int)
    reason = forms.CharField(label="Note (optional)", required=False, max_length=2000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        held = (
            RoleMembership.objects.current()
            .filter(
                user__organisation_id=case.organisation_id,
                user__is_active=True,
                role__in=Assignment.Role.values,
            )
            .select_related("user")
            .order_by("user__full_name")
        )
        names: dict[int, str] = {}
        roles: dict[int, list[str]] = {}
        for membership in held:
            names[membership.user.pk] = membership.user.full_name
            roles.setdefault(membership.user.pk, []).append(membership.get_role_display().lower())
        people = [(pk, f"{name} ({', '.join(roles[pk])})") for pk, name in names.items()]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", "Choose a person"),
            *people,
        ]


class ImposeMeasureForm(Form):
    kind = forms.ChoiceField(label="Measure")
    ground = forms.ChoiceField(label="Ground")
    reasons = forms.CharField(label="Reasons", widget=text_area(), max_length=20000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "impose")
        super().__init__(*args, **kwargs)
        measures = case.rulebook.rules.interim_measures
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, m.label) for k, m in measures.items()
        ]
        cast(forms.ChoiceField, self.fields["ground"]).choices = [
            (m.label, [(g.key, g.label) for g in m.grounds]) for m in measures.values()
        ]


class MemberMatchForm(Form):
    """Confirm or reject a respondent's suggested register link; the button pressed is the
    verdict, and a rejection needs a reason."""

    verdict = forms.ChoiceField(
        choices=[("confirm", "Confirm"), ("reject", "Reject")], widget=forms.HiddenInput
    )
    reason = reason_field(False, label="Why", help_text="Required to reject the match.")

    def __init__(self, *args: Any, party_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"match-{party_id}")
        super().__init__(*args, **kwargs)


class LiftMeasureForm(Form):
    reason = reason_field(True, label="Why lift it")

    def __init__(self, *args: Any, measure_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"lift-{measure_id}")
        super().__init__(*args, **kwargs)


class ContinueMeasureForm(Form):
    """The review of an interim measure that keeps it: reasons and the next review date."""

    reasons = reason_field(True, label="Why it continues")
    review_on = forms.DateField(
        label="Next review by",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At most the rulebook's review period from today.",
    )

    def __init__(self, *args: Any, measure_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"continue-{measure_id}")
        super().__init__(*args, **kwargs)


class FeedbackForm(Form):
    """What the complainant is told about how their complaint stands (stops the feedback
    clock; the rulebook's feedback letter carries it)."""

    text = reason_field(True, label="Update for the complainant")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "feedback")
        super().__init__(*args, **kwargs)


class SummaryForm(Form):
    """A version of the anonymised summary of the decision, for the public report."""

    text = forms.CharField(
        label="Anonymised summary",
        widget=text_area(6),
        max_length=4000,
        help_text=(
            "What the case was about and why it was decided so, with nothing that identifies "
            "anyone: no names, places, dates or roles that point to a person. A second person "
            "checks it before it is published."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "summary")
        super().__init__(*args, **kwargs)


class SummaryApproveForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "summary_approve")
        super().__init__(*args, **kwargs)


class SummaryReturnForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    reason = reason_field(True, label="Why it goes back", help_text="For the case team.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "summary_return")
        super().__init__(*args, **kwargs)
