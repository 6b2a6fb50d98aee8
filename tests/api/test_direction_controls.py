"""The API carries direction controls only as JSON escapes, never as raw characters."""

from __future__ import annotations

import json

from dueprocess.cases.models import Case
from dueprocess.lib.bidi import BIDI_CONTROLS

TRICK = "abc\u202egnp.exe"


def test_case_json_and_problem_details_carry_no_raw_direction_control(api, world):
    case = world.case_at("triage")
    Case.objects.filter(pk=case.pk).update(summary=f"Attachment {TRICK}")
    response = api.get(f"/cases/{case.reference}", "intake")
    assert response.status_code == 200
    text = response.content.decode()
    assert not any(char in text for char in BIDI_CONTROLS) and "\\u202e" in text.lower()
    assert json.loads(text)["summary"] == f"Attachment {TRICK}"  # the value itself is intact
    refused = api.post("/members/import", {"members": [], TRICK: 1}, "case_manager")
    assert refused.status_code == 422
    assert not any(char in refused.content.decode() for char in BIDI_CONTROLS)
    assert TRICK in json.dumps(json.loads(refused.content), ensure_ascii=False)
