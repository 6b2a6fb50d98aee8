"""The open-a-case form, sent twice: the same form opens one case; the same form's key sent
with a changed complaint is refused, with everything typed kept, and nothing is lost."""

from __future__ import annotations

import re

from dueprocess.cases.models import Case
from tests.world import World


def _form(world: World, **changes: str) -> dict[str, str]:
    return {
        "idempotency_key": "form-key-1",
        "unit": str(world.unit.pk),
        "category": next(iter(world.rules.categories)),
        "source": "web",
        "summary": "A post repeating a conspiracy trope.",
        "complainant_name": "Ola Complainant",
        "respondent_name": "Rex Respondent",
        "allegation": "Shared the post on 3 March.",
    } | changes


def test_the_same_form_sent_twice_opens_one_case(world: World, signed_in):
    intake = signed_in("intake")
    first = intake.post("/cases/new/", _form(world))
    again = intake.post("/cases/new/", _form(world))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Case.objects.count() == 1


def test_the_same_key_with_a_changed_complaint_is_refused_and_the_input_kept(world, signed_in):
    intake = signed_in("intake")
    assert intake.post("/cases/new/", _form(world)).status_code == 302
    changed = _form(world, summary="Threats made at the branch meeting.")
    response = intake.post("/cases/new/", changed)
    html = response.content.decode()
    assert response.status_code == 422
    assert "already sent with a different complaint" in html
    assert re.search(r">\s*Threats made at the branch meeting\.</textarea>", html)
    assert Case.objects.count() == 1
    # sent again on purpose (the page carries a fresh key), it opens as a further case
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert key is not None and key.group(1) != "form-key-1"
    resent = intake.post("/cases/new/", changed | {"idempotency_key": key.group(1)})
    assert resent.status_code == 302 and Case.objects.count() == 2
