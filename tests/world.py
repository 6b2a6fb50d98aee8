"""A small fictional organisation for tests: one persona per role and relation.

Cases are moved with the real services (``perform``/``advance``), so every fixture case has the
same history, status changes and ledger entries a real one would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dueprocess.accounts.models import Organisation, Unit, User
from dueprocess.accounts.services import (
    organisation_create,
    role_grant,
    staff_create,
    training_record,
)
from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.cases.services.appeals import AppealResult, open_appeal
from dueprocess.cases.services.panel_votes import VoteInput
from dueprocess.lib import clock
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled

PASSWORD = "correct horse battery staple"

#: Which persona takes a step granted to each role.
ACTOR_FOR_ROLE = {
    "intake_officer": "intake",
    "case_manager": "case_manager",
    "investigator": "investigator",
    "panel_member": "panel_chair",
}


def route(rules, source: str, target: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The shortest sequence of step keys from ``source`` to ``target`` (no once-only repeats,
    and never through "not investigated", which would close the case early)."""
    frontier: list[tuple[str, list[str]]] = [(source, [])]
    seen = {source}
    while frontier:
        stage, path = frontier.pop(0)
        if stage == target:
            return path
        for step in rules.transitions_from(stage):
            if step.kind == "not_investigated" or step.target in seen:
                continue
            seen.add(step.target)
            frontier.append((step.target, [*path, step.key]))
    raise AssertionError(f"no route from {source} to {target}")


@dataclass
class World:
    organisation: Organisation
    unit: Unit
    other_unit: Unit
    people: dict[str, User] = field(default_factory=dict)
    #: the staff's addresses: the party world's are the ones tests name; another rulebook's
    #: world has its own, so that a module may hold both (each is built once per module)
    domain: str = "westfold.example"

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    @property
    def rules(self):  # type: ignore[no-untyped-def]
        return self.organisation.rulebook.rules

    def open_case(
        self,
        *,
        by: str = "intake",
        unit: Unit | None = None,
        category: str = "",
        respondent: svc.PartyInput | None = None,
        **extra: object,
    ) -> Case:
        return svc.case_open(
            actor=self.people[by],
            unit=unit or self.unit,
            category=category or next(iter(self.rules.categories)),
            summary="A post repeating a conspiracy trope.",
            complainant=svc.PartyInput(name="Ola Complainant", email="ola@public.example"),
            respondent=respondent or svc.PartyInput(name="Rex Respondent"),
            allegations=[svc.AllegationInput(summary="Shared the post on 3 March.")],
            **extra,  # type: ignore[arg-type]
        )

    def case_at(self, stage: str, **kwargs: object) -> Case:
        """A case opened now and moved, step by step through the services, to ``stage``."""
        case = self.open_case(**kwargs)  # type: ignore[arg-type]
        return self.advance(case, stage)

    def advance(self, case: Case, stage: str) -> Case:
        for key in route(case.rulebook.rules, case.stage, stage):
            self.prepare_for(case, key)
            step = case.rulebook.rules.transitions[key]
            actor = self.people[ACTOR_FOR_ROLE[step.roles[0]]]
            if step.kind == "decide" and redecides(case):
                self.new_panel(case)
                actor = self.people["appeal_chair"]
            perform(actor, Case.objects.get(pk=case.pk), key)
            case = Case.objects.get(pk=case.pk)
        return case

    def prepare_for(self, case: Case, key: str) -> None:
        """Make the assignments a step needs: an investigator, or a full panel."""
        step = case.rulebook.rules.transitions[key]
        needs = {"recommend": "investigator", "decide": "panel_member"}.get(
            step.kind, step.roles[0]
        )
        assigned = set(
            case.assignments.filter(ended_at__isnull=True).values_list("role", flat=True)
        )
        if needs == "investigator" and "investigator" not in assigned:
            svc.case_assign(
                actor=self.case_manager, case=case, assignee=self.investigator, role="investigator"
            )
        if needs == "panel_member" and "panel_member" not in assigned:
            if case.rulebook.rules.panel_at(case.stage):
                self.appoint_panel(case, ("panel_chair", "panel_b", "panel_c"))
                return
            for member in ("panel_chair", "panel_b", "panel_c"):
                svc.case_assign(
                    actor=self.case_manager,
                    case=case,
                    assignee=self.people[member],
                    role="panel_member",
                )

    def appoint_panel(self, case: Case, keys: tuple[str, ...]) -> None:
        """Appoint the rulebook's panel by name (chair first), so tests know who sits."""
        panel = case.rulebook.rules.panel_at(case.stage)
        assert panel is not None
        people = [self.people[key] for key in keys]
        seats, start = {}, 0
        for seat in panel.seats:
            seats[seat.key] = people[start : start + seat.count]
            start += seat.count
        svc.panel_appoint(
            actor=self.case_manager,
            case=case,
            members=seats,
            reason="Named for the test so that its steps know who sits.",
        )

    def new_panel(self, case: Case) -> None:
        """A decision is being made again (an appeal): the first panel stands down and a panel
        of people who took no part in the case so far is appointed."""
        if case.rulebook.rules.panel_at(case.stage):
            for key in APPEAL_PANEL:
                if key not in self.people:
                    self.people[key] = self.add_person(key, "panel_member")
            self.appoint_panel(case, APPEAL_PANEL)
            return
        for assignment in case.assignments.filter(role="panel_member", ended_at__isnull=True):
            svc.assignment_end(
                actor=self.case_manager, assignment=assignment, reason="A new panel decides."
            )
        for key in APPEAL_PANEL:
            if key not in self.people:
                self.people[key] = self.add_person(key, "panel_member")
            if not case.assignments.filter(user=self.people[key], ended_at__isnull=True):
                svc.case_assign(
                    actor=self.case_manager,
                    case=case,
                    assignee=self.people[key],
                    role="panel_member",
                )

    def add_person(self, key: str, role: str) -> User:
        start = clock.today() - dt.timedelta(days=1000)
        user = staff_create(
            actor=None,
            organisation=self.organisation,
            email=f"{key}@{self.domain}",
            full_name=key.replace("_", " ").title(),
            password=PASSWORD,
        )
        role_grant(actor=None, user=user, role=role, starts_on=start)
        training_record(actor=None, user=user, course="Complaints handling", completed_on=start)
        if key.endswith("_chair"):
            training_record(actor=None, user=user, course=CHAIR_COURSE, completed_on=start)
        return user


#: The training a rulebook's chair seat may ask for (the university's does).
CHAIR_COURSE = "Legally qualified chair"

#: The panel that hears an appeal: nobody who took part at first instance.
APPEAL_PANEL = ("appeal_chair", "appeal_b", "appeal_c")


def redecides(case: Case) -> bool:
    """Whether the next decision decides again (an earlier decision on the merits exists)."""
    return case.decisions.exclude(kind="not_investigated").exists()


def within_guideline(case: Case) -> list[str]:
    """The mildest sanction inside the category's guideline, plus a course where required."""
    rules = case.rulebook.rules
    guide = rules.categories[case.category]
    chosen = [guide.guideline_min]
    if guide.education == "required":
        chosen.append(next(s.key for s in rules.sanctions.values() if s.combinable))
    return chosen


def concurring(case: Case) -> list[VoteInput] | None:
    """Every member of the case's panel concurring, where the rulebook constitutes the panel
    of the case's stage (its chair records the votes); None elsewhere."""
    if case.rulebook.rules.panel_at(case.stage) is None:
        return None
    sitting = case.assignments.filter(role="panel_member", ended_at__isnull=True)
    return [VoteInput(a.user, True) for a in sitting.select_related("user")]


def perform(
    actor: User, case: Case, key: str, *, reason: str = "Reasons given in writing."
) -> object:
    """Take the rulebook step ``key`` through whichever service records that kind of step."""
    step = case.rulebook.rules.transitions[key]
    answers = {q.key: True for q in case.rulebook.rules.triage_questions}
    sanctions = within_guideline(case)
    if step.kind == "move" and key == case.rulebook.rules.appeals.step:
        return svc.appeal_lodge(
            actor=actor,
            case=case,
            ground=next(iter(case.rulebook.rules.appeals.grounds)),
            statement=reason,
        )
    if step.kind == "move":
        return svc.case_transition(actor=actor, case=case, transition=key, reason=reason)
    if step.kind == "accept":
        return svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=actor,
            case=case,
            answers=answers,
            transition=key,
        )
    if step.kind == "not_investigated":
        return svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=actor,
            case=case,
            answers=answers,
            ground="no_case_to_answer",
            reason=reason,
            transition=key,
        )
    if step.kind == "recommend":
        return svc.recommendation_submit(
            actor=actor,
            case=case,
            finding="breach",
            sanctions=sanctions,
            reasons=reason,
            transition=key,
        )
    if step.kind == "decide":
        return svc.decision_record(
            actor=actor,
            case=case,
            finding="breach",
            sanctions=sanctions,
            reasons=reason,
            transition=key,
            votes=concurring(case),
            appeal=AppealResult("confirm") if open_appeal(case) else None,
        )
    raise AssertionError(step.kind)


#: persona key -> (role, unit: "main" | "other" | None)
PERSONAS = {
    "intake": ("intake_officer", "main"),
    "case_manager": ("case_manager", "main"),
    "other_manager": ("case_manager", "other"),
    "investigator": ("investigator", None),
    "investigator_b": ("investigator", None),
    "panel_chair": ("panel_member", None),
    "panel_b": ("panel_member", None),
    "panel_c": ("panel_member", None),
    "panel_spare": ("panel_member", None),
    "oversight": ("oversight", None),
    "reviewer": ("independent_reviewer", None),
    "political": ("political_office", None),
    "admin": ("administrator", None),
}


def build_world(rulebook: str = "party", *, domain: str | None = None) -> World:
    """The organisation under ``rulebook``; a second one of the same rulebook in the same test
    needs its own ``domain`` for its staff's addresses."""
    version = rulebook_install(path=bundled(rulebook))
    today = clock.today()
    start = today - dt.timedelta(days=1000)
    organisation = organisation_create(
        slug=f"org-{rulebook}" if domain is None else f"org-{rulebook}-{domain[:8]}",
        name="Westfold Civic League",
        rulebook=version,
        units=[("complaints", "Complaints unit"), ("regional", "Regional unit")],
    )
    units = {
        "main": organisation.units.get(slug="complaints"),
        "other": organisation.units.get(slug="regional"),
    }
    if domain is None:
        domain = "westfold.example" if rulebook == "party" else f"{rulebook}.westfold.example"
    world = World(
        organisation=organisation, unit=units["main"], other_unit=units["other"], domain=domain
    )
    for key, (role, unit) in PERSONAS.items():
        user = staff_create(
            actor=None,
            organisation=organisation,
            email=f"{key}@{domain}",
            full_name=key.replace("_", " ").title(),
            password=PASSWORD,
        )
        role_grant(actor=None, user=user, role=role, unit=units.get(unit or ""), starts_on=start)
        training_record(actor=None, user=user, course="Complaints handling", completed_on=start)
        if key.endswith("_chair"):
            training_record(actor=None, user=user, course=CHAIR_COURSE, completed_on=start)
        world.people[key] = user
    moved = staff_create(
        actor=None,
        organisation=organisation,
        email=f"moved@{domain}",
        full_name="Moved From Office",
        password=PASSWORD,
    )
    role_grant(
        actor=None,
        user=moved,
        role="political_office",
        starts_on=start,
        ends_on=today - dt.timedelta(days=60),
    )
    role_grant(
        actor=None,
        user=moved,
        role="intake_officer",
        unit=units["main"],
        starts_on=today - dt.timedelta(days=59),
    )
    role_grant(actor=None, user=moved, role="investigator", starts_on=today - dt.timedelta(days=59))
    training_record(actor=None, user=moved, course="Complaints handling", completed_on=today)
    world.people["moved"] = moved
    return world


def build_outsider(world: World) -> User:
    """A case manager in another organisation (same installation)."""
    version = world.organisation.rulebook
    other = organisation_create(
        slug="elsewhere",
        name="Elsewhere Union",
        rulebook=version,
        units=[("complaints", "Complaints")],
    )
    user = staff_create(
        actor=None,
        organisation=other,
        email="outsider@elsewhere.example",
        full_name="Out Sider",
        password=PASSWORD,
    )
    role_grant(
        actor=None, user=user, role="case_manager", starts_on=clock.today() - dt.timedelta(days=10)
    )
    return user
