"""The deadline engine: what ``dueprocess tick`` does about dates that come and go.

For every open case it looks at each deadline the case has — the stage's due date (which, at a
window stage, is when the appeal or review window closes), acknowledgement, feedback to the
complainant (stopped by ``feedback_give``), pending sign-offs, interim measure reviews and
independent reviews of decisions — and:

* ``remind_days_before`` days before it (per the rulebook), reminds the people who must act:
  those assigned to the case, or the heads of complaints (case managers) of its unit if nobody is;
* once it has passed, escalates to the heads of complaints;
* for an interim measure nobody reviewed, does what the rulebook says (``unreviewed``): it
  lapses (lifted, recorded), or it is escalated;
* for an independent review nobody answered, likewise (``[review] on_lapse``): the decision
  takes effect (the review lapses, recorded), or it stays held and is escalated.

Each action is claimed first by inserting a row with a unique key (case, deadline, date,
action) in the same transaction as the action itself: a second tick running at the same time
fails to insert and skips it, and a tick killed halfway has either done an action completely
(and claimed it) or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from dueprocess.accounts.models import RoleMembership, User
from dueprocess.cases.models import Assignment, Case, InterimMeasure, Review, SignOff
from dueprocess.cases.services.interim import interim_measure_lapse
from dueprocess.cases.services.reviews import review_lapse
from dueprocess.ledger.record import record
from dueprocess.letters.models import DeadlineClaim, FeedbackGiven, Notice
from dueprocess.lib import clock
from dueprocess.rulebook.schema import StaffRole


@dataclass(frozen=True)
class Deadline:
    case: Case
    kind: str  # stage, acknowledge, feedback, signoff, interim_review
    ref: str  # what it is about (the stage, the sign-off or measure id)
    due_on: dt.date
    label: str
    measure: InterimMeasure | None = None
    review: Review | None = None


@dataclass
class DeadlineReport:
    reminders: int = 0
    escalations: int = 0
    lapsed: int = 0
    reviews_lapsed: int = 0
    actions: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"deadlines: {self.reminders} reminders, {self.escalations} escalations,"
            f" {self.lapsed} interim measures lapsed, {self.reviews_lapsed} reviews lapsed"
        )


def deadlines_run() -> DeadlineReport:
    """Take every reminder, escalation and lapse that is due today and not yet taken."""
    report = DeadlineReport()
    today = clock.today()
    cases = Case.objects.filter(closed_at__isnull=True).select_related(
        "rulebook", "organisation", "unit"
    )
    for case in cases.order_by("id").iterator():
        rules = case.rulebook.rules
        if rules.stages[case.stage].terminal:
            continue
        before = dt.timedelta(days=rules.deadlines.remind_days_before)
        for deadline in case_deadlines(case):
            if deadline.due_on < today:
                _after(deadline, report)
            elif deadline.due_on - before <= today:
                _act(deadline, "remind", report)
    return report


def case_deadlines(case: Case) -> list[Deadline]:
    rules = case.rulebook.rules
    result = []
    stage = rules.stages[case.stage]
    if case.stage_due_on:
        what = f"the {stage.window} window closes" if stage.window else f"{stage.label} is due"
        result.append(Deadline(case, "stage", case.stage, case.stage_due_on, what))
    if case.acknowledged_at is None:
        result.append(
            Deadline(case, "acknowledge", "", case.acknowledge_by, "acknowledgement is due")
        )
    if not FeedbackGiven.objects.filter(case=case).exists():
        result.append(
            Deadline(case, "feedback", "", case.feedback_by, "feedback to the complainant is due")
        )
    for signoff in SignOff.objects.filter(case=case, status=SignOff.Status.PENDING):
        result.append(
            Deadline(case, "signoff", str(signoff.pk), signoff.due_on, f"{signoff.label} is due")
        )
    for measure in InterimMeasure.objects.filter(case=case, lifted_at__isnull=True):
        kind = rules.interim_measures.get(measure.kind)
        label = kind.label if kind else measure.kind
        result.append(
            Deadline(
                case,
                "interim_review",
                str(measure.pk),
                measure.review_on,
                f"the review of {label.lower()} is due",
                measure=measure,
            )
        )
    for review in Review.objects.filter(case=case, outcome__isnull=True):
        result.append(
            Deadline(
                case,
                "review",
                str(review.pk),
                review.due_on,
                "the independent review of the decision is due",
                review=review,
            )
        )
    return result


def _after(deadline: Deadline, report: DeadlineReport) -> None:
    lapses = deadline.case.rulebook.rules.review.on_lapse == "takes_effect"
    if deadline.kind == "review" and deadline.review is not None and lapses:
        _act(deadline, "lapse", report)
        return
    if deadline.kind == "interim_review" and deadline.measure is not None:
        kind = deadline.case.rulebook.rules.interim_measures.get(deadline.measure.kind)
        if kind is None or kind.unreviewed == "lapse":
            _act(deadline, "lapse", report)
            return
    _act(deadline, "escalate", report)


def _claim(deadline: Deadline, action: str) -> bool:
    key = f"{deadline.case.pk}:{deadline.kind}:{deadline.ref}:{deadline.due_on}:{action}"
    try:
        with transaction.atomic():
            DeadlineClaim.objects.create(
                key=key,
                case=deadline.case,
                action=action,
                due_on=deadline.due_on,
                at=clock.now(),
            )
    except IntegrityError:
        return False
    return True


def _act(deadline: Deadline, action: str, report: DeadlineReport) -> None:
    with transaction.atomic():
        if not _claim(deadline, action):
            return
        if action == "lapse" and deadline.review is not None:
            if review_lapse(review=deadline.review) is not None:
                report.reviews_lapsed += 1
                report.actions.append(f"{deadline.case.reference}: {deadline.label}: lapsed")
            return
        if action == "lapse" and deadline.measure is not None:
            if interim_measure_lapse(measure=deadline.measure) is not None:
                report.lapsed += 1
                report.actions.append(f"{deadline.case.reference}: {deadline.label}: lapsed")
            return
        people = _assigned(deadline.case) if action == "remind" else []
        people = people or _heads_of_complaints(deadline.case)
        kind = Notice.Kind.REMINDER if action == "remind" else Notice.Kind.ESCALATION
        verb = "due" if action == "remind" else "overdue"
        text = f"{deadline.case.reference}: {deadline.label} ({verb} {deadline.due_on})"
        now = clock.now()
        for person in people:
            Notice.objects.create(
                person=person,
                case=deadline.case,
                kind=kind,
                deadline=deadline.kind,
                due_on=deadline.due_on,
                text=text[:300],
                created_at=now,
            )
        record(
            actor=None,
            action="deadline.reminded" if action == "remind" else "deadline.escalated",
            case=deadline.case,
            details={
                "deadline": deadline.kind,
                "due_on": deadline.due_on.isoformat(),
                "what": deadline.label,
                "to": sorted(_pseudonyms(people)),
            },
        )
        if action == "remind":
            report.reminders += 1
        else:
            report.escalations += 1
        report.actions.append(f"{text}: {action}")


def _pseudonyms(people: list[User]) -> list[str]:
    from dueprocess.ledger.record import actor_pseudonym

    return [actor_pseudonym(person) for person in people]


def _assigned(case: Case) -> list[User]:
    ids = Assignment.objects.filter(case=case, ended_at__isnull=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))


def _heads_of_complaints(case: Case) -> list[User]:
    ids = (
        RoleMembership.objects.current()
        .filter(role=StaffRole.CASE_MANAGER, user__organisation=case.organisation)
        .filter(Q(unit=case.unit) | Q(unit__isnull=True))
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))
