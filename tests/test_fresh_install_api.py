"""A fresh ``init`` runs a whole case through the command line and the API alone: no Python
shell, no demo. Staff are added, granted and trained on the command line and through the
administrator's API token; the operator enrols each person's authenticator app (their tokens
need it); the case is opened, assigned, triaged, recommended, decided, notified and closed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.scratch import run, scratch_env, serving

pytestmark = pytest.mark.slow

ORG = "example.org"


def _ok(env: dict[str, str], *args: str) -> str:
    result = run(env, *args)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


class Api:
    def __init__(self, base: str) -> None:
        self.base = base + "/api/v1"

    def call(
        self, method: str, path: str, token: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
        status, answer = self.call(method, path, token, body)
        assert status in (200, 201), (method, path, status, answer)
        return answer


def _token(env: dict[str, str], email: str, scopes: str) -> str:
    return _ok(
        env, "api", "token", "create", "--email", email, "--name", "e2e", "--scopes", scopes
    ).strip()


def test_a_fresh_install_runs_a_case_end_to_end_through_the_cli_and_the_api(tmp_path):
    with scratch_env(tmp_path) as env:
        admin = f"admin@{ORG}"
        _ok(env, "init", "--admin-email", admin, "--admin-password", "a long pass 1")
        # Without a second factor the administrator's token is refused, and says why.
        refused = run(env, "api", "token", "create", "--email", admin, "--name", "x",
                      "--scopes", "staff:read")  # fmt: skip
        assert refused.returncode != 0
        uri = _ok(env, "staff", "authenticator", admin)
        assert uri.startswith("otpauth://totp/") and "secret=" in uri
        assert "already has" in run(env, "staff", "authenticator", admin).stderr

        # The command line: intake officer, head of complaints, investigator.
        for email, name, role, unit in (
            (f"priya@{ORG}", "Priya Intake", "intake_officer", "complaints"),
            (f"morgan@{ORG}", "Morgan Head", "case_manager", "complaints"),
            (f"sam@{ORG}", "Sam Investigator", "investigator", None),
        ):
            added = _ok(env, "staff", "add", email, "--name", name, "--authenticator")
            assert added.splitlines()[-1].startswith("otpauth://totp/")
            _ok(env, "staff", "grant", email, role, *(["--unit", unit] if unit else []))
            _ok(env, "staff", "training", email, "Handling complaints")

        admin_token = _token(env, admin, "staff:read,staff:write,cases:read")
        priya = _token(env, f"priya@{ORG}", "cases:read,cases:write")
        morgan = _token(env, f"morgan@{ORG}", "cases:read,cases:write,staff:read,staff:write")
        sam = _token(env, f"sam@{ORG}", "cases:read,cases:write,staff:write")

        with serving(env) as base:
            api = Api(base)
            # The API: the administrator adds the panel, grants and trains it.
            for name in ("Judith", "Callum", "Anita"):
                added = {"email": f"{name.lower()}@{ORG}", "name": f"{name} Panel"}
                person = api.ok("POST", "/staff", admin_token, added)
                assert person["roles"] == []
                granted = api.ok(
                    "POST", f"/staff/{person['id']}/roles", admin_token, {"role": "panel_member"}
                )
                assert [r["role"] for r in granted["roles"]] == ["panel_member"]
                trained = api.ok("POST", f"/staff/{person['id']}/training", admin_token,
                                 {"course": "Panel hearings"})  # fmt: skip
                assert trained["training"][0]["course"] == "Panel hearings"
            listed = {p["email"]: p for p in api.ok("GET", "/staff", admin_token)}
            assert {f"judith@{ORG}", f"sam@{ORG}", admin} <= set(listed)
            # Bad input is named; separation of duties holds through the API too.
            status, problem = api.call("POST", f"/staff/{listed[f'sam@{ORG}']['id']}/roles",
                                       admin_token, {"role": "political_office"})  # fmt: skip
            assert status == 422 and "role" in json.dumps(problem)
            # The administrator manages accounts and never sees cases.
            status, _ = api.call("GET", "/cases", admin_token)
            assert status == 403
            # Nobody else administers accounts.
            status, _ = api.call("POST", "/staff", morgan, {"email": f"x@{ORG}", "name": "X"})
            assert status == 403

            # Self-service declaration of interest, reviewed by the head of complaints.
            interest = {"kind": "role_held", "description": "Treasurer of a branch"}
            declared = api.ok("POST", "/me/interests", sam, interest)
            assert declared["outcome"] == "" and declared["reviewed_by"] is None
            pending = api.ok("GET", "/interests", morgan)
            assert [d["id"] for d in pending] == [declared["id"]]
            reviewed = api.ok("POST", f"/interests/{declared['id']}/review", morgan,
                              {"outcome": "noted"})  # fmt: skip
            assert reviewed["outcome"] == "noted" and reviewed["reviewed_at"]
            status, _ = api.call("POST", f"/interests/{declared['id']}/review", morgan,
                                 {"outcome": "no_conflict"})  # fmt: skip
            assert status == 422  # reviewed once

        for name in ("judith", "callum", "anita"):
            _ok(env, "staff", "authenticator", f"{name}@{ORG}")
        judith = _token(env, f"judith@{ORG}", "cases:read,cases:write")

        with serving(env) as base:
            api = Api(base)
            opened = api.ok("POST", "/cases", priya, {
                "unit": "complaints", "category": "antisemitism",
                "summary": "A branch officer shared a post repeating a conspiracy trope.",
                "complainant": {"name": "Ola Nordmann", "email": f"ola@{ORG}"},
                "respondent": {"name": "Rex Example"},
                "allegations": [{"summary": "Shared the post in the branch group."}],
                "source": "email",
            })  # fmt: skip
            ref = opened["reference"]
            api.ok("POST", f"/cases/{ref}/transitions/acknowledge", priya, {})
            api.ok("POST", f"/cases/{ref}/triage", priya, {
                "answers": {"in_scope": True, "respondent_is_member": True,
                            "not_duplicate": True},
                "reason": "Within the rules.",
                "member_reason": "Joined this month; not in the register yet.",
            })  # fmt: skip
            api.ok("POST", f"/cases/{ref}/assignments", morgan,
                   {"assignee": f"sam@{ORG}", "role": "investigator"})  # fmt: skip
            api.ok("POST", f"/cases/{ref}/recommendation", sam, {
                "finding": "breach", "sanctions": ["formal_warning"],
                "factors": ["no_prior_record"], "reasons": "The post is admitted.",
            })  # fmt: skip
            for name in ("judith", "callum", "anita"):
                api.ok("POST", f"/cases/{ref}/assignments", morgan,
                       {"assignee": f"{name}@{ORG}", "role": "panel_member"})  # fmt: skip
            api.ok("POST", f"/cases/{ref}/decision", judith, {
                "finding": "breach", "sanctions": ["formal_warning"],
                "reasons": "The panel adopts the recommendation.",
            })  # fmt: skip
            api.ok("POST", f"/cases/{ref}/transitions/notify", morgan, {})
            api.ok("POST", f"/cases/{ref}/transitions/close", morgan,
                   {"reason": "Both parties have said they will not appeal."})  # fmt: skip
            case = api.ok("GET", f"/cases/{ref}", morgan)
            assert case["stage"] == "closed" and case["closed_at"], case
            status, _ = api.call("GET", f"/cases/{ref}", admin_token)
            assert status in (403, 404)

        checked = run(env, "verify")
        assert checked.returncode == 0, checked.stderr
