"""Evidence, a corrected recommendation and a recusal through the API: each a thin call to its
service, refused as the service refuses, and on the ledger as the act of the token's owner."""

from __future__ import annotations

import hashlib
from typing import get_args

from django.core.files.uploadedfile import SimpleUploadedFile

from dueprocess.api.inputs import EvidenceKind
from dueprocess.cases import services as svc
from dueprocess.cases.models import Assignment, EvidenceItem, Recusal
from tests.api.client import problem_code, problem_of
from tests.api.matrix import staffed_case
from tests.api.trail import actions_since, last_on, mark
from tests.world import within_guideline

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
DIGEST = hashlib.sha256(PNG).hexdigest()
EVIDENCE = {
    "title": "Screenshot of the post",
    "kind": "screenshot",
    "description": "Sent by the complainant.",
}


def _with_file(content: bytes = PNG, name: str = "post.png", **change: object) -> dict:  # type: ignore[type-arg]
    return EVIDENCE | {"file": SimpleUploadedFile(name, content, "image/png")} | change


def test_the_schema_offers_exactly_the_evidence_kinds_the_model_stores():
    assert set(get_args(EvidenceKind)) == set(EvidenceItem.Kind.values)


def test_an_uploaded_file_is_hashed_by_the_server_and_listed_on_a_recorded_view(api, world):
    case = staffed_case(world, "investigation")
    before = mark()
    response = api.upload(f"/cases/{case.reference}/evidence", _with_file(), "investigator")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == DIGEST and body["size_bytes"] == len(PNG)
    assert body["added_by"]["email"] == world.investigator.email
    assert actions_since(before) == ["evidence.added"]
    entry = last_on(case)
    assert entry.actor == world.investigator and entry.details["sha256"] == DIGEST
    assert entry.details["media_type"] == "image/png"

    before = mark()
    listed = api.get(f"/cases/{case.reference}/evidence", "case_manager")
    assert [item["id"] for item in listed.json()] == [body["id"]]
    assert actions_since(before) == ["case.viewed"]

    before = mark()
    got = api.get(f"/cases/{case.reference}/evidence/{body['id']}/file", "case_manager")
    assert got.status_code == 200 and got.content == PNG
    assert got["Content-Type"] == "image/png" and "attachment" in got["Content-Disposition"]
    assert actions_since(before) == ["evidence.downloaded"]


def test_evidence_is_refused_to_those_who_may_not_add_it(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/evidence"
    assert api.upload(path, _with_file(), "reviewer").status_code == 403
    refused = api.upload(path, _with_file(), "political")
    assert refused.status_code == 404 and problem_code(refused) == "not-found"
    assert api.get(path, "political").status_code == 404
    assert not EvidenceItem.objects.exists()


def test_bad_evidence_is_a_validation_problem_naming_the_field(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/evidence"
    for fields, field in [
        (_with_file(kind="photo"), "kind"),
        (_with_file(sha256=DIGEST), "sha256"),  # a digest from the client is not accepted
        (_with_file(title="   "), "title"),
        (_with_file(title="x" * 201), "title"),
        (_with_file(b""), "file"),
        (_with_file(b"MZ\x90\x00" + bytes(200), name="report.pdf"), "file"),
        (_with_file(b"PK\x03\x04" + bytes(200), name="bomb.zip"), "file"),
        (EVIDENCE, "file"),
    ]:
        response = api.upload(path, fields, "investigator")
        assert response.status_code == 422, (field, response.content)
        assert field in problem_of(response)["errors"], (field, problem_of(response))
    assert not EvidenceItem.objects.exists()


def test_a_json_body_is_refused_on_the_upload(api, world):
    case = staffed_case(world, "investigation")
    response = api.post(f"/cases/{case.reference}/evidence", EVIDENCE, "investigator")
    assert response.status_code == 415 and problem_code(response) == "unsupported-media-type"


def test_an_upload_to_a_hidden_case_is_refused_like_a_missing_one_whatever_the_body(api, world):
    hidden = staffed_case(world, "investigation")
    for reference in (hidden.reference, "C-1999-99999"):
        path = f"/cases/{reference}/evidence"
        as_json = api.post(path, EVIDENCE, "political")
        no_boundary = api.call(
            "POST", path, persona="political", raw=b"x", content_type="multipart/form-data"
        )
        for response in (as_json, no_boundary):
            assert response.status_code == 404 and problem_code(response) == "not-found"
    assert not EvidenceItem.objects.exists()


def test_a_multipart_body_without_a_boundary_or_unreadable_is_a_clear_400(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/evidence"
    no_boundary = api.call(
        "POST", path, persona="investigator", raw=b"x", content_type="multipart/form-data"
    )
    assert no_boundary.status_code == 400 and problem_code(no_boundary) == "malformed-request"
    assert "boundary" in problem_of(no_boundary)["detail"]
    broken = api.call(
        "POST",
        path,
        persona="investigator",
        raw=b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nT',
        content_type="multipart/form-data; boundary=b",
    )
    assert broken.status_code in (400, 422), broken.content
    assert not EvidenceItem.objects.exists()


def _revision(case, reasons: str = "Corrected: shared twice, not once.") -> dict:  # type: ignore[no-untyped-def]
    return {"finding": "breach", "sanctions": within_guideline(case), "reasons": reasons}


def test_a_revision_is_a_new_version_and_both_are_kept(api, world):
    case = staffed_case(world, "panel")
    before = mark()
    path = f"/cases/{case.reference}/recommendations/1/revise"
    response = api.post(path, _revision(case), "investigator")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2 and response.json()["supersedes"] == 1
    assert actions_since(before) == ["recommendation.revised"]
    entry = last_on(case)
    assert entry.actor == world.investigator and entry.details["supersedes"] == 1
    listed = api.get(f"/cases/{case.reference}/recommendations", "panel_chair").json()
    assert [(r["number"], r["supersedes"]) for r in listed] == [(1, None), (2, 1)]


def test_only_the_latest_undecided_version_may_be_revised(api, world):
    case = staffed_case(world, "panel")
    base = f"/cases/{case.reference}/recommendations"
    assert api.post(f"{base}/1/revise", _revision(case), "investigator").status_code == 201
    stale = api.post(f"{base}/1/revise", _revision(case), "investigator")
    assert stale.status_code == 409 and problem_code(stale) == "stale-state"
    missing = api.post(f"{base}/9/revise", _revision(case), "investigator")
    assert missing.status_code == 404 and problem_code(missing) == "not-found"
    svc.decision_record(
        actor=world.panel_chair,
        case=case,
        finding="breach",
        sanctions=within_guideline(case),
        reasons="Adopted.",
    )
    late = api.post(f"{base}/2/revise", _revision(case), "investigator")
    assert late.status_code == 409 and problem_code(late) == "illegal-transition"
    assert case.recommendations.count() == 2


def test_a_revision_is_the_investigators_alone_and_needs_reasons(api, world):
    case = staffed_case(world, "panel")
    path = f"/cases/{case.reference}/recommendations/1/revise"
    refused = api.post(path, _revision(case), "case_manager")
    assert refused.status_code == 409 and problem_code(refused) == "illegal-transition"
    assert api.post(path, _revision(case), "reviewer").status_code == 403
    assert api.post(path, _revision(case), "intake").status_code == 404
    blank = api.post(path, _revision(case, reasons=" "), "investigator")
    assert blank.status_code == 422 and "reasons" in problem_of(blank)["errors"]
    unknown = api.post(path, _revision(case) | {"sanctions": ["banishment"]}, "investigator")
    assert unknown.status_code == 422 and problem_code(unknown) == "validation"
    assert api.post(path.replace("/1/", "/0/"), _revision(case), "investigator").status_code == 422
    assert case.recommendations.count() == 1


def test_a_recusal_ends_the_assignment_and_closes_the_case_to_its_maker(api, world):
    case = staffed_case(world, "investigation")
    before = mark()
    body = {"reason": "The respondent is my brother-in-law."}
    response = api.post(f"/cases/{case.reference}/recusal", body, "investigator")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "declared"
    assert response.json()["person"]["email"] == world.investigator.email
    assert actions_since(before) == ["recusal.declared"]
    assert last_on(case).details["reason"] == body["reason"]
    assignment = Assignment.objects.get(case=case, user=world.investigator)
    assert assignment.ended_at is not None and assignment.end_reason == "recused"
    assert api.get(f"/cases/{case.reference}", "investigator").status_code == 404


def test_a_recusal_needs_a_reason_and_a_case_one_may_see(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/recusal"
    blank = api.post(path, {"reason": ""}, "investigator")
    assert blank.status_code == 422 and "reason" in problem_of(blank)["errors"]
    assert api.post(path, {"reason": "Conflicted."}, "political").status_code == 404
    assert api.post(path, {"reason": "Conflicted."}, "outsider").status_code == 404
    assert not Recusal.objects.exists()


def test_an_interview_and_a_consent_are_recorded_and_a_recording_needs_the_consent(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}"
    interview = {
        "interviewee": "Odile Brennan",
        "held_at": "2026-01-05T10:00:00Z",
        "statement": "I saw the post on the morning it went up.",
        "statement_agreed": False,
    }
    before = mark()
    made = api.post(f"{path}/interviews", interview, "investigator")
    assert made.status_code == 201, made.content
    assert made.json()["interviewer"]["email"] == world.investigator.email
    assert made.json()["statement_agreed"] is False
    consent = {
        "person": "Odile Brennan",
        "scope": "Audio of her interview.",
        "given_at": "2026-01-05T09:55:00Z",
        "interview": made.json()["id"],
    }
    given = api.post(f"{path}/consents", consent, "investigator")
    assert given.status_code == 201, given.content
    assert actions_since(before) == ["interview.recorded", "consent.recorded"]
    listed = api.get(f"{path}/interviews", "case_manager").json()
    assert [i["statement"] for i in listed] == [interview["statement"]]

    recording = _with_file(kind="recording", title="Interview audio")
    refused = api.upload(f"{path}/evidence", recording, "investigator")
    assert refused.status_code == 422 and "consents" in problem_of(refused)["errors"]
    kept = api.upload(
        f"{path}/evidence",
        _with_file(kind="recording", consents=[str(given.json()["id"])]),
        "investigator",
    )
    assert kept.status_code == 201, kept.content
    assert EvidenceItem.objects.filter(case=case).count() == 1
    future = api.post(
        f"{path}/consents", consent | {"given_at": "2999-01-01T00:00:00Z"}, "investigator"
    )
    assert future.status_code == 422
