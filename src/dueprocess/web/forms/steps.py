"""One form per kind of workflow step, built from the case's own rulebook.

Every step form carries the case version it was drawn from (``expected_version``), so a form
left open while someone else moved the case is refused with a clear message instead of
acting on a case that is no longer what the person saw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from dueprocess.cases.models.outcomes import Finding
from dueprocess.cases.services.panel_votes import VoteInput
from dueprocess.web.forms import Form, text_area

if TYPE_CHECKING:
    from dueprocess.cases.models import Case
    from dueprocess.rulebook.schema import Rulebook, Transition

YES_NO = [("yes", "Yes"), ("no", "No")]
FINDINGS = [(Finding.BREACH.value, Finding.BREACH.label), (Finding.NO_BREACH.value, "No breach")]


class StepForm(Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, case: Case, step: Transition, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["expected_version"] = case.version
        kwargs.setdefault("prefix", f"step-{step.key}")
        super().__init__(*args, **kwargs)
        self.case = case
        self.step = step
        self.rules: Rulebook = case.rulebook.rules
        self.build()

    def build(self) -> None:
        if self.step.reasons != "none":
            self.fields["reason"] = reason_field(self.step.reasons == "required")
        elif window_open_until(self.case, self.step):
            stage = self.rules.stages[self.case.stage]
            until = window_open_until(self.case, self.step)
            self.fields["reason"] = reason_field(
                True,
                help_text=f"Required: the {stage.window} window is open until {until}.",
            )

    @property
    def title(self) -> str:
        return self.step.label


def window_open_until(case: Case, step: Transition) -> str:
    """The date (ISO) until which the case's stage keeps a window open that ``step`` would
    close — a step to a terminal stage — or "" (the service refuses it without a reason)."""
    from dueprocess.lib import clock

    rules = case.rulebook.rules
    stage = rules.stages.get(case.stage)
    target = rules.stages.get(step.target)
    due = case.stage_due_on
    if stage and stage.window and target and target.terminal and due and clock.today() <= due:
        return due.isoformat()
    return ""


def reason_field(required: bool, label: str = "Reasons", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=text_area(),
        max_length=20000,
        help_text=help_text or ("Required." if required else "Optional."),
        strip=True,
    )


class TriageForm(StepForm):
    """Accept for investigation (every answer yes) — or, if an answer is no, the service
    decides not to investigate on that ground, which needs reasons."""

    def build(self) -> None:
        for question in self.rules.triage_questions:
            self.fields[f"answer_{question.key}"] = forms.ChoiceField(
                label=question.label, choices=YES_NO, widget=forms.RadioSelect
            )
        self.fields["category"] = forms.ChoiceField(
            label="Category",
            choices=[(k, c.label) for k, c in self.rules.categories.items()],
            initial=self.case.category,
        )
        self.fields["duplicate_of"] = forms.CharField(
            label="Duplicate of (reference)",
            required=False,
            max_length=32,
            help_text="Only if it repeats another complaint: give that case's reference"
            " (the possible duplicates above are offered).",
            widget=forms.TextInput(attrs={"list": "duplicate-suggestions"}),
        )
        self.fields["member_reason"] = forms.CharField(
            label="Why a member, though not in the register",
            required=False,
            widget=text_area(),
            max_length=2000,
            help_text="Required if you answer yes to the membership question for a respondent"
            " who is not linked to a member of the register.",
            strip=True,
        )
        self.fields["reason"] = reason_field(
            self.step.kind == "not_investigated",
            help_text="Required when the complaint will not be investigated.",
        )

    def answers(self) -> dict[str, bool]:
        return {
            q.key: self.cleaned_data[f"answer_{q.key}"] == "yes"
            for q in self.rules.triage_questions
        }


class DeclineForm(TriageForm):
    """Decide not to investigate: a decision with a ground and written reasons."""

    def build(self) -> None:
        super().build()
        self.fields["ground"] = forms.ChoiceField(
            label="Ground",
            choices=[(k, g.label) for k, g in self.rules.not_investigated_grounds.items()],
        )


class OutcomeForm(StepForm):
    """A finding and sanctions: the investigator's recommendation or the panel's decision."""

    def build(self) -> None:
        self.fields["finding"] = forms.ChoiceField(
            label="Finding", choices=FINDINGS, widget=forms.RadioSelect
        )
        self.fields["sanctions"] = forms.MultipleChoiceField(
            label="Sanctions",
            choices=[(k, s.label) for k, s in self.rules.sanctions.items()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text="One sanction from the ladder; an education course may be added.",
        )
        if self.step.kind == "recommend":
            self.fields["factors"] = forms.MultipleChoiceField(
                label="Aggravating and mitigating factors",
                choices=[(k, f.label) for k, f in self.rules.factors.items()],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields["reason"] = reason_field(True)
        else:
            self.fields["reason"] = reason_field(
                self.step.reasons == "required",
                help_text="Required when the decision departs from the recommendation or"
                " falls outside the guideline."
                if self.step.reasons != "required"
                else "Required.",
            )
            self._appeal_field()
            self._vote_fields()
            self._sealed_field()

    def _sealed_field(self) -> None:
        """A first decision may be recorded provisional and sealed: shown only to the panel
        until its recorder announces it (an appeal's decision is announced when recorded)."""
        if "result" in self.fields:
            return
        self.fields["sealed"] = forms.BooleanField(
            label="Provisional: seal this decision until it is announced",
            required=False,
            help_text="Only the panel sees the outcome; the case moves on, and the parties are"
            " told, when you announce it.",
        )

    def _appeal_field(self) -> None:
        """Where the rulebook declares appeals and one is open, the decision confirms or
        replaces the decision under appeal (a confirmation takes its finding and sanctions
        when none are chosen); reasons are then required."""
        from dueprocess.cases.services.appeals import open_appeal

        lodged = open_appeal(self.case) if self.rules.appeals.declared else None
        if lodged is None:
            return
        self.appeal = lodged
        earlier = lodged.against
        self.fields["result"] = forms.ChoiceField(
            label="The decision under appeal",
            choices=[
                ("confirm", "Confirm it: the decision stands"),
                ("replace", "Replace it with this outcome"),
            ],
            widget=forms.RadioSelect,
            help_text=f"Under appeal: {earlier.get_finding_display()}"
            f" ({', '.join(earlier.sanctions) or 'no sanction'}),"
            f" decided {earlier.decided_at:%d %B %Y}.",
        )
        self.fields["finding"].required = False
        self.fields["finding"].help_text = "Needed to replace; a confirmation keeps the first."
        self.fields["reason"] = reason_field(True, help_text="Required on appeal.")

    def _vote_fields(self) -> None:
        """Where the rulebook constitutes the stage's panel, the chair records each member's
        concurrence or dissent (a dissent with its reasons); the service checks the quorum."""
        if self.rules.panel_at(self.case.stage) is None:
            return
        self.voters = [
            a.user
            for a in self.case.assignments.filter(role="panel_member", ended_at__isnull=True)
            .select_related("user")
            .order_by("assigned_at", "id")
        ]
        for member in self.voters:
            self.fields[f"vote_{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=[("concur", "Concurs"), ("dissent", "Dissents")],
                widget=forms.RadioSelect,
                initial="concur",
            )
            self.fields[f"dissent_{member.pk}"] = forms.CharField(
                label=f"{member.full_name}'s reasons for dissenting",
                required=False,
                max_length=4000,
                widget=text_area(2),
            )

    def votes(self) -> list[VoteInput] | None:
        """The votes as entered, or None where the panel is not constituted by the rules."""
        if not hasattr(self, "voters"):
            return None
        return [
            VoteInput(
                member,
                self.cleaned_data[f"vote_{member.pk}"] == "concur",
                self.cleaned_data[f"dissent_{member.pk}"],
            )
            for member in self.voters
        ]


class AppealLodgeForm(StepForm):
    """Lodge an appeal: a ground from the rulebook's list and a statement (the service checks
    the window and the ground again)."""

    def build(self) -> None:
        self.fields["ground"] = forms.ChoiceField(
            label="Ground of appeal",
            choices=[(k, g.label) for k, g in self.rules.appeals.grounds.items()],
            widget=forms.RadioSelect,
        )
        self.fields["statement"] = forms.CharField(
            label="Statement",
            widget=text_area(),
            max_length=8000,
            help_text="Why the decision should not stand, on this ground.",
            strip=True,
        )


def step_form(case: Case, step: Transition, data: Any = None) -> StepForm:
    if step.key == case.rulebook.rules.appeals.step:
        return AppealLodgeForm(data, case=case, step=step)
    kinds: dict[str, type[StepForm]] = {
        "accept": TriageForm,
        "not_investigated": DeclineForm,
        "recommend": OutcomeForm,
        "decide": OutcomeForm,
    }
    return kinds.get(step.kind, StepForm)(data, case=case, step=step)


class DecisionAnnounceForm(Form):
    """No fields: announcing a sealed decision takes everything from the decision itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "announce")
        super().__init__(*args, **kwargs)
