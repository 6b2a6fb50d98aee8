"""The case proof bundle: the ledger entries of one case, each as a C2SP tlog-proof.

A bundle is JSON so that any language can read it::

    {"format": "dueprocess.case-proof/v1", "origin": "...", "case": "<case pseudonym>",
     "reference": "C-2026-00042", "checkpoint_size": 1234,
     "proofs": ["c2sp.org/tlog-proof@v1\\nextra <b64 entry>\\nindex 17\\n...", ...]}

Each proof carries the entry bytes in its ``extra`` line and proves their inclusion in the
signed (and cosigned) checkpoint. A party's own bundle holds only the entries that concern them
and says so: ``"selection": {"of": "complainant", "seqs": [...], "case_entries": 40}``; a
bundle without that field (the staff export) holds every entry of the case. Checking needs no
database and no dueprocess installation beyond this module: only the log's verifier key (and
the witnesses' keys, for a quorum).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from dataclasses import dataclass, field

from dueprocess.ledger.entries import Entry, EntryFormatError, parse_entry
from dueprocess.tlog import note
from dueprocess.tlog.policy import Policy
from dueprocess.tlog.tlogproof import TlogProofError, parse_tlog_proof, verify_tlog_proof

FORMAT = "dueprocess.case-proof/v1"


class BundleError(ValueError):
    pass


def signed_time(timestamp: int) -> str:
    """A cosignature/v1 timestamp (POSIX seconds) as UTC ISO 8601, e.g. 2026-12-02T05:40:12Z."""
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class CheckedBundle:
    reference: str
    case: str
    checkpoint_size: int
    entries: list[Entry] = field(default_factory=list)
    cosigners: set[str] = field(default_factory=set)
    #: Each cosigner's signed time (cosignature/v1 timestamp, POSIX seconds).
    signed_at: dict[str, int] = field(default_factory=dict)
    cosignatures: set[note.Signature] = field(default_factory=set, repr=False)
    #: A party's bundle holds only the entries that concern them: whose selection it is
    #: (``"complainant"``) and how many entries the case had below the checkpoint. ``None`` for
    #: a bundle that claims to hold every entry of the case (the staff export).
    selection: Selection | None = None


@dataclass(frozen=True)
class Selection:
    of: str
    case_entries: int


def dump_bundle(
    *,
    origin: str,
    case: str,
    reference: str,
    size: int,
    proofs: list[str],
    reference_opening: dict[str, object] | None = None,
    selection: dict[str, object] | None = None,
) -> str:
    document: dict[str, object] = {
        "format": FORMAT,
        "origin": origin,
        "case": case,
        "reference": reference,
        "checkpoint_size": size,
        "proofs": proofs,
    }
    if reference_opening is not None:
        document["reference_opening"] = reference_opening
    if selection is not None:
        document["selection"] = selection
    return json.dumps(document, indent=1) + "\n"


def check_bundle(
    text: str | bytes,
    log_vkey: str | None,
    witness_vkeys: list[str] | tuple[str, ...] = (),
    quorum: int = 0,
    *,
    policy: Policy | None = None,
) -> CheckedBundle:
    """Verify every proof in a bundle; raise ``BundleError`` naming the first problem.

    The keys come either from ``log_vkey``, ``witness_vkeys`` and a number ``quorum`` of
    distinct witnesses, or from a tlog-policy (its logs, witnesses and quorum expression)."""
    document = _load(text)
    try:
        logs = [note.Verifier.from_vkey(log_vkey)] if log_vkey else []
        witnesses = [note.CosignatureVerifier.from_vkey(v) for v in witness_vkeys]
    except note.NoteError as error:
        raise BundleError(f"bad verifier key: {error}") from error
    if policy is not None:
        logs = [v for v in policy.log_verifiers if v.name == document["origin"]] or logs
        witnesses = [*policy.witness_verifiers, *witnesses]
        if log_vkey and logs and all(v.vkey != log_vkey for v in policy.log_verifiers):
            raise BundleError("the policy does not name the log key given with --vkey")
    if not logs:
        raise BundleError("no log key: give the log's vkey or a policy naming the log")
    if all(v.name != document["origin"] for v in logs):
        raise BundleError(
            f"the key is for {logs[0].name!r}, the bundle is from {document['origin']!r}"
        )
    result = CheckedBundle(document["reference"], document["case"], document["checkpoint_size"])
    checkpoint_text = None
    seen: dict[int, int] = {}
    for number, proof_text in enumerate(document["proofs"], start=1):
        entry = _check_one(number, proof_text, logs, witnesses, quorum, document, result)
        if entry.seq in seen:
            raise BundleError(
                f"proof {number} repeats entry {entry.seq} (already proof {seen[entry.seq]})"
            )
        seen[entry.seq] = number
        parsed = parse_tlog_proof(proof_text)
        if checkpoint_text not in (None, parsed.checkpoint):
            raise BundleError(f"proof {number} is against a different checkpoint")
        checkpoint_text = parsed.checkpoint
        result.entries.append(entry)
    _check_reference(document, result.entries)
    result.selection = _check_selection(document, result.entries)
    if policy is not None:
        named = policy.cosigners(result.cosignatures)
        if not policy.satisfied_by(named):
            raise BundleError(
                f"the checkpoint is cosigned by {sorted(named) or 'no witness'} of the policy;"
                f" its quorum {policy.quorum!r} is not met"
            )
    return result


def _check_reference(document: dict, entries: list[Entry]) -> None:  # type: ignore[type-arg]
    """The bundle's reference must be opened from a signed entry of the case: the salt and
    sealed details of one of its ``case.proof_exported`` entries, whose commitment
    ``SHA-256(salt || details)`` is in the entry, and whose details name exactly the reference."""
    opening = document.get("reference_opening")
    if not isinstance(opening, dict):
        raise BundleError(
            "the bundle does not bind its reference to the case: no reference_opening"
        )
    seq, salt, details = opening.get("seq"), opening.get("salt"), opening.get("details")
    if not (isinstance(seq, int) and isinstance(salt, str) and isinstance(details, str)):
        raise BundleError("reference_opening needs an integer seq, a salt and the details")
    entry = next((e for e in entries if e.seq == seq), None)
    if entry is None or entry.action != "case.proof_exported":
        raise BundleError(f"reference_opening names entry {seq}, not an export proved here")
    try:
        salt_bytes = base64.b64decode(salt, validate=True)
    except ValueError as error:
        raise BundleError(f"reference_opening salt is not base64: {error}") from error
    if hashlib.sha256(salt_bytes + details.encode()).hexdigest() != entry.payload:
        raise BundleError(f"reference_opening does not match the commitment in entry {seq}")
    try:
        named = json.loads(details)
    except ValueError as error:
        raise BundleError(f"reference_opening details are not JSON: {error}") from error
    if named != {"case_reference": document["reference"]}:
        actual = named.get("case_reference") if isinstance(named, dict) else named
        raise BundleError(
            f"the bundle is labelled {document['reference']!r}, but its entries belong to"
            f" {actual!r} (named in signed entry {seq})"
        )


def _check_selection(document: dict, entries: list[Entry]) -> Selection | None:  # type: ignore[type-arg]
    """A bundle with a ``selection`` field says it holds a subset of the case's entries: the
    field must list exactly the seqs proved, in order, and a count of the case's entries that
    is at least as large. The field is not signed: an edited bundle whose list was edited to
    match passes, and is still only ever a set of entries each proved in the log."""
    if "selection" not in document:
        return None
    selection = document["selection"]
    if not isinstance(selection, dict):
        raise BundleError("bundle field 'selection' is not an object")
    of, seqs, total = selection.get("of"), selection.get("seqs"), selection.get("case_entries")
    if not (
        isinstance(of, str)
        and isinstance(seqs, list)
        and all(isinstance(s, int) and not isinstance(s, bool) for s in seqs)
        and isinstance(total, int)
        and not isinstance(total, bool)
    ):
        raise BundleError("selection needs 'of' (text), 'seqs' (integers) and 'case_entries'")
    proved = [e.seq for e in entries]
    if seqs != proved:
        missing = sorted(set(seqs) - set(proved))
        extra = sorted(set(proved) - set(seqs))
        raise BundleError(
            "the bundle's selection does not match its proofs:"
            + (f" listed but not proved {missing}" if missing else "")
            + (f" proved but not listed {extra}" if extra else "")
            + ("" if missing or extra else " not in seq order")
        )
    if total < len(proved):
        raise BundleError(
            f"the selection says the case has {total} entries, but {len(proved)} are proved"
        )
    return Selection(of=of, case_entries=total)


def _load(text: str | bytes) -> dict:  # type: ignore[type-arg]
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise BundleError(f"not a JSON bundle: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleError(f"not a {FORMAT} bundle")
    for key, kind in (
        ("origin", str),
        ("case", str),
        ("reference", str),
        ("checkpoint_size", int),
        ("proofs", list),
    ):
        if not isinstance(document.get(key), kind):
            raise BundleError(f"bundle field {key!r} is missing or of the wrong type")
    if not document["proofs"] or not all(isinstance(p, str) for p in document["proofs"]):
        raise BundleError("a bundle needs at least one proof, each a tlog-proof text")
    return document


def _check_one(number, proof_text, logs, witnesses, quorum, document, result) -> Entry:  # type: ignore[no-untyped-def]
    try:
        proof = parse_tlog_proof(proof_text)
        if proof.extra is None:
            raise BundleError(f"proof {number} carries no entry in its extra line")
        verified = verify_tlog_proof(proof_text, proof.extra, logs, witnesses, quorum)
        entry = parse_entry(proof.extra)
    except (TlogProofError, EntryFormatError) as error:
        raise BundleError(f"proof {number}: {error}") from error
    if entry.seq != proof.index:
        raise BundleError(
            f"proof {number}: entry says seq {entry.seq} but is proved at {proof.index}"
        )
    if entry.case != document["case"]:
        raise BundleError(f"proof {number}: entry {entry.seq} belongs to another case")
    if verified.checkpoint.size != document["checkpoint_size"]:
        raise BundleError(f"proof {number}: checkpoint size differs from the bundle's")
    for signature in verified.cosignatures:
        result.cosigners.add(signature.name)
        result.signed_at[signature.name] = signature.timestamp or 0
        result.cosignatures.add(signature)
    return entry
