"""A party's own proof: the bundle of their case's ledger entries, checked as an outsider would
(``check_bundle``, ``dueprocess check-proof``), with no personal data in it, and the summary of
who read the case file, counted from the ledger."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dueprocess.cases.models import Case, Party
from dueprocess.cases.proofs import case_proof_bundle
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import case_assign
from dueprocess.commands.ledger import run_check_proof
from dueprocess.errors import NotFound
from dueprocess.evidence.files import EvidenceCorrupted
from dueprocess.evidence.storage import default_store
from dueprocess.ledger import keys
from dueprocess.ledger.bundle import BundleError, check_bundle
from dueprocess.ledger.models import Checkpoint, LedgerEntry
from dueprocess.ledger.proofs import build_bundle
from dueprocess.ledger.record import case_pseudonym, party_pseudonym, record
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.parties import proof as proof_module
from dueprocess.parties import receipts
from dueprocess.parties.files import party_file_download, party_file_send
from dueprocess.parties.models import PartyAccess
from dueprocess.parties.proof import party_proof_for, party_proof_summary, party_selection
from dueprocess.parties.redactions import redaction_mark
from dueprocess.parties.services import (
    allegations_for,
    party_message_send,
    recorded_party_denials,
    require_party,
    respondent_notify,
    response_submit,
    staff_message_send,
    status_for,
)
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
    assert "The proof file holds the log's entries that concern you" in page
    assert "It does not prove that the log holds nothing else about your case." in page
    assert visitor.get("/receipt/case/proof/").status_code == 405  # the export is a POST
    response = visitor.post("/receipt/case/proof/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-proof.json"'
    )
    text = response.content.decode()
    checked = check_bundle(text, keys.vkey())
    assert checked.reference == case.reference
    assert checked.selection is not None and checked.selection.of == "complainant"
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


def _both_parties_at_work(world: World) -> tuple[Case, PartyAccess, PartyAccess, dict[str, int]]:
    """A case in investigation where each party and the team did something only that party's
    bundle may show; the seqs of those entries by name."""
    case = world.case_at("investigation")
    complainant = _complainant(case)
    respondent = respondent_notify(actor=world.case_manager, case=case, email="rex@example.org")
    theirs = respondent.access
    case_detail_for(world.case_manager, case.reference)
    seqs: dict[str, int] = {}

    def mark(name: str) -> None:
        seqs[name] = last_seq()

    staff_message_send(
        actor=world.case_manager, case=case, access_id=complainant.pk, body="To you, complainant."
    )
    mark("message to the complainant")
    staff_message_send(
        actor=world.case_manager, case=case, access_id=theirs.pk, body="To you, respondent."
    )
    mark("message to the respondent")
    party_message_send(access=complainant, body="From the complainant.")
    mark("complainant's message")
    party_message_send(access=theirs, body="From the respondent.")
    mark("respondent's message")
    status_for(access=complainant)
    mark("complainant's read")
    allegations_for(access=theirs)
    mark("respondent's read of the allegations")
    response_submit(access=theirs, body="I deny it.")
    mark("respondent's response")
    with pytest.raises(NotFound):
        response_submit(access=complainant, body="Pretending.")
    mark("complainant's refused attempt")
    return case, complainant, theirs, seqs


MINE = {
    "complainant": (
        "message to the complainant",
        "complainant's message",
        "complainant's read",
        "complainant's refused attempt",
    ),
    "respondent": (
        "message to the respondent",
        "respondent's message",
        "respondent's read of the allegations",
        "respondent's response",
    ),
}


def test_each_partys_bundle_holds_what_concerns_them_and_not_the_other_partys(
    world: World,
    policy_file: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    case, complainant, respondent, seqs = _both_parties_at_work(world)
    policy = parse_policy(policy_file.read_bytes())
    # the letters of the steps so far: the acknowledgement to the complainant, the notice of the
    # allegations to the respondent
    letters: dict[str, set[int]] = {"complainant": set(), "respondent": set()}
    for entry, details in entries_since(0, "letter.queued"):
        if entry.case == case_pseudonym(case.pk):
            letters[Letter.objects.get(pk=details["letter"]).party.role].add(entry.seq)
    assert letters["complainant"] and letters["respondent"]
    exported = case_proof_bundle(actor=world.case_manager, case=case)
    staff = check_bundle(exported, None, policy=policy)
    for access, other in ((complainant, respondent), (respondent, complainant)):
        bundle = party_proof_for(access=access)
        checked = check_bundle(bundle, None, policy=policy)  # the 2-witness policy
        assert checked.cosigners == {"ombudsman.example/w1", "auditor.example/w2"}
        proved = {e.seq for e in checked.entries}
        assert {seqs[name] for name in MINE[access.role]} <= proved
        other_side = "respondent" if access.role == "complainant" else "complainant"
        assert not {seqs[name] for name in MINE[other_side]} & proved
        assert all(e.actor != party_pseudonym(other.pk) for e in checked.entries)
        assert letters[access.role] <= proved
        assert not letters[other_side] & proved
        # staff reads, the team's own work kept out, the party's own export in
        actions = {e.action for e in checked.entries}
        assert "case.viewed" in actions and "case.transitioned" in actions
        # the notice of the allegations is the respondent's, not the complainant's
        assert ("case.respondent_notified" in actions) == (access.role == "respondent")
        assert checked.entries[-1].action == "case.proof_exported"
        assert checked.entries[-1].actor == party_pseudonym(access.pk)
        # the bundle says it is a selection, and of how many entries
        assert checked.selection is not None and checked.selection.of == access.role
        assert checked.selection.case_entries >= len(staff.entries) > len(checked.entries)
        saved = tmp_path / f"{access.role}.json"
        saved.write_text(bundle)
        args = argparse.Namespace(
            file=saved, vkey=None, witness_vkey=[], quorum=0, policy=policy_file
        )
        assert run_check_proof(args) == 0
        out = capsys.readouterr().out
        assert f"a selection: the entries that concern the {access.role}" in out
        assert "not that no other entry concerns them" in out
    # the staff export still holds every entry of the case, and says nothing of a selection
    assert staff.selection is None
    every = LedgerEntry.objects.filter(
        case_tag=case_pseudonym(case.pk), seq__lt=staff.checkpoint_size
    ).order_by("seq")
    assert [e.seq for e in staff.entries] == list(every.values_list("seq", flat=True))
    assert set(seqs.values()) <= {e.seq for e in staff.entries}


def test_the_complainant_is_not_shown_the_redaction_marks_and_the_respondent_is(world: World):
    case, complainant, respondent, _ = _both_parties_at_work(world)
    allegation = case.allegations.first()
    assert allegation is not None
    redaction_mark(
        actor=world.case_manager,
        case=case,
        allegation_id=allegation.pk,
        passage=allegation.summary.split()[0],
        reason="It names a witness.",
    )
    marked = last_seq()
    size = last_seq() + 1
    assert marked in party_selection(access=respondent, size=size)
    assert marked not in party_selection(access=complainant, size=size)


def test_a_party_bundle_edited_to_drop_or_add_an_entry_fails_or_says_what_it_holds(
    world: World,
    policy_file: Path,  # noqa: F811
):
    case, complainant, _, seqs = _both_parties_at_work(world)
    policy = parse_policy(policy_file.read_bytes())
    document = json.loads(party_proof_for(access=complainant))
    # every entry of the case, proved against the same checkpoint as the party's bundle
    same = Checkpoint.objects.get(size=document["checkpoint_size"])
    staff = json.loads(build_bundle(case, same))

    def fails(changed: dict, says: str) -> None:  # type: ignore[type-arg]
        with pytest.raises(BundleError) as failed:
            check_bundle(json.dumps(changed), None, policy=policy)
        assert says in str(failed.value)

    # a proof dropped: the selection lists an entry the bundle no longer proves
    dropped = json.loads(json.dumps(document))
    gone = dropped["proofs"].pop(0)
    first = dropped["selection"]["seqs"][0]
    fails(dropped, f"listed but not proved [{first}]")
    # a proof of the other party's entry slipped in: proved, and not listed
    respondents = seqs["respondent's message"]
    [slipped] = [p for p in staff["proofs"] if f"\nindex {respondents}\n" in p]
    added = json.loads(json.dumps(document))
    added["proofs"].insert(0, slipped)
    fails(added, f"proved but not listed [{respondents}]")
    # a changed byte in the selection
    relabelled = json.loads(json.dumps(document))
    relabelled["selection"]["case_entries"] = 1
    fails(relabelled, "but 1")
    # the list edited to match: each proof still checks, and the bundle says it is a selection
    # of fewer entries than the case holds (the field is not signed: docs/parties.md)
    dropped["selection"]["seqs"].remove(first)
    checked = check_bundle(json.dumps(dropped), None, policy=policy)
    assert checked.selection is not None
    assert len(checked.entries) == len(document["proofs"]) - 1
    assert checked.selection.case_entries > len(checked.entries)
    assert gone not in dropped["proofs"]
    # the export that opens the reference dropped, list and all: refused
    last = json.loads(json.dumps(document))
    last["proofs"].pop()
    last["selection"]["seqs"].pop()
    fails(last, "not an export proved here")
    # and a bundle without the field (every entry, as before the selection) still checks
    assert check_bundle(json.dumps(staff), None, policy=policy).selection is None


class _Counted:
    """``parse_entry`` as the summary calls it, counting the entries it parses."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed = 0
        real = proof_module.parse_entry

        def counting(raw: bytes) -> Any:
            self.parsed += 1
            return real(raw)

        monkeypatch.setattr(proof_module, "parse_entry", counting)

    def summary(self, access: PartyAccess) -> tuple[int, Any]:
        before = self.parsed
        made = party_proof_summary(access=access)
        return self.parsed - before, made


def _reads(summary: Any) -> dict[tuple[str, str], int]:
    return {(r.pseudonym, r.role_label): r.reads for r in summary.readers}


def test_the_summary_of_a_long_history_reads_only_the_entries_since_the_last_view(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """2,000 reads of the case file: the first view counts them all, every later view reads
    only what was recorded since, in the same few queries, and counts the same as from scratch."""
    case = world.case_at("investigation")
    case_assign(
        actor=world.case_manager, case=case, assignee=world.investigator, role="investigator"
    )
    access = _complainant(case)
    with transaction.atomic():
        for _ in range(2000):
            record(
                actor=world.case_manager,
                action="case.viewed",
                case=case,
                role="case_manager",
                details={},
            )
    counted = _Counted(monkeypatch)
    parsed, first = counted.summary(access)
    assert parsed >= 2000
    case_detail_for(world.investigator, case.reference)
    case_detail_for(world.case_manager, case.reference)
    with pytest.raises(NotFound):
        case_detail_for(world.political, case.reference)
    with CaptureQueriesContext(connection) as queries:
        parsed, warm = counted.summary(access)
    assert parsed == 3  # two reads and one refusal, not the case's whole history
    assert len(queries) <= 5
    cache.clear()
    parsed, cold = counted.summary(access)
    assert parsed > 2000
    assert _reads(warm) == _reads(cold)
    assert (warm.refused, warm.emergency_reads) == (cold.refused, cold.emergency_reads)
    assert sum(_reads(warm).values()) == sum(_reads(first).values()) + 2
    assert warm.refused == first.refused + 1


def test_the_summary_does_not_keep_a_read_whose_record_was_rolled_back(world: World):
    """Counts cached inside a transaction that rolls back end on an entry that is gone: the
    seq goes to another entry, and the next view counts again from the start."""
    case = world.case_at("investigation")
    access = _complainant(case)
    before = party_proof_summary(access=access)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        case_detail_for(world.case_manager, case.reference)
        assert sum(_reads(party_proof_summary(access=access)).values()) == (
            sum(_reads(before).values()) + 1
        )
        raise Undone
    # the seq of the undone read goes to another entry of the case: a refusal
    with pytest.raises(NotFound):
        case_detail_for(world.political, case.reference)
    after = party_proof_summary(access=access)
    assert _reads(after) == _reads(before)
    assert after.refused == before.refused + 1


def test_the_other_partys_refused_attempts_are_not_counted_as_attempts_on_the_file(
    world: World,
):
    case, complainant, respondent, _ = _both_parties_at_work(world)
    cache.clear()
    summary = party_proof_summary(access=respondent)
    with pytest.raises(NotFound):
        response_submit(access=complainant, body="Again.")
    assert party_proof_summary(access=respondent).refused == summary.refused
    with pytest.raises(NotFound):
        case_detail_for(world.political, case.reference)
    assert party_proof_summary(access=respondent).refused == summary.refused + 1


def test_a_staff_download_of_a_partys_file_is_in_that_partys_bundle_alone(
    world: World,
    policy_file: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    case, complainant, respondent, _ = _both_parties_at_work(world)
    theirs = party_file_send(access=complainant, content=b"%PDF-1.7\nThe minutes.\n")
    other = party_file_send(access=respondent, content=b"%PDF-1.7\nMy account.\n")
    party_file_download(actor=world.case_manager, case=case, file_id=theirs.pk)
    downloaded = last_seq()
    # a failed check of the respondent's file is the respondent's to see, not the complainant's
    store = default_store()
    sealed = bytearray(store.get(other.blob))
    sealed[-1] ^= 1
    store.put(other.blob, bytes(sealed))
    with pytest.raises(EvidenceCorrupted):
        party_file_download(actor=world.case_manager, case=case, file_id=other.pk)
    corrupted = last_seq()
    [(entry, details)] = entries_since(downloaded - 1, "party_file.downloaded")
    assert entry.seq == downloaded and details["file"] == theirs.pk
    policy = parse_policy(policy_file.read_bytes())
    for access, mine, not_mine in (
        (complainant, downloaded, corrupted),
        (respondent, corrupted, downloaded),
    ):
        bundle = party_proof_for(access=access)
        proved = {e.seq for e in check_bundle(bundle, None, policy=policy).entries}
        assert mine in proved and not_mine not in proved, access.role
        saved = tmp_path / f"{access.role}.json"
        saved.write_text(bundle)
        args = argparse.Namespace(
            file=saved, vkey=None, witness_vkey=[], quorum=0, policy=policy_file
        )
        assert run_check_proof(args) == 0
        assert f"a selection: the entries that concern the {access.role}" in capsys.readouterr().out
