"""Independent review of decisions: verified, or vetoed with reasons, by a drawn reviewer.

Where the rulebook's ``[review]`` table names a decision (every decision, or those of listed
categories or sanctions), recording it opens a review (``review_open``, called by
``outcomes.decision_record`` in the same transaction): independent reviewers are drawn from
the eligible pool by the panel draw (``cases.panel_draw``), seeded from the latest signed
checkpoint, and have ``review_days`` to answer. Every decision is reviewed on its own: the
first instance's, an appeal's, and a decision made again after a veto.

The decision takes effect only once it is verified (``review_verify``), or when the period
lapses unanswered and the rulebook says ``on_lapse = "takes_effect"`` (``review_lapse``, run by
``dueprocess tick``); under ``on_lapse = "held"`` it waits for the reviewer. Until then no
plain step is taken on the case (``require_in_effect``): the outcome is not sent to the
parties, no appeal window opens and the case is not closed. A veto (``review_veto``, reasons
required) returns the case to the stage the decision was taken at, ends the panel's
assignments, and a newly constituted panel decides again (nobody who took part before may sit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.facts import involvement
from dueprocess.access.rules import Gate
from dueprocess.cases import panel_draw as d
from dueprocess.cases.models import Assignment, Review, Reviewer, ReviewOutcome
from dueprocess.cases.services.common import clean_text, lock_case, move, workflow_of
from dueprocess.cases.services.panels import checkpoint_now, eligible_pool
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired
from dueprocess.ledger.models import Checkpoint
from dueprocess.ledger.record import actor_pseudonym, record
from dueprocess.lib import clock
from dueprocess.rulebook.schema import PanelSeat, StagePanel, Transition

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case, Decision

__all__ = [
    "ReviewView",
    "ReviewsState",
    "awaiting_review",
    "redraw",
    "redraw_all",
    "require_in_effect",
    "review_lapse",
    "review_open",
    "review_state",
    "review_verify",
    "review_veto",
]

MAX_REASONS = 8000
#: The one seat of a reviewers' draw (the key the draw scores under).
SEAT = "reviewer"
#: The step a veto records on the case's status history (not a rulebook step).
VETO_STEP = "review_veto"


def draw_stage(decision_id: int) -> str:
    """What the draw's seed takes as its stage line: the decision reviewed, so each review of
    a case has its own seed (docs/reviews.md)."""
    return f"review:{decision_id}"


def _reviewers_panel(case: Case) -> StagePanel:
    """The rulebook's reviewers as a one-seat panel, so the panel's eligibility and draw apply."""
    rules = case.rulebook.rules.review
    seat = PanelSeat(
        key=SEAT, label="Independent reviewer", count=rules.reviewers, training=rules.training
    )
    return StagePanel(stages=(), seats=(seat,), quorum=rules.reviewers, selection="draw")


def review_open(*, case: Case, decision: Decision, stage: str) -> Review | None:
    """Open the review of ``decision`` (taken at ``stage``) if the rulebook asks for one, and
    draw its reviewers; the caller holds the case's lock (``decision_record``). The reviewers
    are screened as panel members are: active, holding the independent reviewer role, with
    current training, not recused, not conflicted, and no earlier part in the case."""
    rules = case.rulebook.rules.review
    if not rules.needs_review(case.category, list(decision.sanctions)):
        return None
    panel = _reviewers_panel(case)
    pool = eligible_pool(case, panel, role="independent_reviewer")[SEAT]
    keys = [actor_pseudonym(u) for u in pool]
    size, root = checkpoint_now()
    seed = d.seed_of(
        checkpoint_size=size,
        checkpoint_root=root,
        reference=case.reference,
        stage=draw_stage(decision.pk),
    )
    drawn = d.draw(seed, [d.SeatSpec(SEAT, rules.reviewers)], {SEAT: keys})[SEAT]
    by_key = {actor_pseudonym(u): u for u in pool}
    review = Review.objects.create(
        case=case,
        decision=decision,
        stage=stage,
        due_on=clock.today() + dt.timedelta(days=rules.review_days),
        checkpoint_size=size,
        checkpoint_root=root,
        seed=seed,
        pool=keys,
        opened_at=clock.now(),
    )
    for key in drawn:
        Reviewer.objects.create(review=review, user=by_key[key])
    record(
        actor=None,
        action="review.opened",
        case=case,
        details={
            "review": review.pk,
            "decision": decision.pk,
            "due_on": review.due_on.isoformat(),
            "on_lapse": rules.on_lapse,
            "method": d.METHOD,
            "checkpoint_size": size,
            "checkpoint_root": root,
            "seed": seed,
            "pool": keys,
            "drawn": drawn,
        },
    )
    return review


def awaiting_review(case: Case) -> Review | None:
    """The review still open on the case's decision, if there is one (held past its due date
    under ``on_lapse = "held"`` included)."""
    return (
        Review.objects.filter(case=case, outcome__isnull=True).order_by("-opened_at", "-id").first()
    )


def require_in_effect(case: Case) -> None:
    """Refuse a plain step while the case's decision awaits independent review: it takes effect
    (and the case moves on) only once verified, or when the period lapses if the rulebook says
    so."""
    pending = awaiting_review(case)
    if pending is None:
        return
    lapse = (
        "or, unreviewed, when the period lapses"
        if case.rulebook.rules.review.on_lapse == "takes_effect"
        else "(unreviewed, it stays held)"
    )
    raise IllegalTransition(
        f"The decision awaits independent review (due by {pending.due_on:%d %B %Y}): it takes"
        f" effect, and the case moves on, only once a reviewer verifies it {lapse}."
    )


def _pending(case: Case, review_id: int, actor: User) -> Review:
    review = (
        Review.objects.filter(case=case, pk=review_id)
        .prefetch_related(Prefetch("reviewers", Reviewer.objects.select_related("user")))
        .first()
    )
    if review is None:
        raise InvalidInput(
            f"There is no review {review_id} on this case.", fields={"review": "Unknown review."}
        )
    if ReviewOutcome.objects.filter(review=review).exists():
        raise IllegalTransition("This review is closed: the decision was already reviewed.")
    if actor.pk not in {r.user_id for r in review.reviewers.all()}:
        raise IllegalTransition(
            "Only an independent reviewer drawn for this review verifies or vetoes it."
        )
    return review


def _took_part(case: Case, review: int, actor: User) -> str:
    """How a reviewer drawn for ``review`` took part in the case since (or '')."""
    if not Reviewer.objects.filter(review_id=review, review__case=case, user=actor).exists():
        return ""
    return involvement(actor, case)


def _refuse(case: Case, review: int, actor: User, took_part: str) -> IllegalTransition:
    """Record that a drawn reviewer who took part in the case was refused; the error to raise
    once the record is committed."""
    record(
        actor=actor,
        action="review.refused",
        case=case,
        role="independent_reviewer",
        details={"review": review, "took_part": took_part},
    )
    return IllegalTransition(
        f"You {took_part} on this case: no one reviews a decision they took part in."
        " The refusal is recorded."
    )


@recorded_denials
def review_verify(*, actor: User, case: Case, review: int) -> ReviewOutcome:
    """A drawn reviewer verifies the decision: it takes effect now."""
    return _as_drawn_reviewer(actor, case, review, "review.verify", _verified)


@recorded_denials
def review_veto(*, actor: User, case: Case, review: int, reasons: str) -> ReviewOutcome:
    """A drawn reviewer vetoes the decision, with reasons: it never takes effect; the case
    returns to the stage it was taken at and the panel stands down, so that a newly
    constituted panel decides again."""

    def veto(case: Case, open_review: Review, actor: User, role: str) -> ReviewOutcome:
        return _vetoed(case, open_review, actor, role, reasons)

    return _as_drawn_reviewer(actor, case, review, "review.veto", veto)


def _as_drawn_reviewer(
    actor: User,
    case: Case,
    review: int,
    action: str,
    act: Callable[[Case, Review, User, str], ReviewOutcome],
) -> ReviewOutcome:
    """What verifying and vetoing share: the case locked, the reviewer's part in the case
    checked before the gate (a drawn reviewer who took part is refused, and the refusal is
    recorded and committed before it is raised), then ``act`` on the review still open."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        took_part = _took_part(case, review, actor)
        if took_part:
            refusal = _refuse(case, review, actor, took_part)
        else:
            verdict = gate.require(action)
            return act(case, _pending(case, review, actor), actor, verdict.role)
    raise refusal


def _verified(case: Case, review: Review, actor: User, role: str) -> ReviewOutcome:
    outcome = ReviewOutcome.objects.create(
        review=review,
        result=ReviewOutcome.Result.VERIFIED,
        decided_by=actor,
        decided_at=clock.now(),
    )
    record(
        actor=actor,
        action="review.verified",
        case=case,
        role=role,
        details={"review": review.pk, "decision": review.decision_id},
    )
    return outcome


def _vetoed(case: Case, review: Review, actor: User, role: str, reasons: str) -> ReviewOutcome:
    text = clean_text(reasons, "reasons", required=False, limit=MAX_REASONS)
    if not text:
        raise ReasonRequired(
            "A veto gives its reasons.", fields={"reasons": "Say why the decision is vetoed."}
        )
    outcome = ReviewOutcome.objects.create(
        review=review,
        result=ReviewOutcome.Result.VETOED,
        reasons=text,
        decided_by=actor,
        decided_at=clock.now(),
    )
    now = clock.now()
    for assignment in Assignment.objects.filter(
        case=case, role=Assignment.Role.PANEL_MEMBER, ended_at__isnull=True
    ):
        assignment.ended_at = now
        assignment.end_reason = "the decision was vetoed on independent review"
        assignment.save(update_fields=["ended_at", "end_reason"])
    step = Transition(
        key=VETO_STEP,
        label="Vetoed on independent review",
        sources=(case.stage,),
        target=review.stage,
        roles=(),
    )
    change = move(case, actor=actor, step=step, reason=text)
    record(
        actor=actor,
        action="review.vetoed",
        case=case,
        role=role,
        details={
            "review": review.pk,
            "decision": review.decision_id,
            "from": change.old_stage,
            "to": change.new_stage,
        },
    )
    return outcome


def review_lapse(*, review: Review) -> ReviewOutcome | None:
    """Nobody answered by the due date and the rulebook says the decision then takes effect:
    recorded as lapsed (the deadline engine's call, once per review). Under ``held`` nothing
    lapses (None)."""
    with transaction.atomic():
        case = lock_case(review.case)
        if case.rulebook.rules.review.on_lapse != "takes_effect":
            return None
        if ReviewOutcome.objects.filter(review=review).exists() or review.due_on >= clock.today():
            return None
        outcome = ReviewOutcome.objects.create(
            review=review, result=ReviewOutcome.Result.LAPSED, decided_at=clock.now()
        )
        record(
            actor=None,
            action="review.lapsed",
            case=case,
            details={
                "review": review.pk,
                "decision": review.decision_id,
                "due_on": review.due_on.isoformat(),
            },
        )
        return outcome


# -- re-running the draw -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRedraw:
    """A reviewers' draw run again from its kept inputs."""

    review: Review
    seed: str
    drawn: list[str]
    seated: list[str]
    checkpoint_matches: bool | None  # None: the checkpoint is not held here

    @property
    def ok(self) -> bool:
        return (
            self.seed == self.review.seed
            and self.drawn == self.seated
            and self.checkpoint_matches is not False
        )


def redraw(review: Review) -> ReviewRedraw:
    """Run a review's draw of reviewers again from the inputs kept with it (no access check:
    for the command line and ``verify``). The count is the rulebook's the case runs under."""
    case = review.case
    seed = d.seed_of(
        checkpoint_size=review.checkpoint_size,
        checkpoint_root=review.checkpoint_root,
        reference=case.reference,
        stage=draw_stage(review.decision_id),
    )
    count = case.rulebook.rules.review.reviewers
    drawn = d.draw(seed, [d.SeatSpec(SEAT, count)], {SEAT: list(review.pool)})[SEAT]
    seated = sorted(
        (actor_pseudonym(r.user) for r in review.reviewers.all()),
        key=lambda k: (d.score(seed, SEAT, k), k),
    )
    return ReviewRedraw(review, seed, drawn, seated, _checkpoint_matches(review))


def _checkpoint_matches(review: Review) -> bool | None:
    import base64

    if review.checkpoint_size == 0:
        return review.checkpoint_root == d.EMPTY_ROOT_B64
    held = Checkpoint.objects.filter(size=review.checkpoint_size).first()
    if held is None:
        return None
    return base64.b64encode(bytes(held.root)).decode() == review.checkpoint_root


def reviews_of(case: Case) -> list[Review]:
    """The case's reviews, oldest first, with their reviewers and outcome (no access check)."""
    return list(
        Review.objects.filter(case=case)
        .select_related("decision", "outcome", "outcome__decided_by")
        .prefetch_related(Prefetch("reviewers", Reviewer.objects.select_related("user")))
        .order_by("opened_at", "id")
    )


def redraw_all() -> tuple[int, list[str]]:
    """Every review's draw of reviewers run again (for ``verify``): how many, what failed."""
    reviews = (
        Review.objects.select_related("case", "case__rulebook")
        .prefetch_related(Prefetch("reviewers", Reviewer.objects.select_related("user")))
        .order_by("pk")
    )
    count, failures = 0, []
    for review in reviews.iterator(chunk_size=500):
        count += 1
        if not redraw(review).ok:
            failures.append(
                f"the reviewers drawn for {review.case.reference} (review #{review.pk})"
                " are not the ones their draw gives again"
            )
    return count, failures


# -- the read model ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewView:
    """One review as the case page and the API show it."""

    id: int
    decision: int
    decision_summary: str
    stage: str
    stage_label: str
    opened_at: dt.datetime
    due_on: dt.date
    reviewers: list[str]
    reviewer_ids: list[int]
    status: str  # pending, held (past due, kept waiting), verified, vetoed, lapsed
    reasons: str
    decided_by: str
    decided_at: dt.datetime | None

    @property
    def open(self) -> bool:
        return self.status in ("pending", "held")

    @property
    def in_effect(self) -> bool:
        return self.status in ("verified", "lapsed")


@dataclass(frozen=True)
class ReviewsState:
    """The case's reviews and the rulebook's terms for them."""

    declared: bool
    review_days: int
    on_lapse: str
    reviews: list[ReviewView]

    @property
    def open_review(self) -> ReviewView | None:
        return next((v for v in self.reviews if v.open), None)


def _summary(decision: Decision) -> str:
    sanctions = ", ".join(decision.sanctions) or "no sanction"
    return f"{decision.get_finding_display()} ({sanctions}), {decision.decided_at:%d %B %Y}"


def review_state(case: Case) -> ReviewsState:
    """The read model of a case's independent reviews (the caller has passed the case's gate)."""
    rules = case.rulebook.rules.review
    workflow = workflow_of(case)
    today = clock.today()
    views = []
    for row in reviews_of(case):
        outcome = getattr(row, "outcome", None)
        if outcome is not None:
            status = outcome.result
        else:
            status = "held" if row.due_on < today else "pending"
        views.append(
            ReviewView(
                id=row.pk,
                decision=row.decision_id,
                decision_summary=_summary(row.decision),
                stage=row.stage,
                stage_label=workflow.stage_label(row.stage),
                opened_at=row.opened_at,
                due_on=row.due_on,
                reviewers=[r.user.full_name for r in row.reviewers.all()],
                reviewer_ids=[r.user_id for r in row.reviewers.all()],
                status=status,
                reasons=outcome.reasons if outcome else "",
                decided_by=outcome.decided_by.full_name
                if outcome is not None and outcome.decided_by is not None
                else "",
                decided_at=outcome.decided_at if outcome else None,
            )
        )
    return ReviewsState(
        declared=rules.declared,
        review_days=rules.review_days,
        on_lapse=rules.on_lapse,
        reviews=views,
    )
