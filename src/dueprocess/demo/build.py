"""Build the demo organisation by replaying planned events through the real services.

Every case, every step and every ledger entry in the demo was made by the same code a user
drives — with the clock set back to when each event "happened".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from dueprocess.access.rules import visible_cases
from dueprocess.accounts.models import InterestDeclaration, Organisation, Unit, User
from dueprocess.accounts.services import interest_declare, organisation_create
from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, InterimMeasure
from dueprocess.cases.queries import case_detail_for
from dueprocess.demo import names
from dueprocess.demo.interference import InterferenceStory
from dueprocess.demo.personas import create_personas
from dueprocess.demo.plan import SUMMARIES, CasePlan, Event, Planner
from dueprocess.demo.reviewing import verify_before_notice
from dueprocess.errors import DomainError
from dueprocess.ledger.checkpoints import checkpoint_create
from dueprocess.letters.digest import digest_subscribe
from dueprocess.lib import clock
from dueprocess.members.models import Member
from dueprocess.oversight import transparency
from dueprocess.oversight.publication import publish_report
from dueprocess.rulebook.models import RulebookVersion


@dataclass
class DemoResult:
    organisation: Organisation
    users: dict[str, User]
    cases: int
    events: int


CHECKPOINT_EVERY = dt.timedelta(days=7)


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))


NOTES = (
    "Wrote to the respondent setting out the allegation and inviting a response in 14 days.",
    "Respondent replied disputing the context of the post; reply filed.",
    "Interviewed the complainant by video call; notes filed.",
    "Requested the original post from the platform archive.",
)


class Builder:
    def __init__(
        self,
        rulebook: RulebookVersion,
        *,
        cases: int,
        seed: int,
        now: dt.datetime,
        on_progress: Callable[[int, int, int, int], None] | None = None,
    ) -> None:
        self.version = rulebook
        self.rules = rulebook.rules
        self.count = cases
        self.rng = random.Random(seed)
        self.now = now
        self.span = 540
        self.start = now - dt.timedelta(days=self.span + 30)
        self.planner = Planner(self.rules, now=now, seed=seed)
        self.cases: dict[int, Case] = {}
        self.plans: dict[int, CasePlan] = {}
        self.events: list[Event] = []
        #: called after each event with (cases opened, cases planned, events done, events)
        self.on_progress = on_progress

    def build(self) -> DemoResult:
        """The whole demo in one transaction: all of it or nothing."""
        with transaction.atomic():
            self.prepare()
            return self.replay()

    def prepare(self) -> None:
        """The organisation, its people and its members, and the plan of every event: after
        this (committed) people can sign in, while ``replay`` makes the cases."""
        with transaction.atomic(), clock.frozen(self.start):
            self.organisation = organisation_create(
                slug="northmoor",
                name=names.ORGANISATION,
                rulebook=self.version,
                units=[("complaints", "Complaints and Standards Unit")],
            )
            self.unit = Unit.objects.get(organisation=self.organisation, slug="complaints")
            self.users = create_personas(
                self.organisation, self.unit, start=self.start.date(), today=self.now.date()
            )
            self.members = self._members(1500)
            plans = self.planner.plan(self.count, span_days=self.span)
            self.plans = {p.index: p for p in plans}
            self.story = InterferenceStory(self)
            self.events = sorted(
                [*(e for p in plans for e in p.events), *self._peeks(plans), *self.story.events()]
            )
            self._declare_relationship()

    def replay(self, *, commit_every: float | None = None, pause: float = 0.0) -> DemoResult:
        """Every planned event through the services, oldest first. With ``commit_every``
        (seconds) the work is committed in slices of about that long, with ``pause`` seconds
        between them, so a server beside the build shows the cases made so far and its own
        writes get the database in the pauses (SQLite has one writer, and a writer waiting for
        it polls at most every 100 ms: without a pause the build would take it back first).
        Which slice an event falls in changes nothing in what it makes (same seed, same
        demo)."""
        events = self.events
        signed_at = self.start
        position = 0
        while position < len(events):
            began = time.monotonic()
            with transaction.atomic():
                while position < len(events):
                    event = events[position]
                    with clock.frozen(event.at):
                        if event.at - signed_at >= CHECKPOINT_EVERY:
                            checkpoint_create()  # a weekly series of signed checkpoints
                            signed_at = event.at
                        self._run(event)
                    position += 1
                    if self.on_progress is not None:
                        self.on_progress(len(self.cases), self.count, position, len(events))
                    if commit_every is not None and time.monotonic() - began >= commit_every:
                        break
            if pause and position < len(events):
                time.sleep(pause)
        with transaction.atomic(), clock.frozen(self.now):
            self._publish_past_quarters()
            # the head of complaints reads the daily digest: the demo's tick writes it
            digest_subscribe(actor=self.users["morgan"], person=self.users["morgan"], on=True)
        checkpoint_create()
        return DemoResult(self.organisation, self.users, len(self.cases), len(events))

    def _publish_past_quarters(self) -> None:
        """The general secretary publishes every quarter that has ended, so ``/transparency/``
        shows fixed, ledger-backed reports on a fresh demo."""
        quarters = transparency.quarters_with_data(self.organisation)
        for quarter in reversed(quarters):
            if quarter.end <= self.now:
                publish_report(actor=self.users["gwen"], quarter=quarter)

    def _peeks(self, plans: list[CasePlan]) -> list[Event]:
        """Attempts by people with no business in case files, each refused and recorded."""
        peeks = []
        for order, (who, days_ago) in enumerate(
            (("felix", 200), ("felix", 95), ("felix", 12), ("jamie", 30))
        ):
            at = self.now - dt.timedelta(days=days_ago)
            target = next((p.index for p in plans if p.received < at - dt.timedelta(days=1)), None)
            if target is None:
                continue  # a small demo may have no case yet on that day: nothing to peek at
            peeks.append(Event(at, 10_000_000 + order, "peek", target, {"who": who}))
        return peeks

    def _do_story(self, event: Event) -> None:
        self.story.run(event)  # the scripted interference stories (demo/interference.py)

    def _do_peek(self, event: Event) -> None:
        try:
            case_detail_for(self.users[event.params["who"]], self.cases[event.case].reference)
        except DomainError:
            return
        raise RuntimeError("a person with no access was shown a case")

    def _members(self, count: int) -> list[Member]:
        rng = self.rng
        rows = []
        for number in range(1, count + 1):
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
            office = ""
            if number % 37 == 0:
                office = f"Councillor, {rng.choice(names.PLACES)} ward"
            if number % 211 == 0:
                office = f"Member of Parliament for {rng.choice(names.PLACES)}"
            rows.append(
                Member(
                    organisation=self.organisation,
                    number=f"NPA{number:06d}",
                    full_name=f"{first} {last}",
                    email=f"{first}.{last}.{number}@members.example.org".lower(),
                    postcode=f"NM{rng.randint(1, 29)} {rng.randint(1, 9)}{_letters(rng)}",
                    joined_on=(self.start - dt.timedelta(days=rng.randint(30, 4000))).date(),
                    elected_office=office,
                )
            )
        return Member.objects.bulk_create(rows)

    def _declare_relationship(self) -> None:
        """Oliver declares he is related to one member; a later case against them is refused."""
        self.related_member = self.members[41]
        interest_declare(
            actor=None,
            user=self.users["oliver"],
            kind=InterestDeclaration.Kind.RELATIONSHIP,
            description="Sibling-in-law",
            member_id=self.related_member.pk,
        )

    def _run(self, event: Event) -> None:
        handler: Callable[[Event], Any] = getattr(self, f"_do_{event.kind}")
        try:
            handler(event)
        except DomainError as error:  # a planned step the rules refuse is a bug in the plan
            raise RuntimeError(
                f"demo event {event.kind} on case {event.case} failed: {error.message}"
            ) from error

    def _respondent(self, plan: CasePlan) -> svc.PartyInput:
        if plan.index == 7:
            return svc.PartyInput(member_number=self.related_member.number)
        if not plan.respondent_member:
            return svc.PartyInput(
                name=f"{self.rng.choice(names.FIRST_NAMES)} {self.rng.choice(names.SURNAMES)}"
            )
        pool = [m for m in self.members if bool(m.elected_office) == plan.elected] or self.members
        return svc.PartyInput(member_number=self.rng.choice(pool).number)

    def _do_open(self, event: Event) -> None:
        plan = self.plans[event.case]
        complainant = (
            svc.PartyInput(anonymous=True)
            if event.params["anonymous"]
            else svc.PartyInput(member_number=self.rng.choice(self.members).number)
        )
        case = svc.case_open(
            actor=self.users[self.rng.choice(("priya", "priya", "morgan"))],
            unit=self.unit,
            category=plan.category,
            summary=SUMMARIES[plan.category],
            complainant=complainant,
            respondent=self._respondent(plan),
            source=self.rng.choice(list(Case.Source.values)[:2]),
            allegations=[
                svc.AllegationInput(
                    summary=SUMMARIES[plan.category],
                    occurred_on=(event.at - dt.timedelta(days=self.rng.randint(1, 60))).date(),
                )
            ],
        )
        self.cases[event.case] = case

    def _case(self, event: Event) -> Case:
        return Case.objects.get(pk=self.cases[event.case].pk)

    def _do_acknowledge(self, event: Event) -> None:
        svc.case_transition(
            actor=self.users["priya"], case=self._case(event), transition="acknowledge"
        )

    def _answers(self, **overrides: bool) -> dict[str, bool]:
        return {q.key: overrides.get(q.key, True) for q in self.rules.triage_questions}

    def _do_accept(self, event: Event) -> None:
        case = self._case(event)
        svc.case_triage(
            actor=self.users["priya"],
            case=case,
            answers=self._answers(),
            member_reason=self._member_reason(case),
        )

    @staticmethod
    def _member_reason(case: Case) -> str:
        """Triage says a respondent missing from the register is a member only with a reason."""
        if case.parties.filter(role="respondent", member__isnull=False).exists():
            return ""
        return "Joined after the register was last imported; confirmed by the branch secretary."

    def _do_not_investigated(self, event: Event) -> None:
        ground = event.params["ground"]
        case = self._case(event)
        actor, earlier = self._duplicate_triage(case) if ground == "duplicate" else (None, "")
        if ground == "duplicate" and not earlier:
            ground = "no_case_to_answer"  # the first case of all repeats nothing
        answers = self._answers(
            respondent_is_member=ground != "not_a_member",
            in_scope=ground != "out_of_scope",
            not_duplicate=ground != "duplicate",
        )
        reason = {
            "not_a_member": "The respondent is not in the membership register.",
            "out_of_scope": "The conduct complained of is outside the scope of the rules.",
            "duplicate": "The same post is already the subject of an open complaint.",
            "no_case_to_answer": "The material supplied does not show the conduct alleged.",
            "withdrawn": "The complainant withdrew the complaint in writing.",
        }[ground]
        explicit = ground if ground in ("no_case_to_answer", "withdrawn") else ""
        svc.case_triage(
            actor=actor or self.users["priya"],
            case=case,
            answers=answers,
            ground=explicit,
            duplicate_of=earlier,
            reason=reason,
            member_reason=self._member_reason(case) if answers.get("respondent_is_member") else "",
        )

    def _duplicate_triage(self, case: Case) -> tuple[User, str]:
        """Who closes ``case`` as a duplicate, and the reference of the case it repeats: the
        first earlier case its intake officer can see, or else (when every earlier case has
        left intake) the first its head of complaints can, who triages it instead."""
        for key in ("priya", "morgan"):
            person = self.users[key]
            earlier = visible_cases(person).filter(pk__lt=case.pk).order_by("pk")
            reference = earlier.values_list("reference", flat=True).first()
            if reference:
                return person, reference
        return self.users["priya"], ""

    def _do_assign_investigator(self, event: Event) -> None:
        svc.case_assign(
            actor=self.users["morgan"],
            case=self._case(event),
            assignee=self.users[event.params["investigator"]],
            role="investigator",
        )

    def _do_interim(self, event: Event) -> None:
        svc.interim_measure_impose(
            actor=self.users["morgan"],
            case=self._case(event),
            kind="administrative_suspension",
            ground=self.rng.choice(("risk_of_harm", "serious_allegation_prima_facie")),
            reasons="Serious allegation supported by screenshots; risk of repetition meanwhile.",
        )

    def _do_lift(self, event: Event) -> None:
        for measure in InterimMeasure.objects.filter(
            case=self._case(event), lifted_at__isnull=True
        ):
            svc.interim_measure_lift(
                actor=self.users["morgan"],
                measure=measure,
                reason="Superseded by the panel's decision.",
            )

    def _do_note(self, event: Event) -> None:
        investigator = self.users[event.params["investigator"]]
        svc.note_add(
            actor=investigator,
            case=self._case(event),
            body=self.rng.choice(NOTES),
        )
        case_detail_for(investigator, self.cases[event.case].reference)

    def _do_evidence(self, event: Event) -> None:
        serial = self.rng.getrandbits(32)
        content = (
            f"Transcript of the post (fictional demo data, item {serial:08x}).\n"
            "Shared in the branch group; saved by the complainant before it was deleted.\n"
        ).encode()
        svc.evidence_add(
            actor=self.users[event.params["investigator"]],
            case=self._case(event),
            title="Transcript of the post",
            kind="social_media",
            content=content,
        )

    def _do_recommend(self, event: Event) -> None:
        p = event.params
        svc.recommendation_submit(
            actor=self.users[p["investigator"]],
            case=self._case(event),
            finding=p["finding"],
            sanctions=p["sanctions"],
            reasons="The evidence supports the finding; the sanction is within the guideline.",
        )

    def _do_assign_panel(self, event: Event) -> None:
        case = self._case(event)
        if event.case == 7:  # Oliver declared a relationship with this respondent
            with contextlib.suppress(DomainError):  # refused and recused, as it should be
                svc.case_assign(
                    actor=self.users["morgan"],
                    case=case,
                    assignee=self.users["oliver"],
                    role="panel_member",
                )
        for key in event.params["panel"]:
            svc.case_assign(
                actor=self.users["morgan"], case=case, assignee=self.users[key], role="panel_member"
            )

    def _do_decide(self, event: Event) -> None:
        p = event.params
        chair = self.users[p["chair"]]
        case_detail_for(chair, self.cases[event.case].reference)
        svc.decision_record(
            actor=chair,
            case=self._case(event),
            finding=p["finding"],
            sanctions=p["sanctions"],
            reasons=p.get("reasons", ""),
        )

    def _do_decide_appeal(self, event: Event) -> None:
        """No one judges their own decision: the first panel stands down, a new one decides."""
        p = event.params
        case = self._case(event)
        first = set()
        for assignment in case.assignments.filter(role="panel_member", ended_at__isnull=True):
            first.add(assignment.user_id)
            svc.assignment_end(
                actor=self.users["morgan"],
                assignment=assignment,
                reason="A new panel hears the appeal.",
            )
        pool = ("judith", "callum", "anita", "declan", "hannah", "oliver")
        new = [k for k in pool if self.users[k].pk not in first][:3]
        for key in new:
            svc.case_assign(
                actor=self.users["morgan"], case=case, assignee=self.users[key], role="panel_member"
            )
        svc.decision_record(
            actor=self.users[new[0]],
            case=self._case(event),
            finding=p["finding"],
            sanctions=p["sanctions"],
            transition="decide_appeal",
            reasons="Appeal dismissed: no procedural error and the sanction is proportionate.",
        )

    def _do_notify(self, event: Event) -> None:
        verify_before_notice(self._case(event))
        svc.case_transition(actor=self.users["morgan"], case=self._case(event), transition="notify")

    def _do_appeal(self, event: Event) -> None:
        svc.case_transition(
            actor=self.users["morgan"],
            case=self._case(event),
            transition="lodge_appeal",
            reason="Respondent appeals on the ground that the sanction is disproportionate.",
        )

    def _do_close(self, event: Event) -> None:
        svc.case_transition(
            actor=self.users["morgan"],
            case=self._case(event),
            transition="close",
            reason="No appeal was lodged within the appeal window.",
        )
