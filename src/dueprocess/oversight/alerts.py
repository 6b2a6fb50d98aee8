"""Three anomaly rules, computed from the data, raised once and kept.

1. A decision departed from the recommendation soon after an approach or an advice request on
   the same case — the pattern the articles describe, in either direction.
2. Someone acted on a case within the conflict period after working in the political office —
   possible only when that history was recorded late, which is exactly when it matters.
3. One person was refused access repeatedly within a month.

The rules are re-run whenever oversight looks (and by ``alerts_refresh`` from a scheduler);
an alert found for the first time gets a row and an ``alert.raised`` ledger entry, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery

from dueprocess.accounts.models import InterestDeclaration, Organisation, RoleMembership, User
from dueprocess.cases import models as m
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.oversight.ledger_counts import repeated_by_person
from dueprocess.oversight.models import Alert
from dueprocess.oversight.sql import month_label
from dueprocess.rulebook.schema import StaffRole

#: "Soon after": a departure within this long after a contact is worth a second look.
CONTACT_WINDOW = dt.timedelta(days=14)
#: Refusals in one calendar month that make a pattern rather than a slip.
DENIALS_PER_MONTH = 3

Rule = Alert.Rule


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str
    summary: str
    occurred_at: dt.datetime
    case_id: int | None = None
    person_id: int | None = None


def _day(moment: dt.date) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _days(later: dt.datetime, earlier: dt.datetime) -> str:
    days = (later - earlier).days
    return "the same day as" if days == 0 else f"{days} day{'s' if days != 1 else ''} after"


def decisions_after_contact(organisation: Organisation) -> list[Finding]:
    window = {"lte": OuterRef("decided_at"), "gte": OuterRef("window_start")}
    approaches = m.Approach.objects.filter(
        case=OuterRef("case"),
        occurred_at__lte=window["lte"],
        occurred_at__gte=window["gte"],
    ).order_by("-occurred_at")
    advice = m.AdviceRequest.objects.filter(
        case=OuterRef("case"),
        requested_at__lte=window["lte"],
        requested_at__gte=window["gte"],
    ).order_by("-requested_at")
    rows = (
        m.Decision.objects.filter(case__organisation=organisation, departs=True)
        .annotate(
            window_start=ExpressionWrapper(
                F("decided_at") - CONTACT_WINDOW, output_field=DateTimeField()
            )
        )
        .annotate(
            approach_at=Subquery(approaches.values("occurred_at")[:1]),
            approach_political=Subquery(approaches.values("from_political_office")[:1]),
            advice_at=Subquery(advice.values("requested_at")[:1]),
        )
        .filter(Q(approach_at__isnull=False) | Q(advice_at__isnull=False))
        .values(
            "pk",
            "case_id",
            "direction",
            "decided_at",
            "approach_at",
            "approach_political",
            "advice_at",
        )
    )
    found = []
    for row in rows:
        contacts = []
        if row["approach_at"] is not None:
            source = "from the political office" if row["approach_political"] else "logged"
            contacts.append((row["approach_at"], f"an approach {source}"))
        if row["advice_at"] is not None:
            contacts.append((row["advice_at"], "an advice request"))
        when, what = max(contacts)
        label = m.Decision.Direction(row["direction"]).label.lower()
        found.append(
            Finding(
                rule=Rule.DECISION_AFTER_CONTACT,
                subject=f"decision:{row['pk']}",
                summary=(
                    f"A decision {label} was recorded {_days(row['decided_at'], when)} {what} "
                    "on the same case."
                ),
                occurred_at=row["decided_at"],
                case_id=row["case_id"],
            )
        )
    return found


#: What counts as acting on a case: (model, person field, time field, words).
ACTS = (
    (m.StatusChange, "actor", "at", "moved a case to another stage"),
    (m.Assignment, "user", "assigned_at", "was assigned to a case"),
    (m.Note, "author", "created_at", "added a note to a case"),
    (m.Recommendation, "author", "submitted_at", "wrote a case's recommendation"),
    (m.Decision, "decided_by", "decided_at", "recorded a decision on a case"),
    (m.InterimMeasure, "imposed_by", "imposed_at", "imposed an interim measure on a case"),
    (m.Approach, "logged_by", "logged_at", "logged an approach about a case"),
    (m.AdviceRequest, "requested_by", "requested_at", "asked for advice on a case"),
)


@dataclass(frozen=True)
class OfficePeriod:
    person: User
    start: dt.datetime
    conflict_ends: dt.datetime
    left_on: dt.date | None


def office_periods(organisation: Organisation) -> list[OfficePeriod]:
    """Each stretch of political-office work on record, with its conflict period added."""
    rules = organisation.rulebook.rules
    months = rules.conflicts.political_office_months
    spans: list[tuple[User, dt.date | None, dt.date | None]] = [
        (r.user, r.starts_on, r.ends_on)
        for r in RoleMembership.objects.filter(
            role=StaffRole.POLITICAL_OFFICE, user__organisation=organisation
        ).select_related("user")
    ]
    spans += [
        (d.user, d.starts_on, d.ends_on)
        for d in InterestDeclaration.objects.filter(
            kind=InterestDeclaration.Kind.POLITICAL_OFFICE, user__organisation=organisation
        ).select_related("user")
    ]
    periods = []
    for person, starts_on, ends_on in spans:
        start = dt.datetime.combine(starts_on or dt.date.min, dt.time.min, tzinfo=dt.UTC)
        last = clock.add_months(ends_on, months) if ends_on else clock.today()
        end = dt.datetime.combine(last, dt.time.max, tzinfo=dt.UTC)
        periods.append(OfficePeriod(person, start, end, ends_on))
    return periods


def handled_in_conflict_period(organisation: Organisation) -> list[Finding]:
    office = organisation.rulebook.rules.political_office_label
    months = organisation.rulebook.rules.conflicts.political_office_months
    first: dict[tuple[int, int], tuple[dt.datetime, str, OfficePeriod]] = {}
    for period in office_periods(organisation):
        for model, who, when, words in ACTS:
            rows = (
                model.objects.filter(  # type: ignore[attr-defined]
                    **{who: period.person, f"{when}__gte": period.start},
                    **{f"{when}__lte": period.conflict_ends},
                    case__organisation=organisation,
                )
                .values("case_id")
                .annotate(first=Min(when))
                .order_by()
            )
            for row in rows:
                key = (period.person.pk, row["case_id"])
                if key not in first or row["first"] < first[key][0]:
                    first[key] = (row["first"], words, period)
    found = []
    for (person_id, case_id), (at, words, period) in sorted(first.items()):
        until = f"until {_day(period.left_on)}" if period.left_on else "and still does"
        found.append(
            Finding(
                rule=Rule.HANDLED_IN_CONFLICT_PERIOD,
                subject=f"user:{person_id}:case:{case_id}",
                summary=(
                    f"{period.person} {words} on {_day(at)}, within the {months}-month "
                    f"conflict period: they worked in the {office} {until}."
                ),
                occurred_at=at,
                case_id=case_id,
                person_id=person_id,
            )
        )
    return found


def repeated_denials(organisation: Organisation) -> list[Finding]:
    return [
        Finding(
            rule=Rule.REPEATED_DENIALS,
            subject=f"user:{person.pk}:{month}",
            summary=f"{person} was refused access {count} times in {month_label(month)}.",
            occurred_at=last,
            person_id=person.pk,
        )
        for person, month, count, last in repeated_by_person(
            "access.denied", organisation_id=organisation.pk, at_least=DENIALS_PER_MONTH
        )
    ]


def findings(organisation: Organisation) -> list[Finding]:
    return [
        *decisions_after_contact(organisation),
        *handled_in_conflict_period(organisation),
        *repeated_denials(organisation),
    ]


def alerts_refresh(organisation: Organisation) -> list[Alert]:
    """Run the rules; raise (store and record) each alert not raised before. Returns the new."""
    with transaction.atomic():
        # One refresh at a time per organisation, so two viewers never raise the same alert.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        known = set(Alert.objects.filter(organisation=organisation).values_list("rule", "subject"))
        raised = []
        for finding in findings(organisation):
            if (finding.rule, finding.subject) in known:
                continue
            known.add((finding.rule, finding.subject))
            raised.append(_raise(organisation, finding))
        return raised


def _raise(organisation: Organisation, finding: Finding) -> Alert:
    alert = Alert.objects.create(
        organisation=organisation,
        rule=finding.rule,
        subject=finding.subject,
        case_id=finding.case_id,
        person_id=finding.person_id,
        summary=finding.summary,
        occurred_at=finding.occurred_at,
        detected_at=clock.now(),
    )
    record(
        actor=None,
        action="alert.raised",
        case_id=finding.case_id,
        details={
            "alert": alert.pk,
            "rule": finding.rule,
            "subject": finding.subject,
            "summary": finding.summary,
            "occurred_at": finding.occurred_at.isoformat(),
        },
    )
    return alert
