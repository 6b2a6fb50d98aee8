"""``docs/api.md`` cannot rot: its curl walkthrough is parsed and run, block by block, against
the demo organisation — the same people, the same requests, in the same order."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

from dueprocess.accounts.models import User
from dueprocess.accounts.services import organisation_create
from dueprocess.api.tokens import api_token_create
from dueprocess.cases.models import Case
from dueprocess.demo.personas import create_personas
from dueprocess.ledger.models import LedgerEntry
from dueprocess.lib import clock
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
_TOKEN_LINE = re.compile(r"^(\w+)=\$\(dueprocess api token create (.+)\)$")


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    captures: str = ""  # the shell variable the answer's "reference" is kept in


def blocks() -> list[str]:
    """The shell blocks of the guide's worked example, in order."""
    example = DOC.read_text().split("## Worked example", 1)[1]
    return _BLOCK.findall(example)


def token_lines(block: str) -> dict[str, dict[str, str]]:
    found = {}
    for line in block.splitlines():
        match = _TOKEN_LINE.match(line.strip())
        if match:
            words = shlex.split(match.group(2))
            options = dict(zip(words[::2], words[1::2], strict=True))
            found[match.group(1)] = options
    return found


def parse_curl(block: str) -> Call:
    text = block.replace("\\\n", " ").strip()
    captures = ""
    assignment = re.match(r"^(\w+)=\$\((.*)\)$", text, re.S)
    if assignment:
        captures, text = assignment.group(1), assignment.group(2)
    words = shlex.split(text)
    assert words[0] == "curl", block
    call = Call(method="GET", path="", captures=captures)
    index = 1
    while index < len(words) and words[index] != "|":
        word = words[index]
        if word == "-X":
            call.method, index = words[index + 1], index + 1
        elif word == "-H":
            name, _, value = words[index + 1].partition(": ")
            call.headers[name], index = value, index + 1
        elif word == "-d":
            call.body, index = words[index + 1], index + 1
        elif word.startswith("$API"):
            call.path = word.removeprefix("$API")
        else:
            assert word in ("-s",), f"unexpected curl option {word!r} in docs/api.md"
        index += 1
    return call


@pytest.fixture
def demo(db: None) -> dict[str, User]:
    """The demo organisation's people (with their authenticator apps), without its backlog."""
    organisation = organisation_create(
        slug="northmoor",
        name="Northmoor (walkthrough)",
        rulebook=rulebook_install(path=bundled("party")),
        units=[("complaints", "Complaints and Standards Unit")],
    )
    today = clock.today()
    users = create_personas(
        organisation,
        organisation.units.get(slug="complaints"),
        start=today - dt.timedelta(days=900),
        today=today,
    )
    return {user.email: user for user in users.values()}


def test_the_walkthrough_in_the_api_guide_takes_a_case_from_open_to_closed(demo):
    setup, *steps = blocks()
    variables: dict[str, str] = {}
    for name, options in token_lines(setup).items():
        issued = api_token_create(
            actor=demo[options["--email"]],
            name=options["--name"],
            scopes=options["--scopes"].split(","),
        )
        variables[name] = issued.secret
    assert set(variables) == {"PRIYA", "MORGAN", "SAM", "JUDITH"}
    client = Client()
    calls = [parse_curl(step) for step in steps]
    assert len(calls) >= 11
    for call in calls:
        path = "/api/v1" + expand(call.path, variables)
        headers = {k: expand(v, variables) for k, v in call.headers.items()}
        extra = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in headers.items()
            if k != "Content-Type"
        }
        if call.body:
            json.loads(call.body)  # the documented body is valid JSON as written
        response = client.generic(
            call.method, path, data=call.body, content_type=headers.get("Content-Type", ""), **extra
        )
        assert 200 <= response.status_code < 300, (call, response.content)
        if call.captures:
            variables[call.captures] = response.json()["reference"]
    case = Case.objects.get(reference=variables["REF"])
    assert case.stage == "closed" and case.closed_at is not None
    transitions = list(case.status_changes.values_list("transition", flat=True))
    assert transitions == [
        "open",
        "acknowledge",
        "accept",
        "submit_recommendation",
        "decide",
        "notify",
        "close",
    ]
    assert LedgerEntry.objects.filter(action="case.viewed").exists()


def expand(text: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], text)
