"""The whole path through the API alone (university rulebook): the panel drawn, the hearing
scheduled and noticed, adjourned once, held; a decision by a quorate panel with a dissent; an
appeal to a new panel (a first-panel member named for it is refused); the appeal decided; the
appeal decision reviewed and vetoed; decided again by a newly constituted panel and verified.

The case is brought to the conduct panel by the services (opening, triage, investigation and
recommendation have API tests of their own); every step from the panel on is an API call.
The order is docs/reviews.md's: a reviewed decision is verified or vetoed before its outcome
is sent, so the unreviewed first decision is sent and appealed, and the appeal's decision,
a suspension, is the one reviewed."""

from __future__ import annotations

import datetime as dt

from dueprocess.cases.models import Case, Hearing
from dueprocess.lib import clock
from tests.api.client import ApiClient, problem_code
from tests.api.trail import actions_since, mark
from tests.world import World

PLACE = "Senate House, Room 2"


def _at(days: int) -> str:
    moment = (clock.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def _votes(panel: dict, dissent: str = "") -> list[dict]:
    """Each member's vote, the chair first; the last member dissents if ``dissent`` is given."""
    members = [m["person"]["email"] for m in panel["members"]]
    votes = [{"member": email, "concurs": True} for email in members]
    if dissent:
        votes[-1] = {"member": members[-1], "concurs": False, "reasons": dissent}
    return votes


def _chair(university: World, panel: dict) -> str:
    email = next(m["person"]["email"] for m in panel["members"] if m["chair"])
    return next(key for key, user in university.people.items() if user.email == email)


def _appoint(api: ApiClient, ref: str, university: World, chair: str, lay: list[str]):
    body = {
        "reason": "Named so that nobody who sat before sits again.",
        "seats": {
            "chair": [university.people[chair].email],
            "lay": [university.people[key].email for key in lay],
        },
    }
    return api.post(f"/cases/{ref}/panels/appoint", body, persona="case_manager")


def test_hearing_appeal_and_review_walk_through_the_api(university: World):
    api = ApiClient(university.people)
    case = university.case_at("conduct_panel")
    ref = case.reference
    start = mark()

    drawn = api.post(f"/cases/{ref}/panels/draw", {}, persona="case_manager")
    assert drawn.status_code == 201, drawn.content
    first_panel = drawn.json()
    first = {m["person"]["email"] for m in first_panel["members"]}

    hearings = f"/cases/{ref}/hearings"
    scheduled = api.post(hearings, {"starts_at": _at(21), "place": PLACE}, persona="case_manager")
    assert scheduled.status_code == 201, scheduled.content
    hearing = scheduled.json()["id"]
    listed = api.get(hearings, persona="case_manager").json()
    assert "respondent" in {n["recipient_role"] for n in listed["notices"]}  # noticed
    adjourned = api.post(
        f"{hearings}/{hearing}/adjourn",
        {"reason": "The respondent's adviser is away.", "starts_at": _at(35)},
        persona="case_manager",
    )
    assert adjourned.status_code == 200, adjourned.content
    assert len(adjourned.json()["adjournments"]) == 1

    # the people added from here on took no part so far: the later panels are theirs
    for key in ("appeal_chair", "redo_chair"):
        university.people[key] = university.add_person(key, "panel_member")
    for key in ("appeal_b", "appeal_c", "redo_b", "redo_c"):
        university.people[key] = university.add_person(key, "panel_member")
    chair = _chair(university, first_panel)

    later = Hearing.objects.get(pk=hearing).starts_at_now + dt.timedelta(hours=2)
    with clock.frozen(later):
        held = api.post(
            f"{hearings}/{hearing}/record",
            {
                "respondent_attended": True,
                "account": "The respondent answered each allegation.",
                "outcome": "The panel decides today.",
            },
            persona=chair,
        )
        assert held.status_code == 200 and held.json()["status"] == "held", held.content

        decided = api.post(
            f"/cases/{ref}/decision",
            {
                "finding": "breach",
                "sanctions": ["written_reprimand"],
                "reasons": "The essay was copied in part; a reprimand is enough.",
                "votes": _votes(first_panel, dissent="I would have found no breach."),
            },
            persona=chair,
        )
        assert decided.status_code in (200, 201), decided.content
        assert api.get(f"/cases/{ref}/reviews", persona="case_manager").json()["reviews"] == []
        sent = api.post(f"/cases/{ref}/transitions/send_outcome", {}, persona="case_manager")
        assert sent.status_code == 200, sent.content

        lodged = api.post(
            f"/cases/{ref}/appeals",
            {"ground": "new_evidence", "statement": "The source was found; it is worse."},
            persona="case_manager",
        )
        assert lodged.status_code == 201, lodged.content
        appeal = lodged.json()["id"]

        first_lay = next(
            key for key, user in university.people.items() if user.email in first and key != chair
        )
        refused = _appoint(api, ref, university, "appeal_chair", [first_lay, "appeal_c"])
        assert refused.status_code == 422, refused.content
        assert "at first instance" in refused.content.decode()
        assert "panel.refused" in actions_since(start)
        appointed = _appoint(api, ref, university, "appeal_chair", ["appeal_b", "appeal_c"])
        assert appointed.status_code == 201, appointed.content
        appeal_panel = appointed.json()
        assert not first & {m["person"]["email"] for m in appeal_panel["members"]}

        replaced = api.post(
            f"/cases/{ref}/appeals/{appeal}/decide",
            {
                "result": "replace",
                "finding": "breach",
                "sanctions": ["suspension"],
                "reasons": "With the source found, the copying was deliberate.",
                "votes": _votes(appeal_panel),
            },
            persona="appeal_chair",
        )
        assert replaced.status_code == 201, replaced.content
        assert replaced.json()["result"] == "replaced"

        reviews = api.get(f"/cases/{ref}/reviews", persona="reviewer").json()
        assert reviews["declared"] is True and reviews["open_review"] is not None
        review = reviews["open_review"]
        [pending] = reviews["reviews"]
        assert pending["status"] == "pending" and pending["decision"] == replaced.json()["decision"]
        held_back = api.post(f"/cases/{ref}/transitions/send_outcome", {}, persona="case_manager")
        assert held_back.status_code == 409 and problem_code(held_back) == "illegal-transition"
        not_drawn = api.post(f"/cases/{ref}/reviews/{review}/veto", {"reasons": "x"}, persona=chair)
        assert not_drawn.status_code in (403, 404)

        vetoed = api.post(
            f"/cases/{ref}/reviews/{review}/veto",
            {"reasons": "The appeal panel did not hear the respondent on the new source."},
            persona="reviewer",
        )
        assert vetoed.status_code == 201, vetoed.content
        assert vetoed.json()["status"] == "vetoed" and vetoed.json()["in_effect"] is False
        assert Case.objects.get(pk=case.pk).stage == "review"

        again = _appoint(api, ref, university, "redo_chair", ["redo_b", "redo_c"])
        assert again.status_code == 201, again.content
        redo_panel = again.json()
        earlier = first | {m["person"]["email"] for m in appeal_panel["members"]}
        assert not earlier & {m["person"]["email"] for m in redo_panel["members"]}
        redecided = api.post(
            f"/cases/{ref}/decision",
            {
                "finding": "breach",
                "sanctions": ["suspension"],
                "reasons": "Having heard the respondent on the source, the copying was deliberate.",
                "votes": _votes(redo_panel),
            },
            persona="redo_chair",
        )
        assert redecided.status_code in (200, 201), redecided.content

        reviews = api.get(f"/cases/{ref}/reviews", persona="reviewer").json()
        second = reviews["open_review"]
        assert second is not None and second != review
        verified = api.post(f"/cases/{ref}/reviews/{second}/verify", {}, persona="reviewer")
        assert verified.status_code == 201, verified.content
        assert verified.json()["in_effect"] is True
        sent = api.post(f"/cases/{ref}/transitions/send_outcome", {}, persona="case_manager")
        assert sent.status_code == 200, sent.content

    statuses = [
        r["status"] for r in api.get(f"/cases/{ref}/reviews", persona="reviewer").json()["reviews"]
    ]
    assert statuses == ["vetoed", "verified"]
    panels = api.get(f"/cases/{ref}/panels", persona="case_manager").json()["panels"]
    assert panels[0]["method"] == "drawn" and panels[0]["same_panel"] is True
    done = actions_since(start)
    for action in (
        "panel.drawn",
        "hearing.scheduled",
        "hearing.adjourned",
        "hearing.held",
        "decision.recorded",
        "appeal.lodged",
        "panel.refused",
        "panel.appointed",
        "review.opened",
        "review.vetoed",
        "review.verified",
    ):
        assert action in done, action
    assert done.count("decision.recorded") == 3 and done.count("review.opened") == 2
