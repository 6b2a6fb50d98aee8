"""The case page's Panel section: the head of complaints draws the panel or appoints it by
name with a reason; the page shows the draw's inputs and that running it again gives the same
panel; others see the panel but no forms."""

from __future__ import annotations

from dueprocess.cases.models import PanelConstitution
from dueprocess.ledger.models import LedgerEntry
from tests.signing_in import signer_in
from tests.world import World


def _last() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_the_head_of_complaints_draws_the_panel_from_the_page(university: World):
    case = university.case_at("conduct_panel")
    base = f"/cases/{case.reference}"
    sign_in = signer_in(university)
    manager = sign_in("case_manager")
    page = manager.get(f"{base}/").content.decode()
    assert '<h2 id="panel-h">Panel</h2>' in page and f'action="{base}/panels/draw/"' in page
    assert "1 legally qualified chair" in page and "2 needed to decide" in page
    start = _last()
    answer = manager.post(f"{base}/panels/draw/", {})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert list(LedgerEntry.objects.filter(seq__gt=start).values_list("action", flat=True)) == [
        "panel.drawn"
    ]
    panel = PanelConstitution.objects.get(case=case)
    page = manager.get(f"{base}/").content.decode()
    assert panel.seed in page and "gives the same panel" in page
    assert f"{university.panel_chair.full_name} — chair (chair)" in page
    # a panel member reads the panel but is offered neither form
    member = sign_in("panel_chair").get(f"{base}/").content.decode()
    assert panel.seed in member and "/panels/draw/" not in member


def test_an_appointment_by_name_without_a_reason_keeps_the_ticks_and_says_why(
    university: World,
):
    case = university.case_at("conduct_panel")
    base = f"/cases/{case.reference}"
    manager = signer_in(university)("case_manager")
    ticks = {
        "appoint-seat_chair": [str(university.panel_chair.pk)],
        "appoint-seat_lay": [str(university.panel_b.pk), str(university.panel_c.pk)],
    }
    refused = manager.post(f"{base}/panels/appoint/", {**ticks, "appoint-reason": ""})
    assert refused.status_code == 422
    assert not PanelConstitution.objects.filter(case=case).exists()
    done = manager.post(
        f"{base}/panels/appoint/", {**ticks, "appoint-reason": "Two drawn members are away."}
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    page = manager.get(f"{base}/").content.decode()
    assert "Appointed by name" in page and "Two drawn members are away." in page


def test_the_chair_records_the_decision_with_a_dissent_from_the_page(university: World):
    from dueprocess.cases.models import Case, PanelVote
    from tests.world import within_guideline

    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")
    case = Case.objects.get(pk=case.pk)
    base = f"/cases/{case.reference}"
    chair = signer_in(university)("panel_chair")
    page = chair.get(f"{base}/").content.decode()
    assert f'name="step-panel_outcome-vote_{university.panel_c.pk}"' in page
    form = {
        "step-panel_outcome-expected_version": str(case.version),
        "step-panel_outcome-finding": "breach",
        "step-panel_outcome-sanctions": within_guideline(case),
        "step-panel_outcome-reason": "The panel adopts the findings.",
    }
    for member in (university.panel_chair, university.panel_b, university.panel_c):
        form[f"step-panel_outcome-vote_{member.pk}"] = "concur"
        form[f"step-panel_outcome-dissent_{member.pk}"] = ""
    form[f"step-panel_outcome-vote_{university.panel_c.pk}"] = "dissent"
    refused = chair.post(f"{base}/steps/panel_outcome/", form)
    assert refused.status_code == 400 or refused.status_code == 422
    assert "dissent needs reasons" in refused.content.decode()
    form[f"step-panel_outcome-dissent_{university.panel_c.pk}"] = "Intent is not shown."
    done = chair.post(f"{base}/steps/panel_outcome/", form)
    assert done.status_code == 302, done.content.decode()[:3000]
    dissent = PanelVote.objects.get(decision__case=case, concurs=False)
    assert dissent.user == university.panel_c and dissent.reasons == "Intent is not shown."


def test_naming_a_first_instance_member_for_the_appeal_panel_is_refused_and_recorded(
    university: World,
):
    """The form offers only the eligible pool, but a crafted request naming a member of the
    first panel reaches the service: refused with its reason beside the seat, recorded as
    ``panel.refused``, nothing appointed. An account of another organisation is dropped, so the
    seat is short rather than filled."""
    from tests.world import build_outsider

    case = university.case_at("review")  # decided at first instance by the first panel
    base = f"/cases/{case.reference}"
    manager = signer_in(university)("case_manager")
    page = manager.get(f"{base}/").content.decode()
    assert f'value="{university.panel_b.pk}"' not in page.split('id="panel_appoint"')[1]
    chair = university.add_person("appeal_chair", "panel_member")
    lay_b = university.add_person("appeal_b", "panel_member")
    start = _last()
    crafted = {
        "appoint-seat_chair": [str(chair.pk)],
        "appoint-seat_lay": [str(lay_b.pk), str(university.panel_b.pk)],
        "appoint-reason": "Availability.",
    }
    refused = manager.post(f"{base}/panels/appoint/", crafted)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "sits on the panel that decides again" in body and "Panel B" in body
    actions = list(LedgerEntry.objects.filter(seq__gt=start).values_list("action", flat=True))
    assert "panel.refused" in actions
    drawn_before = PanelConstitution.objects.filter(case=case).count()

    outsider = build_outsider(university)
    crafted["appoint-seat_lay"] = [str(lay_b.pk), str(outsider.pk)]
    short = manager.post(f"{base}/panels/appoint/", crafted)
    assert short.status_code == 422
    assert "Name 2 for the lay member (1 named)." in short.content.decode()
    assert outsider.full_name not in short.content.decode()
    assert PanelConstitution.objects.filter(case=case).count() == drawn_before
