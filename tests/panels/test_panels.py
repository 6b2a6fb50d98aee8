"""Panels constituted by the rules: an auditable draw from the eligible pool, anyone can run
again and get the same panel, or an appointment by name with a reason, counted on the
dashboard."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
from contextlib import redirect_stdout

import pytest

from dueprocess.accounts.models import User
from dueprocess.accounts.services import training_record
from dueprocess.cases import services as svc
from dueprocess.cases.models import Assignment, Case, PanelConstitution, Recusal
from dueprocess.cases.models.immutable import ImmutableError
from dueprocess.cases.services.panels import eligible_pool, panels_of, redraw, redraw_all
from dueprocess.cli import main
from dueprocess.errors import IllegalTransition, InvalidInput, NotFound, ReasonRequired
from dueprocess.ledger.checkpoints import checkpoint_create
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.lib import clock
from dueprocess.oversight.queries import figure_cases_for, figure_for
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import parse_rulebook
from dueprocess.rulebooks import bundled
from tests.parties.helpers import entries_since, last_seq
from tests.world import CHAIR_COURSE, World, build_world


def _panel_case(university: World) -> Case:
    case = university.case_at("conduct_panel")
    assert case.rulebook.rules.panel_at("conduct_panel") is not None
    return case


def _recuse(case: Case, user: User) -> None:
    """Keep ``user`` off the case, as a conflict found when assigning them would."""
    Recusal.objects.create(
        case=case,
        user=user,
        source=Recusal.Source.DETECTED,
        reason="Declared a friendship with the respondent.",
        recorded_at=clock.now(),
    )


def _by_hand(size: int, root: str, reference: str, stage: str, pool: dict[str, list[str]]):
    """The draw as docs/panels.md describes it, written again from the text alone."""
    seed = hashlib.sha256(
        f"dueprocess-panel-draw/1\n{size}\n{root}\n{reference}\n{stage}\n".encode()
    ).hexdigest()
    taken: set[str] = set()
    drawn = {}
    for seat, count in (("chair", 1), ("lay", 2)):
        free = [k for k in pool[seat] if k not in taken]
        free.sort(key=lambda k: hashlib.sha256(f"{seed}\n{seat}\n{k}\n".encode()).hexdigest())
        drawn[seat] = free[:count]
        taken.update(drawn[seat])
    return seed, drawn


def test_the_draw_seats_a_trained_chair_and_lay_members_from_the_eligible_pool(university):
    case = _panel_case(university)
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    start = last_seq()
    panel = svc.panel_draw(actor=university.case_manager, case=case)
    assert panel.method == "drawn" and panel.stage == "conduct_panel"
    assert panel.checkpoint_size == checkpoint.size
    assert panel.checkpoint_root == base64.b64encode(bytes(checkpoint.root)).decode()
    members = panel.members_in_order
    assert [m.seat for m in members] == ["chair", "lay", "lay"]
    assert panel.chair is not None and panel.chair.user == university.panel_chair  # sole chair
    seated = {m.user for m in members}
    assert seated <= {
        university.panel_chair,
        university.panel_b,
        university.panel_c,
        university.panel_spare,
    }
    active = Assignment.objects.filter(case=case, role="panel_member", ended_at__isnull=True)
    assert {a.user for a in active} == seated
    # the ledger entry carries every input needed to run the draw again
    [(_, details)] = entries_since(start, "panel.drawn")
    assert details["seed"] == panel.seed and details["pool"] == panel.pool
    assert details["checkpoint_size"] == checkpoint.size
    assert details["drawn"]["chair"] == [actor_pseudonym(university.panel_chair)]


def test_the_draw_can_be_run_again_from_the_documentation_alone(university):
    case = _panel_case(university)
    checkpoint_create()
    panel = svc.panel_draw(actor=university.case_manager, case=case)
    seed, drawn = _by_hand(
        panel.checkpoint_size, panel.checkpoint_root, case.reference, panel.stage, panel.pool
    )
    assert seed == panel.seed
    seated = {m.seat: [] for m in panel.members_in_order}
    for member in panel.members_in_order:
        seated[member.seat].append(actor_pseudonym(member.user))
    assert {k: sorted(v) for k, v in drawn.items()} == {k: sorted(v) for k, v in seated.items()}
    result = redraw(panel)
    assert result.ok and result.same_panel and result.checkpoint_matches is True


def test_a_different_checkpoint_gives_a_different_seed_and_a_changed_pool_is_caught(university):
    case = _panel_case(university)
    panel = svc.panel_draw(actor=university.case_manager, case=case)
    assert panel.checkpoint_size == 0  # nothing signed yet: the empty tree's root
    assert redraw(panel).ok
    moved = dataclasses.replace(redraw(panel))
    assert moved.seed == panel.seed
    # the same draw over a pool without the drawn lay members cannot give the seated panel
    lay = [actor_pseudonym(m.user) for m in panel.members_in_order if m.seat == "lay"]
    tampered = PanelConstitution(
        case=panel.case,
        stage=panel.stage,
        method="drawn",
        checkpoint_size=panel.checkpoint_size,
        checkpoint_root=panel.checkpoint_root,
        seed=panel.seed,
        pool={s: [k for k in keys if k not in lay] for s, keys in panel.pool.items()},
        constituted_by=panel.constituted_by,
        constituted_at=panel.constituted_at,
        pk=panel.pk,
    )
    assert not redraw(tampered).same_panel
    wrong_root = dataclasses.replace(redraw(panel), seed="0" * 64)
    assert not wrong_root.seed_matches


def test_the_pool_leaves_out_the_untrained_the_recused_and_the_investigator(university):
    case = _panel_case(university)
    rules = case.rulebook.rules.panel_at(case.stage)
    pool = eligible_pool(case, rules)
    assert pool["chair"] == [university.panel_chair]  # the only one trained to chair
    assert university.investigator not in pool["lay"]  # not a panel member, and investigated
    _recuse(case, university.panel_spare)
    assert university.panel_spare not in eligible_pool(case, rules)["lay"]
    assert set(eligible_pool(case, rules)["lay"]) == {
        university.panel_chair,
        university.panel_b,
        university.panel_c,
    }


def test_a_draw_without_enough_eligible_members_is_refused_naming_the_seat(university):
    case = _panel_case(university)
    _recuse(case, university.panel_chair)
    with pytest.raises(InvalidInput, match="legally qualified chair"):
        svc.panel_draw(actor=university.case_manager, case=case)
    assert not PanelConstitution.objects.filter(case=case).exists()


def test_a_whole_panel_is_not_drawn_twice_but_can_be_after_a_member_stands_down(university):
    case = _panel_case(university)
    first = svc.panel_draw(actor=university.case_manager, case=case)
    with pytest.raises(IllegalTransition, match="already constituted"):
        svc.panel_draw(actor=university.case_manager, case=case)
    lay = next(m.user for m in first.members_in_order if m.seat == "lay")
    svc.recusal_declare(actor=lay, case=case, reason="A relative is a witness.")
    second = svc.panel_draw(actor=university.case_manager, case=case)
    assert lay not in {m.user for m in second.members_in_order}
    assert redraw(second).ok and redraw(first).ok
    active = Assignment.objects.filter(case=case, role="panel_member", ended_at__isnull=True)
    assert {a.user for a in active} == {m.user for m in second.members_in_order}


def test_panels_are_append_only(university):
    case = _panel_case(university)
    panel = svc.panel_draw(actor=university.case_manager, case=case)
    panel.seed = "0" * 64
    with pytest.raises(ImmutableError):
        panel.save()


def test_appointing_by_name_needs_a_reason_and_eligible_members(university):
    case = _panel_case(university)
    seats = {"chair": [university.panel_chair], "lay": [university.panel_b, university.panel_c]}
    with pytest.raises(ReasonRequired):
        svc.panel_appoint(actor=university.case_manager, case=case, members=seats, reason=" ")
    wrong = {"chair": [university.panel_b], "lay": [university.panel_c, university.panel_spare]}
    with pytest.raises(InvalidInput, match="Legally qualified chair"):
        svc.panel_appoint(actor=university.case_manager, case=case, members=wrong, reason="x")
    short = {"chair": [university.panel_chair], "lay": [university.panel_b]}
    with pytest.raises(InvalidInput, match="Name 2"):
        svc.panel_appoint(actor=university.case_manager, case=case, members=short, reason="x")
    start = last_seq()
    panel = svc.panel_appoint(
        actor=university.case_manager, case=case, members=seats, reason="The chair was drawn."
    )
    assert panel.method == "appointed" and panel.reason == "The chair was drawn."
    [(_, details)] = entries_since(start, "panel.appointed")
    assert details["reason"] == "The chair was drawn."
    with pytest.raises(InvalidInput, match="appointed by name"):
        redraw(panel)


def test_an_appointment_by_name_shows_on_the_oversight_dashboard(university):
    case = _panel_case(university)
    svc.panel_draw(actor=university.case_manager, case=case)
    other = _panel_case(university)
    svc.panel_appoint(
        actor=university.case_manager,
        case=other,
        members={
            "chair": [university.panel_chair],
            "lay": [university.panel_b, university.panel_c],
        },
        reason="Only these three could sit within the month.",
    )
    figure = figure_for(university.oversight, "panels")
    counts = {r.filters["method"]: r.cells[1] for r in figure.rows if r.filters}
    assert counts == {"drawn": 1, "appointed": 1}
    listing = figure_cases_for(university.case_manager, "panels", {"method": "appointed"})
    assert [c.reference for c in listing.cases] == [other.reference]


def test_single_assignment_of_a_panel_member_is_refused_where_the_rules_constitute_panels(
    university,
):
    case = _panel_case(university)
    with pytest.raises(InvalidInput, match="constitutes its panels by the rules"):
        svc.case_assign(
            actor=university.case_manager,
            case=case,
            assignee=university.panel_b,
            role="panel_member",
        )


def test_only_the_case_manager_constitutes_the_panel(university):
    case = _panel_case(university)
    with pytest.raises((NotFound, Exception)) as refused:
        svc.panel_draw(actor=university.investigator, case=case)
    assert not isinstance(refused.value, InvalidInput)
    assert not PanelConstitution.objects.filter(case=case).exists()


def test_no_panel_outside_the_stages_the_rulebook_names(university):
    case = university.case_at("investigation")
    with pytest.raises(IllegalTransition, match="no panel"):
        svc.panel_draw(actor=university.case_manager, case=case)


def test_the_decision_uses_the_stage_panels_quorum_and_rulebooks_without_panels_still_work(
    university,
):
    case = university.case_at("outcome")  # appointed by name, then decided by the chair
    assert case.decisions.get().panel.count() == 3
    party = build_world("party", domain="southfold.example").case_at(
        "decided"
    )  # no [[panels]]: single assignments as before
    assert party.decisions.count() == 1 and not PanelConstitution.objects.filter(case=party)


def test_the_review_is_heard_by_a_new_panel_without_first_instance_members(university):
    case = university.case_at("review")
    panel = case.rulebook.rules.panel_at("review")
    pool = eligible_pool(case, panel)
    first = {university.panel_chair, university.panel_b, university.panel_c}
    assert not first & set(pool["lay"])  # they sat on the panel that decided
    assert pool["chair"] == []  # no one left trained to chair: the draw is refused
    with pytest.raises(InvalidInput, match="chair"):
        svc.panel_draw(actor=university.case_manager, case=case)
    fresh = university.add_person("review_chair", "panel_member")
    for key in ("review_b", "review_c"):
        university.add_person(key, "panel_member")
    training_record(actor=None, user=fresh, course=CHAIR_COURSE, completed_on=clock.today())
    drawn = svc.panel_draw(actor=university.case_manager, case=case)
    assert drawn.chair is not None and drawn.chair.user == fresh
    assert not first & {m.user for m in drawn.members_in_order}
    active = Assignment.objects.filter(case=case, role="panel_member", ended_at__isnull=True)
    assert not first & {a.user for a in active}  # the first panel stood down


def test_the_command_redraws_and_says_same_panel(university):
    case = _panel_case(university)
    checkpoint_create()
    panel = svc.panel_draw(actor=university.case_manager, case=case)
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["panel", "redraw", case.reference, "--org", university.organisation.slug])
    assert status == 0, out.getvalue()
    assert f"seed {panel.seed}" in out.getvalue() and "same panel" in out.getvalue()
    assert list(panels_of(case)) == [panel]


BAD = (
    ('stages = ["nowhere"]', "panels[0].stages", "unknown stage"),
    ('stages = ["completed"]', "panels[0].stages", "terminal"),
    ('selection = "lottery"', "panels[0].selection", "must be one of"),
    ("quorum = 9", "panels[0].quorum", "exceeds the panel size"),
)


@pytest.mark.parametrize(("change", "key", "message"), BAD)
def test_bad_panel_rules_are_load_errors_naming_the_key(change, key, message):
    text = bundled("university").read_text()
    first = text.index("[[panels]]")
    head, tail = text[:first], text[first:]
    name = change.split(" =")[0]
    lines = tail.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{name} ="):
            lines[i] = change
            break
    else:
        lines.insert(1, change)
    with pytest.raises(RulebookError) as error:
        parse_rulebook((head + "\n".join(lines) + "\n").encode())
    assert any(issue.key == key and message in issue.message for issue in error.value.issues), (
        error.value.issues
    )


def test_the_chair_seat_has_one_place():
    text = (
        bundled("university")
        .read_text()
        .replace(
            'key = "chair"\nlabel = "Legally qualified chair"\ncount = 1',
            'key = "chair"\nlabel = "Legally qualified chair"\ncount = 2',
            1,
        )
    )
    with pytest.raises(RulebookError) as error:
        parse_rulebook(text.encode())
    assert any(i.key == "panels[0].seats[0].count" for i in error.value.issues)


def test_verify_runs_every_draw_again(university):
    case = _panel_case(university)
    checkpoint_create()
    svc.panel_draw(actor=university.case_manager, case=case)
    assert redraw_all() == (1, [])
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["verify", "--state"])
    assert status == 0, out.getvalue()
    assert "ok  panel draws: 1 run again, each gives the panel seated" in out.getvalue()
