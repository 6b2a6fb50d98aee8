"""c2sp.org/tlog-policy: which logs and witnesses a verifier trusts, and how many must agree.

A policy file lists log vkeys, named witness vkeys, groups with thresholds and one quorum::

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <member>...
    quorum <name>|none

Names are opaque octet strings (the spec forbids Unicode processing), so bytes are decoded with
``surrogateescape``: distinct byte strings always give distinct names and round-trip exactly.
Only the key types this library can verify are accepted: Ed25519 (0x01) for logs and
Ed25519 ``cosignature/v1`` (0x04) for witnesses; anything else is refused at parse time rather
than silently never counting towards the quorum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .note import (
    SIG_COSIGNATURE_V1,
    SIG_ED25519,
    Checkpoint,
    CosignatureVerifier,
    NoteError,
    Signature,
    Verifier,
    open_checkpoint,
    parse_vkey,
)
from .tlogproof import TlogProofError, VerifiedTlogProof, verify_tlog_proof

__all__ = [
    "NONE",
    "Policy",
    "PolicyError",
    "PolicyGroup",
    "PolicyLog",
    "PolicyWitness",
    "parse_policy",
]

#: The predefined name for "no cosignatures required".
NONE = "none"
_SEPARATORS = re.compile(rb"[ \t]+")
_FORBIDDEN_OCTETS = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_THRESHOLD = re.compile(r"[0-9]+", re.ASCII)


class PolicyError(ValueError):
    """A malformed policy file, or a checkpoint that the policy does not accept."""


@dataclass(frozen=True)
class PolicyLog:
    verifier: Verifier
    url: str | None = None


@dataclass(frozen=True)
class PolicyWitness:
    name: str
    verifier: CosignatureVerifier
    url: str | None = None


@dataclass(frozen=True)
class PolicyGroup:
    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Policy:
    logs: tuple[PolicyLog, ...]
    witnesses: Mapping[str, PolicyWitness]
    groups: Mapping[str, PolicyGroup]
    quorum: str
    _by_key: Mapping[tuple[str, int], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index = {(w.verifier.name, w.verifier.key_id): w.name for w in self.witnesses.values()}
        object.__setattr__(self, "_by_key", index)

    @property
    def log_verifiers(self) -> list[Verifier]:
        return [log.verifier for log in self.logs]

    @property
    def witness_verifiers(self) -> list[CosignatureVerifier]:
        return [witness.verifier for witness in self.witnesses.values()]

    def satisfied_by(self, witness_names: Iterable[str]) -> bool:
        """Whether these policy witness names (who validly cosigned) meet the quorum."""
        present = set(witness_names)
        unknown = present - set(self.witnesses)
        if unknown:
            raise PolicyError(f"not witnesses of this policy: {sorted(unknown)}")
        memo: dict[str, bool] = {}

        def witnessed(name: str) -> bool:
            if name == NONE:
                return True
            if name not in memo:
                group = self.groups.get(name)
                if group is None:
                    memo[name] = name in present
                else:
                    votes = sum(1 for member in group.members if witnessed(member))
                    memo[name] = votes >= group.threshold
            return memo[name]

        return witnessed(self.quorum)

    def cosigners(self, signatures: Iterable[Signature]) -> set[str]:
        """Policy names of the witnesses among already *verified* signatures."""
        return {
            self._by_key[(sig.name, sig.key_id)]
            for sig in signatures
            if (sig.name, sig.key_id) in self._by_key
        }

    def verify_checkpoint(self, note: str | bytes) -> tuple[Checkpoint, set[str]]:
        """Accept a checkpoint signed by a listed log (key name = origin) and cosigned to quorum.

        Returns the checkpoint and the names of the witnesses that cosigned it.
        """
        log_slots = {(v.name, v.key_id) for v in self.log_verifiers}
        try:
            checkpoint, verified = open_checkpoint(
                note, [*self.log_verifiers, *self.witness_verifiers]
            )
        except NoteError as exc:
            raise PolicyError(f"checkpoint does not verify: {exc}") from exc
        if not any(
            (s.name, s.key_id) in log_slots and s.name == checkpoint.origin for s in verified
        ):
            raise PolicyError(
                f"checkpoint for {checkpoint.origin!r} is not signed by a log of this policy"
            )
        names = self.cosigners(verified)
        if not self.satisfied_by(names):
            raise PolicyError(
                f"cosignatures from {sorted(names) or 'no witness'} do not meet quorum "
                f"{self.quorum!r}"
            )
        return checkpoint, names

    def verify_tlog_proof(self, proof_text: str | bytes, leaf: bytes) -> VerifiedTlogProof:
        """Verify a tlog-proof against this policy's logs, witnesses and quorum."""
        if not self.logs:
            raise PolicyError("this policy lists no logs; a proof cannot be checked against it")
        try:
            result = verify_tlog_proof(
                proof_text, leaf, self.log_verifiers, self.witness_verifiers, 0
            )
        except TlogProofError as exc:
            raise PolicyError(str(exc)) from exc
        names = self.cosigners(result.cosignatures)
        if not self.satisfied_by(names):
            raise PolicyError(
                f"cosignatures from {sorted(names) or 'no witness'} do not meet quorum "
                f"{self.quorum!r}"
            )
        return result


def _name(token: bytes) -> str:
    return token.decode("utf-8", "surrogateescape")


def _vkey(token: bytes, line: int) -> Verifier | CosignatureVerifier:
    try:
        return parse_vkey(token.decode("utf-8"))
    except (UnicodeDecodeError, NoteError) as exc:
        raise PolicyError(f"line {line}: invalid vkey: {exc}") from exc


def parse_policy(source: str | bytes) -> Policy:
    """Parse a tlog-policy file; every error names its line.

    A final line without a newline is accepted (editors differ); everything else is strict.
    """
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    bad = _FORBIDDEN_OCTETS.search(data)
    if bad:
        line = data.count(b"\n", 0, bad.start()) + 1
        raise PolicyError(f"line {line}: control character 0x{bad.group()[0]:02x} not allowed")

    logs: list[PolicyLog] = []
    witnesses: dict[str, PolicyWitness] = {}
    groups: dict[str, PolicyGroup] = {}
    listed_members: set[str] = set()
    log_keys: set[bytes] = set()
    witness_keys: set[bytes] = set()
    quorum: str | None = None

    for number, raw in enumerate(data.split(b"\n"), start=1):
        stripped = raw.strip(b" \t")
        if not stripped or stripped.startswith(b"#"):
            continue
        keyword, *args = _SEPARATORS.split(stripped)
        if keyword == b"log":
            if len(args) not in (1, 2):
                raise PolicyError(f"line {number}: expected 'log <vkey> [<url>]'")
            log_key = _vkey(args[0], number)
            if not isinstance(log_key, Verifier):
                raise PolicyError(
                    f"line {number}: log keys must be Ed25519 (type 0x{SIG_ED25519:02x})"
                )
            if log_key.public_key in log_keys:
                raise PolicyError(f"line {number}: duplicate log key")
            log_keys.add(log_key.public_key)
            logs.append(PolicyLog(log_key, _name(args[1]) if len(args) == 2 else None))
        elif keyword == b"witness":
            if len(args) not in (2, 3):
                raise PolicyError(f"line {number}: expected 'witness <name> <vkey> [<url>]'")
            name = _name(args[0])
            if name == NONE or name in witnesses or name in groups:
                raise PolicyError(f"line {number}: name {name!r} is already defined")
            witness_key = _vkey(args[1], number)
            if not isinstance(witness_key, CosignatureVerifier):
                raise PolicyError(
                    f"line {number}: witness keys must be cosignature/v1 "
                    f"(type 0x{SIG_COSIGNATURE_V1:02x})"
                )
            if witness_key.public_key in witness_keys:
                raise PolicyError(f"line {number}: duplicate witness key")
            witness_keys.add(witness_key.public_key)
            url = _name(args[2]) if len(args) == 3 else None
            witnesses[name] = PolicyWitness(name, witness_key, url)
        elif keyword == b"group":
            if len(args) < 3:
                raise PolicyError(f"line {number}: expected 'group <name> <k> <member>...'")
            name = _name(args[0])
            if name == NONE or name in witnesses or name in groups:
                raise PolicyError(f"line {number}: name {name!r} is already defined")
            members = [_name(member) for member in args[2:]]
            for member in members:
                if member == NONE:
                    raise PolicyError(f"line {number}: 'none' cannot be a group member")
                if member not in witnesses and member not in groups:
                    raise PolicyError(f"line {number}: {member!r} is not defined above")
                if member in listed_members:
                    raise PolicyError(
                        f"line {number}: {member!r} is already a group member; "
                        "each name may be listed as a member only once"
                    )
                listed_members.add(member)
            spec = _name(args[1])
            if spec == "all":
                threshold = len(members)
            elif spec == "any":
                threshold = 1
            elif _THRESHOLD.fullmatch(spec):
                threshold = int(spec)
                if not 1 <= threshold <= len(members):
                    raise PolicyError(
                        f"line {number}: threshold {threshold} is not in 1..{len(members)}"
                    )
            else:
                raise PolicyError(f"line {number}: threshold must be all, any or a number")
            groups[name] = PolicyGroup(name, threshold, tuple(members))
        elif keyword == b"quorum":
            if len(args) != 1:
                raise PolicyError(f"line {number}: expected 'quorum <name>'")
            if quorum is not None:
                raise PolicyError(f"line {number}: a policy has exactly one quorum line")
            name = _name(args[0])
            if name != NONE and name not in witnesses and name not in groups:
                raise PolicyError(f"line {number}: quorum {name!r} is not defined above")
            quorum = name
        else:
            raise PolicyError(f"line {number}: unknown keyword {_name(keyword)!r}")

    if quorum is None:
        raise PolicyError("policy has no quorum line")
    return Policy(tuple(logs), witnesses, groups, quorum)
