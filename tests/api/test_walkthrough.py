"""``docs/api.md`` cannot rot: its curl walkthrough — and its examples of the interference
register — are parsed and run, block by block, against the demo organisation: the same people,
the same requests, in the same order."""

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
from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest, Approach, Case
from dueprocess.demo.personas import create_personas
from dueprocess.ledger.models import LedgerEntry
from dueprocess.lib import clock
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
_TOKEN_LINE = re.compile(r"^(\w+)=\$\(dueprocess api token create (.+)\)$")
_KEPT = re.compile(r'\["(\w+)"\]\)')


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    captures: str = ""  # the shell variable a field of the answer is kept in
    kept: str = "reference"  # which field


def blocks(section: str = "## Worked example") -> list[str]:
    """The shell blocks of one section of the guide, in order."""
    text = DOC.read_text().split(section, 1)[1]
    following = re.search(r"^## ", text, re.M)
    return _BLOCK.findall(text[: following.start()] if following else text)


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
    kept = "reference"
    if assignment:
        captures, text = assignment.group(1), assignment.group(2)
        found = _KEPT.search(text)
        kept = found.group(1) if found else kept
    words = shlex.split(text)
    assert words[0] == "curl", block
    call = Call(method="GET", path="", captures=captures, kept=kept)
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


def tokens(setup: str, demo: dict[str, User]) -> dict[str, str]:
    """The secrets of the tokens the setup block creates, by shell variable."""
    variables = {}
    for name, options in token_lines(setup).items():
        issued = api_token_create(
            actor=demo[options["--email"]],
            name=options["--name"],
            scopes=options["--scopes"].split(","),
        )
        variables[name] = issued.secret
    return variables


def run_calls(steps: list[str], variables: dict[str, str]) -> int:
    """Each block's request, in order, every one answered with success; returns how many."""
    client = Client()
    calls = [parse_curl(step) for step in steps]
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
            variables[call.captures] = str(response.json()[call.kept])
    return len(calls)


def test_the_walkthrough_in_the_api_guide_takes_a_case_from_open_to_closed(demo):
    setup, *steps = blocks()
    variables = tokens(setup, demo)
    assert set(variables) == {"PRIYA", "MORGAN", "SAM", "JUDITH"}
    assert run_calls(steps, variables) >= 11
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


def test_the_register_examples_in_the_api_guide_log_an_approach_and_ask_for_advice(demo):
    setup, *steps = blocks("## Contacts from outside the case team")
    # as the guide says: a case Sam is investigating, on a day after the approach it logs
    with clock.frozen(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)):
        variables = tokens(setup, demo)
        assert set(variables) == {"SAM", "MORGAN", "FELIX"}
        case = _investigated_by_sam(demo)
        variables["REF"] = case.reference
        assert run_calls(steps, variables) >= 7
    approach = Approach.objects.get(case=case)
    assert approach.logged_by.email == "sam@northmoor.example" and approach.from_political_office
    asked = AdviceRequest.objects.get(case=case)
    assert asked.adviser.email == "felix@northmoor.example"
    assert asked.answer and asked.closed_at is not None
    assert LedgerEntry.objects.filter(action="advice.viewed").count() == 1


def _investigated_by_sam(demo: dict[str, User]) -> Case:
    priya, morgan = demo["priya@northmoor.example"], demo["morgan@northmoor.example"]
    case = svc.case_open(
        actor=priya,
        unit=priya.organisation.units.get(),  # type: ignore[union-attr]
        category="antisemitism",
        summary="A post repeating an antisemitic conspiracy trope.",
        complainant=svc.PartyInput(name="Ola Nordmann"),
        respondent=svc.PartyInput(name="Rex Example"),
    )
    case = svc.case_transition(actor=priya, case=case, transition="acknowledge")
    answers = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}
    case = svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=priya,
        case=case,
        answers=answers,
    )
    svc.case_assign(
        actor=morgan, case=case, assignee=demo["sam@northmoor.example"], role="investigator"
    )
    return Case.objects.get(pk=case.pk)
