"""Emergency access in the browser-less web app: ask, a second person decides, it shows."""

from __future__ import annotations

from dueprocess.access.models import EmergencyAccess
from dueprocess.ledger.models import LedgerEntry


def test_a_case_worker_asks_and_a_second_person_approves_and_the_case_shows_it(world, signed_in):
    case = world.case_at("investigation")
    asker, approver = signed_in("investigator_b"), signed_in("other_manager")
    assert asker.get(f"/cases/{case.reference}/").status_code == 404
    response = asker.post(
        "/emergency/request/", {"reference": case.reference, "reason": "Deadline today."}
    )
    assert response.status_code == 302
    grant = EmergencyAccess.objects.get(case=case)
    page = approver.get("/emergency/").content.decode()
    assert case.reference in page and "Deadline today." in page
    assert approver.post(f"/emergency/{grant.pk}/approve/", {"hours": "2"}).status_code == 302
    grant.refresh_from_db()
    assert grant.approver == world.other_manager and grant.expires_at is not None
    shown = asker.get(f"/cases/{case.reference}/")
    assert shown.status_code == 200
    assert "approved by Other Manager" in shown.content.decode()
    actions = set(LedgerEntry.objects.values_list("action", flat=True))
    assert {"emergency.requested", "emergency.approved", "emergency_list.viewed"} <= actions


def test_nobody_approves_their_own_request_and_bad_input_is_explained(world, signed_in):
    case = world.case_at("investigation")
    manager = signed_in("other_manager")
    assert (
        manager.post(
            "/emergency/request/", {"reference": "C-1999-00001", "reason": "x"}
        ).status_code
        == 404
    )
    assert (
        manager.post("/emergency/request/", {"reference": case.reference, "reason": ""}).status_code
        == 422
    )
    manager.post("/emergency/request/", {"reference": case.reference, "reason": "Cover."})
    grant = EmergencyAccess.objects.get(case=case)
    assert manager.post(f"/emergency/{grant.pk}/approve/", {"hours": "2"}).status_code == 403
    assert manager.post(f"/emergency/{grant.pk}/sideways/", {}).status_code == 404
    grant.refresh_from_db()
    assert grant.approved_at is None


def test_the_political_office_cannot_ask_for_emergency_access(world, signed_in):
    case = world.case_at("investigation")
    office = signed_in("political")
    response = office.post("/emergency/request/", {"reference": case.reference, "reason": "Press."})
    assert response.status_code == 404
    assert not EmergencyAccess.objects.exists()
