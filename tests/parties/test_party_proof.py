"""A party's own proof: the bundle of their case's ledger entries, checked as an outsider would
(``check_bundle``, ``dueprocess check-proof``), with no personal data in it, and the summary of
who read the case file, counted from the ledger."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from dueprocess.cases.models import Case, Party
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import case_assign
from dueprocess.commands.ledger import run_check_proof
from dueprocess.errors import NotFound
from dueprocess.ledger import keys
from dueprocess.ledger.bundle import BundleError, check_bundle
from dueprocess.ledger.record import party_pseudonym
from dueprocess.lib import clock
from dueprocess.parties import receipts
from dueprocess.parties.models import PartyAccess
from dueprocess.parties.proof import party_proof_for, party_proof_summary
from dueprocess.parties.services import require_party, recorded_party_denials
from dueprocess.tlog.policy import parse_policy
from tests.ledger.test_witnessing import policy_file, witnesses  # noqa: F401 (fixtures)
from tests.parties.helpers import entries_since, file_report, last_seq
from tests.world import World


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _complainant(case: Case) -> PartyAccess:
    return PartyAccess.objects.create(
        case=case,
        party=Party.objects.get(case=case, role=Party.Role.COMPLAINANT),
        role=PartyAccess.Role.COMPLAINANT,
        receipt_digest=receipts.digest(receipts.new_receipt()),
        issued_at=clock.now(),
    )


def test_the_complainants_bundle_passes_the_check_with_the_policy_and_a_changed_byte_fails(
    world: World,
    policy_file: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    case = world.case_at("investigation")
    access = _complainant(case)
    before = last_seq()
    bundle = party_proof_for(access=access)
    policy = parse_policy(policy_file.read_bytes())
    checked = check_bundle(bundle, None, policy=policy)
    assert checked.reference == case.reference
    assert checked.cosigners == {"ombudsman.example/w1", "auditor.example/w2"}
    assert checked.entries[-1].action == "case.proof_exported"
    # the export is on the record under the party's pseudonym, not staff's
    [(entry, details)] = entries_since(before, "case.proof_exported")
    assert entry.actor == party_pseudonym(access.pk)
    assert entry.role == "complainant_of_case"
    assert details == {"case_reference": case.reference}
    assert checked.entries[-1].seq == entry.seq
    # the command an outsider runs, in-process
    saved = tmp_path / "proof.json"
    saved.write_text(bundle)
    args = argparse.Namespace(file=saved, vkey=None, witness_vkey=[], quorum=0, policy=policy_file)
    assert run_check_proof(args) == 0
    assert f"case {case.reference}:" in capsys.readouterr().out
    # one changed byte inside a proved entry fails both
    document = json.loads(bundle)
    document["proofs"][0] = document["proofs"][0].replace("extra ", "extra X", 1)
    saved.write_text(json.dumps(document))
    with pytest.raises(BundleError):
        check_bundle(saved.read_text(), None, policy=policy)
    assert run_check_proof(args) == 1


def test_a_party_gets_no_other_cases_proof_and_a_withdrawn_way_in_gets_none(world: World):
    """The service proves only the case of the party's own way in; the gate on any other case,
    and a withdrawn way in, answer like a missing case, on the record."""
    mine, theirs = world.case_at("received"), world.case_at("received")
    access = _complainant(mine)
    before = last_seq()
    with pytest.raises(NotFound) as refused:
        recorded_party_denials(require_party)(access, theirs, "party.proof")
    assert str(refused.value) == "No such case."
    access.revoked_at = clock.now()
    access.save(update_fields=["revoked_at"])
    with pytest.raises(NotFound) as withdrawn:
        party_proof_for(access=access)
    assert str(withdrawn.value) == "No such case."
    denials = entries_since(before, "access.denied")
    assert [e.actor for e, _ in denials] == [party_pseudonym(access.pk)] * 2
    assert [d["attempted"] for _, d in denials] == ["party.proof", "party.proof"]
    assert not entries_since(before, "case.proof_exported")


def test_the_summary_counts_exactly_the_reads_and_refusals(world: World):
    case = world.case_at("investigation")
    case_assign(
        actor=world.case_manager, case=case, assignee=world.investigator, role="investigator"
    )
    access = _complainant(case)
    empty = party_proof_summary(access=access)
    for _ in range(3):
        case_detail_for(world.investigator, case.reference)
    for _ in range(2):
        case_detail_for(world.case_manager, case.reference)
    with pytest.raises(NotFound):
        case_detail_for(world.political, case.reference)
    summary = party_proof_summary(access=access)
    added = {r.pseudonym: r.reads for r in summary.readers}
    for old in empty.readers:
        added[old.pseudonym] -= old.reads
    by_label = {r.role_label: added[r.pseudonym] for r in summary.readers if added[r.pseudonym]}
    assert by_label == {
        world.rules.role_label("investigator"): 3,
        world.rules.role_label("case_manager"): 2,
    }
    assert all(r.on_case_team for r in summary.readers)
    assert summary.refused == empty.refused + 1
    assert summary.emergency_reads == 0
    people = len(summary.readers)
    assert summary.sentence.startswith(
        f"{people} {'person' if people == 1 else 'people'} read your case file,"
        " all of them on the case team;"
    )
    assert summary.sentence.endswith(
        f"{summary.refused} attempt{'' if summary.refused == 1 else 's'} by someone else"
        f" {'was' if summary.refused == 1 else 'were'} refused and recorded."
    )
    assert all(r.first == r.last == clock.today() for r in summary.readers)


def test_the_party_downloads_their_proof_from_their_page_with_no_personal_data(world: World):
    client = Client()
    _, receipt = file_report(
        client,
        world,
        anonymous="",
        name="Wilhelmina Complainant",
        email="wilhelmina@public.example",
        consent_to_contact="on",
    )
    case = Case.objects.get(source=Case.Source.PUBLIC)
    case_detail_for(world.case_manager, case.reference)
    visitor = Client()
    assert visitor.post("/receipt/", {"receipt": receipt}).status_code == 302
    page = visitor.get("/receipt/case/").content.decode()
    assert "What the record shows" in page
    assert "1 person read your case file, all of them on the case team;" in page
    assert "Download your proof" in page
    assert visitor.get("/receipt/case/proof/").status_code == 405  # the export is a POST
    response = visitor.post("/receipt/case/proof/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-proof.json"'
    )
    text = response.content.decode()
    assert check_bundle(text, keys.vkey()).reference == case.reference
    for secret in (
        "Wilhelmina",
        "wilhelmina@public.example",
        "Rex Respondent",
        "Branch treasurer",
        "shouted a slur",
        world.case_manager.email,
        world.case_manager.full_name,
    ):
        assert secret not in text
    signed_out = Client()
    assert signed_out.post("/receipt/case/proof/")["Location"] == "/receipt/"
