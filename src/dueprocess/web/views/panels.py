"""A case's panel on the case page: draw it by the rules, or appoint it by name. Thin over
``cases.services.panels``, which asks the gate and the rulebook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.cases import services as svc
from dueprocess.cases.services.panels import eligible_pool
from dueprocess.errors import IllegalTransition
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms.panels import PanelAppointForm, PanelDrawForm
from dueprocess.web.people import staff
from dueprocess.web.views.common import submit


@login_required
@require_POST
@domain_errors
def panel_draw(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = PanelDrawForm(request.POST)

    def act() -> object:
        return svc.panel_draw(actor=staff(request), case=case)

    return submit(request, case, "panel_draw", form, act, "Panel drawn by the rules.")


@login_required
@require_POST
@domain_errors
def panel_appoint(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_gate(staff(request), reference)  # the form reads the case's rulebook and pool
    panel = case.rulebook.rules.panel_at(case.stage)
    if panel is None:
        raise IllegalTransition("The rulebook constitutes no panel at this stage.")
    form = PanelAppointForm(
        request.POST,
        panel=panel,
        pool=eligible_pool(case, panel),
        organisation=case.organisation,
    )

    def act() -> object:
        return svc.panel_appoint(
            actor=staff(request),
            case=case,
            members=form.members(),
            reason=form.cleaned_data["reason"],
        )

    return submit(request, case, "panel_appoint", form, act, "Panel appointed by name.")
