"""The steps of the demo's interference stories (``demo/interference.py`` times them).

Each step is one or two calls of the real services as a fictional member of staff, with the
clock already set to when the step "happened".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dueprocess.accounts.models import User
from dueprocess.accounts.services import role_grant, staff_create, training_record
from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest, Case, SignOff
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import emergency
from dueprocess.cases.services.advice import advice_request_for
from dueprocess.cases.services.signoffs import signoff_request_for
from dueprocess.demo.names import EMAIL_DOMAIN
from dueprocess.demo.plan import Event
from dueprocess.demo.reviewing import verify_before_notice
from dueprocess.errors import DomainError
from dueprocess.lib import clock
from dueprocess.oversight.alerts import alerts_refresh

if TYPE_CHECKING:
    from dueprocess.demo.build import Builder

LEADERS_OFFICE = "Felix Hartley, Leader's office"

#: story key -> (category, respondent kind, summary)
STORIES = {
    "warning_letter": (
        "antisemitism",
        "member",
        "Repeated posts by the respondent describing a named Jewish charity as 'a foreign lobby'.",
    ),
    "expel_before_conference": (
        "other_racism",
        "member",
        "The respondent mocked a volunteer's accent in a campaign group chat.",
    ),
    "selection_question": (
        "islamophobia",
        "member",
        "Remarks at a branch meeting suggesting Muslim members 'vote as a bloc'.",
    ),
    "the_whip": (
        "antisemitism",
        "mp",
        "In a speech at a public meeting the respondent, an MP, called complaints of "
        "antisemitism 'a smear got up by our enemies' and named a complainant.",
    ),
    "councillor_now": (
        "sexual_harassment",
        "councillor",
        "Unwanted sexual messages from the respondent, a councillor, to a young volunteer.",
    ),
    "councillor_signed": (
        "other_racism",
        "councillor",
        "The respondent, a councillor, shared a video mocking Traveller families.",
    ),
    "late_record": (
        "other_conduct",
        "member",
        "The respondent used the branch mailing list to canvass for a private business.",
    ),
    "late_record_second": (
        "bullying_harassment",
        "member",
        "Repeated belittling messages from the respondent to the branch secretary.",
    ),
}


class StorySteps:
    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.cases: dict[str, Case] = {}
        self.rowan: User | None = None

    def run(self, event: Event) -> None:
        step: Callable[[Event], None] = getattr(self, f"_step_{event.params['step']}")
        step(event)

    def _user(self, key: str) -> User:
        if key == "rowan":
            assert self.rowan is not None
            return self.rowan
        return self.b.users[key]

    def _case(self, event: Event) -> Case:
        return Case.objects.get(pk=self.cases[event.params["story"]].pk)

    def _respondent(self, kind: str) -> str:
        def office(m: Any) -> str:
            return str(m.elected_office)

        wanted: dict[str, Callable[[Any], bool]] = {
            "member": lambda m: not office(m),
            "mp": lambda m: office(m).startswith("Member of Parliament"),
            "councillor": lambda m: office(m).startswith("Councillor"),
        }
        used = {c.parties.get(role="respondent").member_id for c in self.cases.values()}
        pool = [m for m in self.b.members if wanted[kind](m) and m.pk not in used]
        return str(pool[len(self.cases) % len(pool)].number)

    def _step_hire_rowan(self, event: Event) -> None:
        """An investigator whose past in the leader's office nobody recorded — yet."""
        self.rowan = staff_create(
            actor=None,
            organisation=self.b.organisation,
            email=f"rowan@{EMAIL_DOMAIN}",
            full_name="Rowan Vance",
            password=None,
        )
        role_grant(actor=None, user=self.rowan, role="investigator", starts_on=clock.today())
        training_record(
            actor=None,
            user=self.rowan,
            course="Handling complaints of discrimination and harassment",
            completed_on=clock.today(),
        )

    def _step_open(self, event: Event) -> None:
        story = event.params["story"]
        category, kind, summary = STORIES[story]
        self.cases[story] = svc.case_open(
            actor=self.b.users["priya"],
            unit=self.b.unit,
            category=category,
            summary=summary,
            complainant=svc.PartyInput(
                member_number=self.b.members[len(self.cases) * 7 + 3].number
            ),
            respondent=svc.PartyInput(member_number=self._respondent(kind)),
            allegations=[svc.AllegationInput(summary=summary)],
        )

    def _step_acknowledge(self, event: Event) -> None:
        svc.case_transition(
            actor=self.b.users["priya"], case=self._case(event), transition="acknowledge"
        )

    def _step_accept(self, event: Event) -> None:
        answers = {q.key: True for q in self.b.rules.triage_questions}
        svc.case_triage(actor=self.b.users["priya"], case=self._case(event), answers=answers)

    def _step_assign(self, event: Event) -> None:
        svc.case_assign(
            actor=self.b.users["morgan"],
            case=self._case(event),
            assignee=self._user(event.params["who"]),
            role="investigator",
        )

    def _step_note(self, event: Event) -> None:
        who = self._user(event.params["who"])
        svc.note_add(
            actor=who, case=self._case(event), body="Interviewed the complainant; notes filed."
        )

    def _step_recommend(self, event: Event) -> None:
        svc.recommendation_submit(
            actor=self._user(event.params["who"]),
            case=self._case(event),
            finding="breach",
            sanctions=event.params["sanctions"],
            reasons="The posts were repeated after a warning from the branch; guideline applies.",
        )

    def _step_panel(self, event: Event) -> None:
        for key in event.params["panel"]:
            svc.case_assign(
                actor=self.b.users["morgan"],
                case=self._case(event),
                assignee=self.b.users[key],
                role="panel_member",
            )

    def _step_approach(self, event: Event) -> None:
        lighter = event.params["story"] == "warning_letter"
        asked = (
            "Asked whether 'a warning letter would do' instead of a suspension, as the member is "
            "a long-standing supporter and a suspension would 'cause trouble in the branch'."
            if lighter
            else "Said the Leader wants this member expelled before conference and asked for "
            "the decision to be brought forward."
        )
        svc.approach_log(
            actor=self.b.users["morgan"],
            case=self._case(event),
            approached_by=LEADERS_OFFICE,
            from_political_office=True,
            channel="phone" if lighter else "email",
            occurred_at=clock.now() - dt.timedelta(hours=2),
            what_was_asked=asked,
            direction="lighter" if lighter else "harsher",
        )

    def _step_press_approach(self, event: Event) -> None:
        svc.approach_log(
            actor=self.b.users["tomasz"],
            case=self._case(event),
            approached_by="Regional press officer",
            from_political_office=False,
            channel="email",
            occurred_at=clock.now() - dt.timedelta(hours=5),
            what_was_asked="Asked when a decision is expected, because a local paper has called.",
            direction="neither",
        )

    def _step_decide(self, event: Event) -> None:
        case = self._case(event)
        lighter = event.params["story"] == "warning_letter"
        chair = self.b.users[event.params["chair"]]
        case_detail_for(chair, case.reference)
        svc.decision_record(
            actor=chair,
            case=case,
            finding="breach",
            sanctions=["formal_warning", "education_course"]
            if lighter
            else ["suspension", "education_course"],
            reasons=(
                "The panel gave weight to the respondent's apology and deleted posts."
                if lighter
                else "The panel found the remarks were repeated after a warning."
            ),
        )

    def _step_notify(self, event: Event) -> None:
        verify_before_notice(self._case(event))
        svc.case_transition(
            actor=self.b.users["morgan"], case=self._case(event), transition="notify"
        )

    ADVICE = {
        "selection": (
            "Is there an open selection in the Eastbrook branch in the next two months? The "
            "timing of any interim measure depends on it.",
            "A member of the Eastbrook branch is the subject of a complaint about remarks at a "
            "branch meeting. No names are given here. We need to know only whether a selection "
            "is open there soon.",
            "There is no open selection in Eastbrook until the spring.",
        ),
        "correspondence": (
            "Has the Leader's office received any correspondence from the respondent about this "
            "complaint? If so, please forward it to the complaints unit.",
            "A complaint about remarks at a branch meeting (Eastbrook) is under investigation.",
            "One letter arrived last month; it has been forwarded to the unit unanswered.",
        ),
        "unanswered": (
            "Has the Leader's office been contacted by the respondent's constituency party about "
            "the interim suspension?",
            "An elected representative is suspended pending investigation; the constituency party "
            "may have written to several offices.",
            "",
        ),
    }

    def _advice(self, event: Event) -> AdviceRequest:
        return AdviceRequest.objects.filter(case=self._case(event)).latest("requested_at", "pk")

    def _step_ask_advice(self, event: Event) -> None:
        question, extract, _ = self.ADVICE[event.params["which"]]
        svc.advice_request_create(
            actor=self._user(event.params["who"]),
            case=self._case(event),
            adviser=self.b.users["felix"],
            question=question,
            extract=extract,
        )

    def _step_answer_advice(self, event: Event) -> None:
        felix, request = self.b.users["felix"], self._advice(event)
        advice_request_for(felix, request.pk)
        svc.advice_request_answer(
            actor=felix, request=request, answer=self.ADVICE[event.params["which"]][2]
        )

    def _step_close_advice(self, event: Event) -> None:
        svc.advice_request_close(
            actor=self._user(event.params["who"]),
            request=self._advice(event),
            reason="Answer received; no further advice needed.",
        )

    def _step_suspend(self, event: Event) -> None:
        svc.interim_measure_impose(
            actor=self.b.users["morgan"],
            case=self._case(event),
            kind="administrative_suspension",
            ground="serious_allegation_prima_facie",
            reasons="Public statements naming a complainant; a real risk of repetition.",
        )

    def _signoff(self, event: Event) -> SignOff:
        return SignOff.objects.get(case=self._case(event), status=SignOff.Status.PENDING)

    def _step_read_signoff(self, event: Event) -> None:
        signoff_request_for(self.b.users["felix"], self._signoff(event).pk)

    def _step_answer_signoff(self, event: Event) -> None:
        signoff, objected = self._signoff(event), event.params["outcome"] == "objected"
        svc.signoff_record(
            actor=self.b.users["felix"],
            signoff=signoff,
            outcome=event.params["outcome"],
            reasons=(
                "The Leader objects: the member has apologised publicly and a suspension now "
                "would be disproportionate."
                if objected
                else "The grounds are met; the Leader signs off."
            ),
            delay_reasons=(
                "The Leader was travelling and the office wished to consult him in person."
                if clock.today() > signoff.due_on
                else ""
            ),
        )

    def _step_emergency(self, event: Event) -> None:
        requester, case = self.b.users[event.params["who"]], self._case(event)
        grant = emergency.emergency_access_request(
            actor=requester,
            case=case,
            reason="The investigator is on sick leave and the respondent's reply is due today.",
        )
        with clock.frozen(clock.now() + dt.timedelta(minutes=40)):
            if event.params["approve"]:
                emergency.emergency_access_approve(
                    actor=self.b.users["morgan"], grant=grant, hours=24
                )
                with clock.frozen(clock.now() + dt.timedelta(minutes=10)):
                    case_detail_for(requester, case.reference)  # read-only: emergency is a view
            else:
                emergency.emergency_access_refuse(
                    actor=self.b.users["morgan"],
                    grant=grant,
                    reason="Not urgent: the investigator is back tomorrow.",
                )

    def _step_record_past_office(self, event: Event) -> None:
        """The administrator finally records Rowan's earlier work in the leader's office."""
        assert self.rowan is not None
        role_grant(
            actor=self.b.users["ada"],
            user=self.rowan,
            role="political_office",
            starts_on=self.b.start.date() - dt.timedelta(days=900),
            ends_on=self.b.start.date() - dt.timedelta(days=5),
        )

    def _step_peek(self, event: Event) -> None:
        try:
            case_detail_for(self.b.users[event.params["who"]], self._case(event).reference)
        except DomainError:
            return
        raise RuntimeError("the leader's office was shown a case file")

    def _step_sweep(self, event: Event) -> None:
        alerts_refresh(self.b.organisation)
