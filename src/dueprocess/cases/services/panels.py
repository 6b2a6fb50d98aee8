"""Panels constituted by the rules: drawn at random from the eligible pool, or appointed by
name with a recorded reason.

Where the rulebook declares a panel for the case's stage (``[[panels]]``), the unit's case
manager constitutes it (``panel.constitute``). A member is eligible for a seat when they are
an active member of the organisation's staff holding the panel member role, with current
training (the seat's own course, if it names one), not recused, not conflicted by the
rulebook's conflict rules, and took no earlier part in the case (investigated, recommended,
decided or sat on the panel that decided). A draw (``panel_draw``) picks the members from
that pool by the method in ``cases.panel_draw``, seeded from the latest signed checkpoint, and
keeps the seed's inputs and the pool so that ``redraw`` gives the same panel again. An
appointment by name (``panel_appoint``) is the exception: it needs a reason, the members must
be eligible all the same, and it is counted on the oversight dashboard.

Constituting a panel ends the case's current panel assignments (a new panel replaces the
old) and assigns its members; the rulebook's quorum for the stage then applies to decisions.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from dueprocess.access.conflicts import conflict_for
from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.facts import earlier_decisions, involvement
from dueprocess.access.rules import Gate
from dueprocess.accounts.models import RoleMembership, TrainingRecord, User
from dueprocess.cases import panel_draw as d
from dueprocess.cases.models import (
    Assignment,
    Case,
    PanelConstitution,
    PanelSeatHolder,
    Recusal,
)
from dueprocess.cases.services.common import clean_text, lock_case, workflow_of
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired
from dueprocess.ledger.models import Checkpoint
from dueprocess.ledger.record import actor_pseudonym, record
from dueprocess.lib import clock
from dueprocess.rulebook.schema import StagePanel

__all__ = [
    "PanelState",
    "Redraw",
    "checkpoint_now",
    "eligible_pool",
    "panel_appoint",
    "panel_draw",
    "panel_state",
    "panels_of",
    "redraw",
    "redraw_all",
]

MAX_REASON = 2000


def panels_of(case: Case) -> QuerySet[PanelConstitution]:
    """The case's panels, oldest first, with their members (no access check)."""
    return (
        PanelConstitution.objects.filter(case=case)
        .select_related("constituted_by")
        .prefetch_related(Prefetch("members", PanelSeatHolder.objects.select_related("user")))
        .order_by("constituted_at", "id")
    )


@dataclass(frozen=True)
class PanelState:
    """The rulebook's panel for the case's stage (None: it declares none there) and the
    case's panels, oldest first: the read model the case page and the API both show."""

    rules: StagePanel | None
    panels: tuple[PanelConstitution, ...]

    @property
    def constitutable(self) -> bool:
        return self.rules is not None


def panel_state(case: Case) -> PanelState:
    """Where ``case``'s panels stand (no access check: for callers that read the case file)."""
    return PanelState(rules=case.rulebook.rules.panel_at(case.stage), panels=tuple(panels_of(case)))


def _stage_panel(case: Case) -> StagePanel:
    rules = case.rulebook.rules
    panel = rules.panel_at(case.stage)
    if panel is None:
        here = workflow_of(case).stage_label(case.stage)
        raise IllegalTransition(f"The rulebook constitutes no panel at {here!r}.")
    return panel


def eligible_pool(
    case: Case, panel: StagePanel, *, role: str = "panel_member"
) -> dict[str, list[User]]:
    """Seat key -> the members eligible for that seat now, by their stable key (no access
    check). One person may be eligible for several seats; the draw seats them once. ``role``:
    the role the pool holds (independent reviewers are drawn from theirs, ``reviews``)."""
    rules = case.rulebook.rules
    today = clock.today()
    members = RoleMembership.objects.current().filter(role=role)
    recused = Recusal.objects.filter(case=case).values("user_id")
    candidates = (
        User.objects.filter(
            organisation_id=case.organisation_id, is_active=True, pk__in=members.values("user_id")
        )
        .exclude(pk__in=recused)
        .order_by("pk")
    )
    current = TrainingRecord.objects.filter(completed_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    courses: dict[int, set[str]] = {}
    for user_id, course in current.filter(user__in=candidates).values_list("user_id", "course"):
        courses.setdefault(user_id, set()).add(course)
    clear = [
        user
        for user in candidates
        if user.pk in courses
        and not conflict_for(user, case, rules)
        and not involvement(user, case)
    ]
    clear.sort(key=actor_pseudonym)
    return {
        seat.key: [u for u in clear if not seat.training or seat.training in courses[u.pk]]
        for seat in panel.seats
    }


def checkpoint_now() -> tuple[int, str]:
    """The latest signed checkpoint's size and root (base64, as its note prints it)."""
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is None:
        return 0, d.EMPTY_ROOT_B64
    return latest.size, base64.b64encode(bytes(latest.root)).decode()


def _replace_panel(case: Case, panel: StagePanel, actor: User) -> None:
    """End the case's current panel assignments; refuse if the stage's panel is constituted
    and still whole (a member recused or stood down: it may be constituted again)."""
    active = Assignment.objects.filter(
        case=case, role=Assignment.Role.PANEL_MEMBER, ended_at__isnull=True
    )
    latest = PanelConstitution.objects.filter(case=case).order_by("-constituted_at", "-id").first()
    if latest is not None and latest.stage in panel.stages:
        seated = set(latest.members.values_list("user_id", flat=True))
        if seated and seated <= set(active.values_list("user_id", flat=True)):
            raise IllegalTransition(
                "This stage's panel is already constituted; it is constituted again only if a"
                " member stands down or is recused."
            )
    now = clock.now()
    for assignment in active:
        assignment.ended_at = now
        assignment.end_reason = "a new panel was constituted"
        assignment.save(update_fields=["ended_at", "end_reason"])


def _seat(
    case: Case, panel: StagePanel, constitution: PanelConstitution, chosen: Mapping[str, list[User]]
) -> list[PanelSeatHolder]:
    holders = []
    now = clock.now()
    for seat in panel.seats:
        for user in chosen[seat.key]:
            holders.append(
                PanelSeatHolder.objects.create(
                    panel=constitution,
                    user=user,
                    seat=seat.key,
                    chair=seat.key == panel.chair_seat.key,
                )
            )
            Assignment.objects.create(
                case=case,
                user=user,
                role=Assignment.Role.PANEL_MEMBER,
                assigned_by=constitution.constituted_by,
                assigned_at=now,
            )
    return holders


def _specs(panel: StagePanel) -> list[d.SeatSpec]:
    return [d.SeatSpec(seat.key, seat.count) for seat in panel.seats]


@recorded_denials
def panel_draw(*, actor: User, case: Case) -> PanelConstitution:
    """Draw the stage's panel at random from the eligible pool, seeded from the latest signed
    checkpoint; the seed's inputs and the pool are kept so anyone can run the draw again."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("panel.constitute")
        panel = _stage_panel(case)
        pool = eligible_pool(case, panel)
        keys = {seat: [actor_pseudonym(u) for u in users] for seat, users in pool.items()}
        size, root = checkpoint_now()
        seed = d.seed_of(
            checkpoint_size=size, checkpoint_root=root, reference=case.reference, stage=case.stage
        )
        drawn = d.draw(seed, _specs(panel), keys)
        for seat in panel.seats:
            if len(drawn[seat.key]) < seat.count:
                raise InvalidInput(
                    f"Too few eligible members to draw the {seat.label.lower()}:"
                    f" {len(drawn[seat.key])} for {seat.count} place(s).",
                    fields={"panel": f"Too few eligible for {seat.label.lower()}."},
                )
        _replace_panel(case, panel, actor)
        by_key = {actor_pseudonym(u): u for users in pool.values() for u in users}
        constitution = PanelConstitution.objects.create(
            case=case,
            stage=case.stage,
            method=PanelConstitution.Method.DRAWN,
            checkpoint_size=size,
            checkpoint_root=root,
            seed=seed,
            pool=keys,
            constituted_by=actor,
            constituted_at=clock.now(),
        )
        _seat(case, panel, constitution, {s: [by_key[k] for k in ks] for s, ks in drawn.items()})
        record(
            actor=actor,
            action="panel.drawn",
            case=case,
            role=verdict.role,
            details={
                "panel": constitution.pk,
                "method": d.METHOD,
                "stage": case.stage,
                "checkpoint_size": size,
                "checkpoint_root": root,
                "seed": seed,
                "seats": [[s.key, s.count] for s in panel.seats],
                "pool": keys,
                "drawn": drawn,
            },
        )
        return panels_of(case).get(pk=constitution.pk)


@recorded_denials
def panel_appoint(
    *, actor: User, case: Case, members: Mapping[str, Sequence[User]], reason: str
) -> PanelConstitution:
    """Appoint the stage's panel by name instead of drawing it: ``members`` maps each seat to
    the people named for it. Each must be eligible for their seat, and the reason is kept;
    an appointment by name is counted on the oversight dashboard."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("panel.constitute")
        panel = _stage_panel(case)
        why = clean_text(reason, "reason", required=False, limit=MAX_REASON)
        if not why:
            raise ReasonRequired(
                "A panel appointed by name instead of drawn needs a reason.",
                fields={"reason": "Say why the panel is not drawn."},
            )
        pool = eligible_pool(case, panel)
        try:
            chosen = _named(case, panel, members, pool)
        except FirstInstanceNamed as refusal:
            record(
                actor=actor,
                action="panel.refused",
                case=case,
                role=verdict.role,
                details={
                    "stage": case.stage,
                    "member": actor_pseudonym(refusal.person),
                    "took_part": refusal.took_part,
                },
            )
            refused = refusal
        else:
            return _appointed(case, panel, chosen, actor, verdict.role, why)
    raise refused


class FirstInstanceNamed(InvalidInput):
    """Someone who took part at first instance was named for the panel deciding again: refused,
    and the refusal recorded before it is raised."""

    def __init__(self, message: str, *, person: User, took_part: str, seat: str) -> None:
        super().__init__(message, fields={seat: "Took part at first instance."})
        self.person = person
        self.took_part = took_part


def _named(
    case: Case,
    panel: StagePanel,
    members: Mapping[str, Sequence[User]],
    pool: dict[str, list[User]],
) -> dict[str, list[User]]:
    """The people named for each seat, each checked against the seat's eligible pool."""
    chosen: dict[str, list[User]] = {}
    seen: set[int] = set()
    unknown = set(members) - {seat.key for seat in panel.seats}
    if unknown:
        raise InvalidInput(
            f"Unknown seat(s): {', '.join(sorted(unknown))}.", fields={"panel": "Unknown seat."}
        )
    again = earlier_decisions(case)
    for seat in panel.seats:
        named = list(dict.fromkeys(members.get(seat.key, ())))
        if len(named) != seat.count:
            raise InvalidInput(
                f"Name {seat.count} for the {seat.label.lower()} ({len(named)} named).",
                fields={seat.key: f"{seat.count} required."},
            )
        for user in named:
            if user.pk in seen:
                raise InvalidInput(
                    f"{user.full_name} is named for two seats.", fields={seat.key: "Twice."}
                )
            took_part = involvement(user, case) if again else ""
            if took_part:
                raise FirstInstanceNamed(
                    f"{user.full_name} {took_part} on this case: no one who decided,"
                    " recommended or investigated at first instance sits on the panel that"
                    " decides again. The refusal is recorded.",
                    person=user,
                    took_part=took_part,
                    seat=seat.key,
                )
            if user not in pool[seat.key]:
                raise InvalidInput(
                    f"{user.full_name} is not eligible for the {seat.label.lower()}: "
                    + _ineligible(case, user, seat.training),
                    fields={seat.key: "Not eligible."},
                )
            seen.add(user.pk)
        chosen[seat.key] = named
    return chosen


def _appointed(
    case: Case,
    panel: StagePanel,
    chosen: dict[str, list[User]],
    actor: User,
    role: str,
    why: str,
) -> PanelConstitution:
    """Seat the panel appointed by name, and record it with its reason."""
    _replace_panel(case, panel, actor)
    constitution = PanelConstitution.objects.create(
        case=case,
        stage=case.stage,
        method=PanelConstitution.Method.APPOINTED,
        reason=why,
        constituted_by=actor,
        constituted_at=clock.now(),
    )
    _seat(case, panel, constitution, chosen)
    record(
        actor=actor,
        action="panel.appointed",
        case=case,
        role=role,
        details={
            "panel": constitution.pk,
            "stage": case.stage,
            "reason": why,
            "members": {s: [actor_pseudonym(u) for u in us] for s, us in chosen.items()},
        },
    )
    return panels_of(case).get(pk=constitution.pk)


def _ineligible(case: Case, user: User, training: str) -> str:
    """Why ``user`` is not in a seat's pool, in words."""
    rules = case.rulebook.rules
    if user.organisation_id != case.organisation_id or not user.is_active:
        return "not an active member of this organisation's staff."
    if not RoleMembership.objects.current().filter(user=user, role="panel_member").exists():
        return "does not hold the panel member role."
    if Recusal.objects.filter(case=case, user=user).exists():
        return "recused from this case."
    conflict = conflict_for(user, case, rules)
    if conflict:
        return f"{conflict}."
    took_part = involvement(user, case)
    if took_part:
        return f"{took_part} on this case."
    if training:
        return f"no current training as {training!r}."
    return "no current complaints-handling training."


@dataclass(frozen=True)
class Redraw:
    """A draw run again from its kept inputs: what it gives, and whether that is the panel
    that was seated and the seed the checkpoint gives."""

    panel: PanelConstitution
    seed: str
    drawn: dict[str, list[str]]
    seated: dict[str, list[str]]
    checkpoint_matches: bool | None  # None: the checkpoint is not held here

    @property
    def seed_matches(self) -> bool:
        return self.seed == self.panel.seed

    @property
    def same_panel(self) -> bool:
        return self.drawn == self.seated

    @property
    def ok(self) -> bool:
        return self.seed_matches and self.same_panel and self.checkpoint_matches is not False


def redraw(panel: PanelConstitution) -> Redraw:
    """Run a drawn panel's draw again from the inputs kept with it (no access check: for the
    command line and for ``verify``). The rulebook the case runs under gives the seats."""
    if panel.method != PanelConstitution.Method.DRAWN:
        raise InvalidInput("This panel was appointed by name, not drawn: there is no draw.")
    case = panel.case
    rules = case.rulebook.rules.panel_at(panel.stage)
    if rules is None:
        raise InvalidInput(f"The case's rulebook declares no panel at {panel.stage!r}.")
    seed = d.seed_of(
        checkpoint_size=int(panel.checkpoint_size or 0),
        checkpoint_root=panel.checkpoint_root,
        reference=case.reference,
        stage=panel.stage,
    )
    drawn = d.draw(seed, _specs(rules), panel.pool)
    seated: dict[str, list[str]] = {seat.key: [] for seat in rules.seats}
    for holder in panel.members_in_order:
        seated.setdefault(holder.seat, []).append(actor_pseudonym(holder.user))
    for key, keys in seated.items():  # the draw's order within a seat is its score's
        keys.sort(key=lambda k, seat=key: (d.score(seed, seat, k), k))  # type: ignore[misc]
    return Redraw(panel, seed, drawn, seated, _checkpoint_matches(panel))


def _checkpoint_matches(panel: PanelConstitution) -> bool | None:
    size = int(panel.checkpoint_size or 0)
    if size == 0:
        return panel.checkpoint_root == d.EMPTY_ROOT_B64
    held = Checkpoint.objects.filter(size=size).first()
    if held is None:
        return None
    return base64.b64encode(bytes(held.root)).decode() == panel.checkpoint_root


def redraw_all() -> tuple[int, list[str]]:
    """Every drawn panel's draw run again (for ``verify``): how many, and what failed."""
    drawn = (
        PanelConstitution.objects.filter(method=PanelConstitution.Method.DRAWN)
        .select_related("case", "case__rulebook")
        .prefetch_related(Prefetch("members", PanelSeatHolder.objects.select_related("user")))
        .order_by("pk")
    )
    count, failures = 0, []
    for panel in drawn.iterator(chunk_size=500):
        count += 1
        result = redraw(panel)
        if not result.ok:
            failures.append(
                f"the panel drawn for {panel.case.reference} at {panel.stage} (#{panel.pk})"
                " is not the one its draw gives again"
            )
    return count, failures
