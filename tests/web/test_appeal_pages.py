"""The case page's appeals: the head of conduct lodges an appeal with a rulebook ground and a
statement (an unknown ground keeps what was typed and says why); the new panel's chair
replaces the decision, and the page shows the first decision as replaced."""

from __future__ import annotations

from dueprocess.cases.models import Appeal, AppealOutcome, Case
from tests.signing_in import signer_in
from tests.world import World


def test_an_appeal_lodged_and_decided_from_the_page(university: World):
    case = university.case_at("outcome_sent")
    base = f"/cases/{case.reference}"
    sign_in = signer_in(university)
    manager = sign_in("case_manager")
    page = manager.get(f"{base}/").content.decode()
    assert '<h2 id="appeals-h">Appeals</h2>' in page and "The appeal window is open until" in page
    assert 'name="step-request_review-ground"' in page
    form = {
        "step-request_review-expected_version": str(case.version),
        "step-request_review-ground": "i_disagree",
        "step-request_review-statement": "A witness has come forward.",
    }
    refused = manager.post(f"{base}/steps/request_review/", form)
    assert refused.status_code == 422
    assert "A witness has come forward." in refused.content.decode()
    assert not Appeal.objects.filter(case=case).exists()
    form["step-request_review-ground"] = "new_evidence"
    done = manager.post(f"{base}/steps/request_review/", form)
    assert done.status_code == 302, done.content.decode()[:2000]
    appeal = Appeal.objects.get(case=case)
    case = Case.objects.get(pk=case.pk)
    university.new_panel(case)
    case = Case.objects.get(pk=case.pk)
    chair = sign_in("appeal_chair")
    page = chair.get(f"{base}/").content.decode()
    assert 'name="step-review_outcome-result"' in page and "Open: the new panel" in page
    decide = {
        "step-review_outcome-expected_version": str(case.version),
        "step-review_outcome-result": "replace",
        "step-review_outcome-finding": "no_breach",
        "step-review_outcome-reason": "The witness shows it was someone else.",
    }
    for a in case.assignments.filter(role="panel_member", ended_at__isnull=True):
        decide[f"step-review_outcome-vote_{a.user_id}"] = "concur"
        decide[f"step-review_outcome-dissent_{a.user_id}"] = ""
    made = chair.post(f"{base}/steps/review_outcome/", decide)
    assert made.status_code == 302, made.content.decode()[:3000]
    outcome = AppealOutcome.objects.get(appeal=appeal)
    assert outcome.result == "replaced"
    page = chair.get(f"{base}/").content.decode()
    assert "The decision under appeal is replaced" in page
    assert "Replaced by the appeal decision" in page
