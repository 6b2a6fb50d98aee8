"""The subject access export through its service: every view of a respondent's data, what is
withheld and why, the anonymous complainant never in it, bundles that check, on the record."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.models import Party
from dueprocess.cases.worklists import case_search_for
from dueprocess.commands.ledger import run_check_proof
from dueprocess.errors import Forbidden, InvalidInput, NotFound
from dueprocess.ledger.bundle import check_bundle
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.members.matching import member_search_for
from dueprocess.members.models import Member
from dueprocess.privacy.archive import FORMAT
from dueprocess.privacy.subject_access import subject_access_export
from dueprocess.tlog.policy import parse_policy
from tests.ledger.test_witnessing import policy_file, witnesses  # noqa: F401 (fixtures)
from tests.parties.helpers import entries_since, last_seq
from tests.privacy.helpers import (
    HIDDEN,
    RESPONDENT,
    WITHHOLDING,
    ledger_reads,
    loaded,
    respondent_world,
    unzip,
)
from tests.world import World

REASON = "Request received by letter on 1 December."


def test_a_respondents_export_lists_every_view_of_her_data_as_the_ledger_has_it(
    world: World,
    policy_file: Path,  # noqa: F811
):
    cases = respondent_world(world)
    case_search_for(world.case_manager, CaseFilters(search="Rhea Respondent"))
    before = last_seq()
    export = subject_access_export(actor=world.admin, email=RESPONDENT.upper(), reason=REASON)
    members = unzip(export.archive)
    views = loaded(members, "views.json")
    listed = [
        v["seq"] for v in views["views"] if v["action"] in ("case.viewed", "evidence.downloaded")
    ]
    assert listed == ledger_reads(cases, before + 1)
    assert len(listed) == 4  # three reads of the first case, one of the second
    # the search that showed both cases: one entry, a view of each
    [(search, shown)] = entries_since(before - 1, "case_list.viewed")
    assert set(shown["shown"]) >= {c.reference for c in cases}
    in_lists = [(v["seq"], v["case"]) for v in views["views"] if v["action"] == "case_list.viewed"]
    assert in_lists == [(search.seq, c.reference) for c in sorted(cases, key=lambda c: c.reference)]
    reader = {v["by"] for v in views["views"] if v["role"] == "independent_reviewer"}
    assert reader == {actor_pseudonym(world.reviewer)}
    # staff are named by pseudonym and role, never by name
    assert world.reviewer.full_name.encode() not in export.archive
    assert world.case_manager.full_name.encode() not in b"".join(members.values())
    assert {m for m in members} == {
        "data.json",
        "withheld.json",
        "views.json",
        "summary.html",
        *(f"proof/{c.reference}.json" for c in cases),
    }
    data = loaded(members, "data.json")
    assert data["format"] == FORMAT
    assert [c["reference"] for c in data["cases"]] == sorted(c.reference for c in cases)
    assert all(c["you_are"] == ["respondent"] for c in data["cases"])


def test_withheld_items_carry_their_reasons_and_the_anonymous_complainant_is_never_in_it(
    world: World,
    policy_file: Path,  # noqa: F811
):
    first, second = respondent_world(world)
    export = subject_access_export(actor=world.admin, email=RESPONDENT, reason=REASON)
    members = unzip(export.archive)
    everything = b"".join(members.values())
    assert HIDDEN.encode() not in everything and b"hidden.complainant" not in everything
    withheld = loaded(members, "withheld.json")["withheld"]
    on_first = [w for w in withheld if w["case"] == first.reference]
    identity = next(w for w in on_first if w["what"] == "the identity of the complainant")
    assert "asked to stay anonymous" in identity["reason"]
    assert any(w["reason"] == WITHHOLDING for w in on_first)
    named = next(
        w
        for w in withheld
        if w["case"] == second.reference and w["what"] == "the identity of the complainant"
    )
    assert "third party" in named["reason"]
    assert b"Ola Complainant" not in everything and b"ola@public.example" not in everything
    assert export.withheld == len(withheld)


def test_each_bundle_passes_check_proof_and_proves_each_view(
    world: World,
    policy_file: Path,  # noqa: F811
    tmp_path: Path,
):
    cases = respondent_world(world)
    export = subject_access_export(actor=world.admin, email=RESPONDENT, reason=REASON)
    members = unzip(export.archive)
    policy = parse_policy(policy_file.read_bytes())
    views = loaded(members, "views.json")["views"]
    for case in cases:
        text = members[f"proof/{case.reference}.json"]
        checked = check_bundle(text, None, policy=policy)
        assert checked.reference == case.reference
        assert checked.selection is not None and checked.selection.of.startswith("subject access")
        proved = {e.seq for e in checked.entries}
        assert {
            v["seq"] for v in views if v["case"] == case.reference and v["proved_in_bundle"]
        } <= proved
        saved = tmp_path / f"{case.reference}.json"
        saved.write_bytes(text)
        args = argparse.Namespace(
            file=saved, vkey=None, witness_vkey=[], quorum=0, policy=policy_file
        )
        assert run_check_proof(args) == 0


def test_the_request_and_the_production_are_recorded_with_no_address_in_them(
    world: World,
    policy_file: Path,  # noqa: F811
):
    cases = respondent_world(world)
    before = last_seq()
    export = subject_access_export(actor=world.admin, email=RESPONDENT, reason=REASON)
    [(asked, request)] = entries_since(before, "subject_access.requested")
    [(made, produced)] = entries_since(before, "subject_access.produced")
    assert asked.actor == made.actor == actor_pseudonym(world.admin)
    assert asked.role == "administrator" and asked.seq < made.seq
    assert request["named_by"] == "email" and request["reason"] == REASON
    assert request["cases"] == sorted(c.reference for c in cases)
    assert RESPONDENT not in str(request) and RESPONDENT not in str(produced)
    assert produced["sha256"] == export.sha256 and produced["request"] == asked.seq
    assert produced["views"] == export.views
    exports = entries_since(before, "case.proof_exported")
    assert len(exports) == len(cases) and all(e.seq < made.seq for e, _ in exports)


@pytest.mark.parametrize("persona", ["case_manager", "reviewer", "oversight", "political"])
def test_anyone_but_the_administrator_is_refused_and_the_refusal_recorded(
    world: World, persona: str
):
    respondent_world(world)
    before = last_seq()
    with pytest.raises(Forbidden):
        subject_access_export(actor=world.people[persona], email=RESPONDENT, reason=REASON)
    [(entry, details)] = entries_since(before, "access.denied")
    assert entry.actor == actor_pseudonym(world.people[persona])
    assert details["attempted"] == "privacy.subject_access"
    assert not entries_since(before, "subject_access.requested")


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({}, "subject"),
        ({"email": RESPONDENT, "member": "M-1"}, "subject"),
        ({"email": "not an address"}, "email"),
        ({"email": RESPONDENT, "reason": "  "}, "reason"),
    ],
)
def test_bad_input_is_a_clear_error_and_records_no_request(
    world: World, given: dict[str, str], field: str
):
    before = last_seq()
    with pytest.raises(InvalidInput) as refused:
        subject_access_export(actor=world.admin, **{"reason": REASON, **given})
    assert field in refused.value.fields
    assert not entries_since(before, "subject_access.requested")


def test_an_unknown_person_is_not_found_and_nothing_is_recorded(world: World):
    before = last_seq()
    with pytest.raises(NotFound):
        subject_access_export(actor=world.admin, email="nobody@nowhere.example", reason=REASON)
    with pytest.raises(NotFound):
        subject_access_export(actor=world.admin, staff=RESPONDENT, reason=REASON)
    assert not entries_since(before, "subject_access.requested")


def test_a_member_number_finds_the_register_entry_and_the_cases_linked_to_it(
    world: World,
    policy_file: Path,  # noqa: F811
):
    cases = respondent_world(world)
    member = Member.objects.create(
        organisation=world.organisation, number="NPA-0042", full_name="Rhea Respondent", email=""
    )
    Party.objects.filter(pk=cases[1].parties.get(role="respondent").pk).update(member=member)
    member_search_for(world.intake, query="NPA-00")  # the register read that showed her entry
    member_search_for(world.intake, query="nobody at all")  # and one that did not
    [(read, _), _] = entries_since(last_seq() - 2, "members.viewed")
    export = subject_access_export(actor=world.admin, member="NPA-0042", reason=REASON)
    members = unzip(export.archive)
    register = [
        v for v in loaded(members, "views.json")["views"] if v["action"] == "members.viewed"
    ]
    assert [(v["seq"], v["case"], v["proved_in_bundle"]) for v in register] == [
        (read.seq, "", False)
    ]
    data = loaded(members, "data.json")
    assert [m["number"] for m in data["register"]] == ["NPA-0042"]
    assert [c["reference"] for c in data["cases"]] == [cases[1].reference]


def test_a_staff_account_gives_its_roles_and_no_cases(world: World):
    export = subject_access_export(actor=world.admin, staff=world.investigator.email, reason=REASON)
    members = unzip(export.archive)
    data = loaded(members, "data.json")
    assert data["cases"] == [] and data["staff_account"]["email"] == world.investigator.email
    assert [r["role"] for r in data["staff_account"]["roles"]] == ["investigator"]
    assert not any(name.startswith("proof/") for name in members)


def test_the_summary_is_escaped_and_the_archive_is_in_a_fixed_order(
    world: World,
    policy_file: Path,  # noqa: F811
):
    cases = respondent_world(world)
    Party.objects.filter(case=cases[1], role="respondent").update(name="<script>x</script>")
    export = subject_access_export(actor=world.admin, email=RESPONDENT, reason=REASON)
    members = unzip(export.archive)
    html = members["summary.html"].decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert "Who viewed your data" in html
    names = list(members)
    assert names == sorted(names)
