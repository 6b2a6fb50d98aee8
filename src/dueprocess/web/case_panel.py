"""The case page's panel of the interference register: advice requests with their extract
and answer, approaches logged, sign-offs (with objections and delays), and alerts on the case.

These are disclosed to everyone who may read the case file — the panel and the reviewer most
of all — because a contact nobody on the case can see is the problem this exists to end.
``oversight_context_for_case`` only shapes data; call it after the case page's own query has
checked ``case.view`` and recorded ``case.viewed``. It is web context (the template is
``oversight/_case_panel.html``, URLs reversed for its forms), so it lives with the case page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from dueprocess.access.rules import Gate
from dueprocess.cases.models import Case, SignOff
from dueprocess.lib import clock
from dueprocess.oversight.models import Alert

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


def oversight_context_for_case(case: Case, viewer: User | None = None) -> dict[str, Any]:
    """Template context for ``oversight/_case_panel.html`` (keys prefixed ``register_``)."""
    today = clock.today()
    sign_offs = list(
        SignOff.objects.filter(case=case).select_related("recorded_by", "requested_by", "measure")
    )
    gate = Gate(viewer, case) if viewer is not None else None
    may = {
        action: bool(gate and gate.can(action).allowed)
        for action in ("case.approach", "case.advice")
    }
    return {
        "register_case": case,
        "register_advice": list(
            case.advice_requests.select_related("adviser", "requested_by").order_by(
                "requested_at", "pk"
            )
        ),
        "register_approaches": list(case.approaches.select_related("logged_by")),
        "register_sign_offs": [(s, s.is_delayed(today)) for s in sign_offs],
        "register_alerts": list(Alert.objects.filter(case=case).order_by("occurred_at", "pk")),
        "register_may_log_approach": may["case.approach"],
        "register_may_request_advice": may["case.advice"],
        "register_approach_url": reverse("oversight:approach-new", args=[case.reference]),
        "register_advice_url": reverse("oversight:advice-new", args=[case.reference]),
    }
