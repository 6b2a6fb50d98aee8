"""The case page and a sealed decision: the decision form offers to seal it; the panel reads
the outcome and its recorder gets an Announce button; everyone else reads only that a sealed
decision exists and when it was recorded — the outcome, reasons and votes nowhere on the page."""

from __future__ import annotations

from dueprocess.cases.models import Case, Decision
from tests.panels.test_sealed_decisions import DISSENT, REASONS, ready, seal
from tests.signing_in import signer_in
from tests.world import World, within_guideline


def test_the_decision_form_seals_it_when_ticked(university: World):
    case = ready(university)
    base = f"/cases/{case.reference}"
    chair = signer_in(university)("panel_chair")
    page = chair.get(f"{base}/").content.decode()
    assert "Provisional: seal this decision until it is announced" in page
    form = {
        "step-panel_outcome-expected_version": str(case.version),
        "step-panel_outcome-finding": "breach",
        "step-panel_outcome-sanctions": within_guideline(case),
        "step-panel_outcome-reason": REASONS,
        "step-panel_outcome-sealed": "on",
    }
    for member in (university.panel_chair, university.panel_b, university.panel_c):
        form[f"step-panel_outcome-vote_{member.pk}"] = "concur"
        form[f"step-panel_outcome-dissent_{member.pk}"] = ""
    done = chair.post(f"{base}/steps/panel_outcome/", form)
    assert done.status_code == 302, done.content.decode()[:3000]
    assert Decision.records.get(case=case).sealed
    assert Case.objects.get(pk=case.pk).stage == "conduct_panel"


def test_only_the_panel_reads_a_sealed_decision_on_the_case_page(university: World):
    case = ready(university)
    decision = seal(university, case)
    base = f"/cases/{case.reference}"
    sign_in = signer_in(university)
    chair = sign_in("panel_chair").get(f"{base}/").content.decode()
    assert REASONS in chair and "provisional, sealed" in chair
    assert f'action="{base}/decisions/{decision.pk}/announce/"' in chair
    member = sign_in("panel_b").get(f"{base}/").content.decode()
    assert REASONS in member and "/announce/" not in member
    for persona in ("case_manager", "investigator", "reviewer"):
        page = sign_in(persona).get(f"{base}/").content.decode()
        assert "A sealed decision" in page, persona
        assert REASONS not in page and DISSENT not in page, persona
        assert "/announce/" not in page


def test_the_announce_button_announces_it(university: World):
    case = ready(university)
    decision = seal(university, case)
    base = f"/cases/{case.reference}"
    sign_in = signer_in(university)
    refused = sign_in("panel_b").post(f"{base}/decisions/{decision.pk}/announce/", {})
    assert refused.status_code == 409
    done = sign_in("panel_chair").post(f"{base}/decisions/{decision.pk}/announce/", {})
    assert done.status_code == 302, done.content.decode()[:2000]
    assert Case.objects.get(pk=case.pk).stage == "outcome"
    assert Decision.objects.filter(case=case).exists()
    page = sign_in("case_manager").get(f"{base}/").content.decode()
    assert REASONS in page and "A sealed decision" not in page and "announced by" in page
    twice = sign_in("panel_chair").post(f"{base}/decisions/{decision.pk}/announce/", {})
    assert twice.status_code == 409
