"""The case page's decision-summary forms, and the staff page that publishes the quarter's
transparency report (the command's service: who may, a correction's reason, CSRF)."""

from __future__ import annotations

from django.test import Client

from dueprocess.cases.models import SummaryReview
from dueprocess.ledger.models import LedgerEntry
from dueprocess.oversight import publication
from dueprocess.oversight import transparency as tr
from dueprocess.oversight.models import ReportPublication
from tests.signing_in import enrol
from tests.world import World

TEXT = "A member shared a post repeating a trope; the panel found a breach."


def _last() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _since(seq: int) -> list[str]:
    return list(LedgerEntry.objects.filter(seq__gt=seq).values_list("action", flat=True))


def test_the_case_page_offers_write_then_approve_to_the_right_people(world: World, signed_in):
    case = world.case_at("notified")
    base = f"/cases/{case.reference}"
    investigator = signed_in("investigator")
    page = investigator.get(f"{base}/").content.decode()
    assert "Summary for the public report" in page and "summary/approve/" not in page
    assert f'action="{base}/summary/"' in page
    named = investigator.post(f"{base}/summary/", {"summary-text": "Rex Respondent shared it."})
    assert named.status_code == 422
    assert "the respondent&#x27;s name" in named.content.decode()
    done = investigator.post(f"{base}/summary/", {"summary-text": TEXT})
    assert done.status_code == 302
    page = investigator.get(f"{base}/").content.decode()
    assert "awaiting approval" in page and "summary/approve/" not in page
    manager = signed_in("case_manager")
    page = manager.get(f"{base}/").content.decode()
    assert f'action="{base}/summary/approve/"' in page and "Send it back" in page
    approved = manager.post(f"{base}/summary/approve/", {"summary_approve-version": "1"})
    assert approved.status_code == 302
    assert SummaryReview.objects.get().verdict == "approved"
    page = manager.get(f"{base}/").content.decode()
    assert "Version 1: approved" in page and f'action="{base}/summary/"' not in page


def test_the_author_is_refused_through_the_page_too_and_it_is_recorded(world: World, signed_in):
    case = world.case_at("notified")
    base = f"/cases/{case.reference}"
    manager = signed_in("case_manager")
    assert manager.post(f"{base}/summary/", {"summary-text": TEXT}).status_code == 302
    page = manager.get(f"{base}/").content.decode()
    assert "You wrote this version" in page and "summary/approve/" not in page
    before = _last()
    refused = manager.post(f"{base}/summary/approve/", {"summary_approve-version": "1"})
    assert refused.status_code == 403 and _since(before) == ["access.denied"]
    back = signed_in("reviewer").post(
        f"{base}/summary/return/",
        {"summary_return-version": "1", "summary_return-reason": "Too close to the facts."},
    )
    assert back.status_code == 302 and SummaryReview.objects.get().verdict == "returned"


def test_publishing_from_the_page_follows_the_commands_rules(world: World, signed_in):
    quarter = tr.latest_complete(world.organisation)
    oversight = signed_in("oversight")
    page = oversight.get("/oversight/transparency/")
    assert page.status_code == 200 and "Publish the report" in page.content.decode()
    before = _last()
    done = oversight.post("/oversight/transparency/", {"publish-quarter": str(quarter)})
    assert done.status_code == 302 and _since(before) == ["transparency.published"]
    (first,) = publication.publications(world.organisation, quarter)
    assert first.version == 1
    again = oversight.post("/oversight/transparency/", {"publish-quarter": str(quarter)})
    assert again.status_code == 422 and "already says exactly this" in again.content.decode()
    future = oversight.post("/oversight/transparency/", {"publish-quarter": "2999Q1"})
    assert future.status_code == 422
    assert ReportPublication.objects.count() == 1
    # a reader may see the page, not publish: the form is not shown, and a POST is refused
    reviewer = signed_in("reviewer")
    assert "Publish the report" not in reviewer.get("/oversight/transparency/").content.decode()
    before = _last()
    refused = reviewer.post("/oversight/transparency/", {"publish-quarter": str(quarter)})
    assert refused.status_code == 403 and _since(before) == ["access.denied"]


def test_the_publish_form_needs_its_csrf_token(world: World):
    enrol(world.oversight)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.oversight)
    quarter = tr.latest_complete(world.organisation)
    refused = client.post("/oversight/transparency/", {"publish-quarter": str(quarter)})
    assert refused.status_code == 403 and not ReportPublication.objects.exists()
