"""The case page's Independent review section: everyone on the case sees the status, the due
date and the reviewer; only the drawn reviewer gets the verify and veto forms; a veto without
reasons keeps the form open with the error, and with them shows the reasons on the page."""

from __future__ import annotations

from dueprocess.cases.models import ReviewOutcome
from tests.reviews.helpers import suspended
from tests.signing_in import signer_in
from tests.world import World


def test_the_drawn_reviewer_vetoes_from_the_page_and_the_reasons_show(university: World):
    case, review = suspended(university)
    base = f"/cases/{case.reference}"
    sign_in = signer_in(university)
    manager = sign_in("case_manager").get(f"{base}/").content.decode()
    assert '<h2 id="reviews-h">Independent review</h2>' in manager
    assert "Awaiting the reviewer: due by" in manager and university.reviewer.full_name in manager
    assert 'id="review_verify"' not in manager and 'id="review_veto"' not in manager
    assert "Awaiting independent review: not yet in effect" in manager
    reviewer = sign_in("reviewer")
    page = reviewer.get(f"{base}/").content.decode()
    assert 'id="review_verify"' in page and 'id="review_veto"' in page
    bare = reviewer.post(f"{base}/reviews/veto/", {"veto-review": review.pk, "veto-reasons": ""})
    assert bare.status_code == 422
    assert '<details id="review_veto" open>' in bare.content.decode()
    assert not ReviewOutcome.objects.filter(review=review).exists()
    done = reviewer.post(
        f"{base}/reviews/veto/",
        {"veto-review": review.pk, "veto-reasons": "The notice of the hearing was short."},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    page = reviewer.get(f"{base}/").content.decode()
    assert "Vetoed on" in page and "The notice of the hearing was short." in page
    assert "Vetoed on independent review: it does not take effect" in page
    assert 'id="review_verify"' not in page


def test_verify_from_the_page_and_someone_else_posting_is_refused(university: World):
    case, review = suspended(university)
    base = f"/cases/{case.reference}"
    sign_in = signer_in(university)
    manager = sign_in("case_manager")
    refused = manager.post(f"{base}/reviews/verify/", {"verify-review": review.pk})
    assert refused.status_code == 403
    reviewer = sign_in("reviewer")
    done = reviewer.post(f"{base}/reviews/verify/", {"verify-review": review.pk})
    assert done.status_code == 302
    assert ReviewOutcome.objects.get(review=review).result == "verified"
    page = reviewer.get(f"{base}/").content.decode()
    assert "Verified on" in page and "the decision has taken effect" in page
    assert "In effect: verified on independent review" in page
