"""The case page's register panel: every contact disclosed to those who may read the case."""

from __future__ import annotations

from django.template.loader import render_to_string

from dueprocess.cases import services as svc
from dueprocess.web.case_panel import oversight_context_for_case
from tests.oversight.conftest import approach


def test_the_panel_discloses_advice_with_its_extract_and_answer_and_every_approach(world):
    case = world.case_at("investigation")
    request = svc.advice_request_create(
        actor=world.case_manager,
        case=case,
        adviser=world.political,
        question="Is a selection open?",
        extract="Only this paragraph.",
    )
    svc.advice_request_answer(actor=world.political, request=request, answer="None open.")
    approach(world, case, what_was_asked="Asked for a warning letter instead.")
    context = oversight_context_for_case(case, world.case_manager)
    html = render_to_string("oversight/_case_panel.html", context)
    for text in (
        "Is a selection open?",
        "Only this paragraph.",
        "None open.",
        "Asked for a warning letter instead.",
        "political office",
    ):
        assert text in html
    assert context["register_may_log_approach"] and context["register_may_request_advice"]
    assert "Close this request" in html and "Log an approach" in html


def test_the_panel_offers_no_forms_to_someone_who_may_only_read(world):
    case = world.case_at("investigation")
    context = oversight_context_for_case(case, world.reviewer)
    html = render_to_string("oversight/_case_panel.html", context)
    assert not context["register_may_log_approach"]
    assert "Log an approach" not in html and "Ask someone for advice" not in html
    assert "No approaches have been logged." in html
