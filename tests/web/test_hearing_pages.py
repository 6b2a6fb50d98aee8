"""The case page's Hearing section: schedule, adjourn and record, for those the gate allows;
a refused form keeps what was typed, and every form needs its CSRF token."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from dueprocess.cases.models import Adjournment, Hearing, HearingRecord
from dueprocess.ledger.models import LedgerEntry
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from tests.signing_in import enrol
from tests.world import World

PLACE = "Room 4, 12 Market Street, Westfold"


def _local(days: int) -> str:
    """A date and time ``days`` from now as a browser's datetime-local field sends it."""
    moment = timezone.localtime(clock.now() + dt.timedelta(days=days))
    return moment.replace(hour=10, minute=30).strftime("%Y-%m-%dT%H:%M")


def _since(seq: int) -> list[str]:
    return list(LedgerEntry.objects.filter(seq__gt=seq).values_list("action", flat=True))


def _last() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_the_case_manager_schedules_from_the_page_and_sees_the_notice(world: World, signed_in):
    case = world.case_at("hearing")
    base = f"/cases/{case.reference}"
    manager = signed_in("case_manager")
    page = manager.get(f"{base}/").content.decode()
    assert '<h2 id="hearing-h">Hearing</h2>' in page and f'action="{base}/hearings/"' in page
    done = manager.post(
        f"{base}/hearings/",
        {"hearing_schedule-starts_at": _local(21), "hearing_schedule-place": PLACE},
    )
    assert done.status_code == 302
    hearing = Hearing.objects.get(case=case)
    page = manager.get(f"{base}/").content.decode()
    assert PLACE in page and "Panel Chair" in page and "Notices sent" in page
    assert f"{timezone.localtime(hearing.starts_at):%d %b %Y %H:%M}".lstrip("0") in page
    assert f'action="{base}/hearings/adjourn/"' in page
    assert f'action="{base}/hearings/"' not in page  # one open hearing at a time
    assert f'action="{base}/hearings/record/"' not in page  # its date has not arrived


def test_short_notice_is_refused_beside_the_fields_with_what_was_typed_kept(world, signed_in):
    case = world.case_at("hearing")
    base = f"/cases/{case.reference}"
    typed = {"hearing_schedule-starts_at": _local(4), "hearing_schedule-place": PLACE}
    refused = signed_in("case_manager").post(f"{base}/hearings/", typed)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "Less than 14 days&#x27; notice." in body
    assert "Record who agreed for the respondent, and how." in body
    assert PLACE in body and typed["hearing_schedule-starts_at"] in body
    assert '<details id="hearing_schedule" open>' in body
    assert not Hearing.objects.filter(case=case).exists()
    agreed = typed | {"hearing_schedule-short_notice_agreement": "The respondent, by phone."}
    assert signed_in("case_manager").post(f"{base}/hearings/", agreed).status_code == 302
    assert Hearing.objects.get(case=case).short_notice_agreement == "The respondent, by phone."


def test_a_bad_date_is_a_field_error(world, signed_in):
    case = world.case_at("hearing")
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/hearings/",
        {"hearing_schedule-starts_at": "next Tuesday", "hearing_schedule-place": PLACE},
    )
    assert response.status_code == 422
    assert "Enter a valid date/time." in response.content.decode()
    assert PLACE in response.content.decode()


def test_adjourn_and_record_from_the_page(world, signed_in):
    case = world.case_at("hearing")
    base = f"/cases/{case.reference}"
    manager = signed_in("case_manager")
    manager.post(
        f"{base}/hearings/",
        {"hearing_schedule-starts_at": _local(21), "hearing_schedule-place": PLACE},
    )
    hearing = Hearing.objects.get(case=case)
    no_reason = manager.post(
        f"{base}/hearings/adjourn/",
        {"hearing_adjourn-hearing": hearing.pk, "hearing_adjourn-starts_at": _local(35)},
    )
    assert no_reason.status_code == 422 and not Adjournment.objects.exists()
    assert _local(35) in no_reason.content.decode()
    moved = manager.post(
        f"{base}/hearings/adjourn/",
        {
            "hearing_adjourn-hearing": hearing.pk,
            "hearing_adjourn-reason": "The respondent's representative is unavailable.",
            "hearing_adjourn-starts_at": _local(35),
        },
    )
    assert moved.status_code == 302
    assert Letter.objects.filter(case=case, trigger="hearing_adjourned").exists()
    later = Hearing.objects.get(pk=hearing.pk).starts_at_now + dt.timedelta(hours=3)
    with clock.frozen(later):
        chair = signed_in("panel_chair")
        page = chair.get(f"{base}/").content.decode()
        assert "The respondent&#x27;s representative is unavailable." in page
        assert f'action="{base}/hearings/record/"' in page
        assert f'action="{base}/hearings/adjourn/"' not in page  # the case manager's
        assert 'name="hearing_record-recording_made"' not in page  # the rulebook allows none
        before = _last()
        recorded = chair.post(
            f"{base}/hearings/record/",
            {
                "hearing_record-hearing": hearing.pk,
                "hearing_record-respondent_attended": "yes",
                "hearing_record-representation": "a friend",
                "hearing_record-account": "Both parties were heard.",
                "hearing_record-outcome": "The panel decides within seven days.",
            },
        )
        assert recorded.status_code == 302 and _since(before) == ["hearing.held"]
        page = chair.get(f"{base}/").content.decode()
        assert "Record of the hearing" in page and "a friend" in page
        assert f'action="{base}/hearings/record/"' not in page
    assert HearingRecord.objects.get().representation == "a friend"


def test_someone_the_gate_refuses_gets_no_form_and_a_recorded_refusal(world, signed_in):
    case = world.case_at("hearing")
    base = f"/cases/{case.reference}"
    chair = signed_in("panel_chair")
    assert f'action="{base}/hearings/"' not in chair.get(f"{base}/").content.decode()
    before = _last()
    refused = chair.post(
        f"{base}/hearings/",
        {"hearing_schedule-starts_at": _local(21), "hearing_schedule-place": PLACE},
    )
    assert refused.status_code == 403 and _since(before) == ["access.denied"]
    assert not Hearing.objects.exists()


def test_the_hearing_forms_need_their_csrf_token(world: World):
    case = world.case_at("hearing")
    enrol(world.case_manager)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.case_manager)
    for suffix in ("hearings/", "hearings/adjourn/", "hearings/record/"):
        refused = client.post(
            f"/cases/{case.reference}/{suffix}",
            {"hearing_schedule-starts_at": _local(21), "hearing_schedule-place": PLACE},
        )
        assert refused.status_code == 403
    assert not Hearing.objects.exists()


def test_the_hearing_addresses_refuse_get(world, signed_in):
    case = world.case_at("hearing")
    client = signed_in("case_manager")
    for suffix in ("hearings/", "hearings/adjourn/", "hearings/record/"):
        assert client.get(f"/cases/{case.reference}/{suffix}").status_code == 405
