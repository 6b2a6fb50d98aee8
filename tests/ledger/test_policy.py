"""c2sp.org/tlog-policy: parsing, quorum evaluation and checkpoint verification."""

from __future__ import annotations

from itertools import combinations

import pytest

from dueprocess.tlog.merkle import inclusion_proof, leaf_hash, root_from_leaf_hashes
from dueprocess.tlog.note import (
    Cosigner,
    Signer,
    append_signatures,
    cosign_checkpoint,
    format_checkpoint,
    sign_note,
)
from dueprocess.tlog.policy import NONE, Policy, PolicyError, parse_policy
from dueprocess.tlog.tlogproof import TlogProof, format_tlog_proof

ORIGIN = "cases.example.org/audit/v1"
LOG = Signer.generate(ORIGIN)
X = [Cosigner.generate(f"x.example/w{i}") for i in range(3)]
Y = [Cosigner.generate(f"y.example/w{i}") for i in range(3)]


def spec_example() -> str:
    """The tlog-policy.md example, with real keys."""
    return (
        f"log {LOG.vkey}\n"
        "\n"
        f"witness X1 {X[0].vkey}\n"
        f"witness X2 {X[1].vkey}\n"
        f"witness X3 {X[2].vkey}\n"
        "group X-witnesses 2 X1 X2 X3\n"
        "\n"
        f"witness Y1 {Y[0].vkey}\n"
        f"witness Y2 {Y[1].vkey}\n"
        f"witness Y3 {Y[2].vkey}\n"
        "group Y-witnesses any Y1 Y2 Y3\n"
        "\n"
        "group X-and-Y all X-witnesses Y-witnesses\n"
        "quorum X-and-Y\n"
    )


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy(spec_example())


def test_the_spec_example_parses(policy: Policy) -> None:
    assert [log.verifier.vkey for log in policy.logs] == [LOG.vkey]
    assert list(policy.witnesses) == ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
    assert policy.groups["X-witnesses"].threshold == 2
    assert policy.groups["Y-witnesses"].threshold == 1
    assert policy.groups["X-and-Y"].threshold == 2
    assert policy.quorum == "X-and-Y"


def test_the_spec_example_needs_two_x_witnesses_and_one_y_witness(policy: Policy) -> None:
    names = ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
    for count in range(len(names) + 1):
        for present in combinations(names, count):
            xs = sum(name.startswith("X") for name in present)
            ys = sum(name.startswith("Y") for name in present)
            assert policy.satisfied_by(present) == (xs >= 2 and ys >= 1), present


def test_quorum_none_needs_no_cosignatures() -> None:
    policy = parse_policy(f"log {LOG.vkey}\nquorum none\n")
    assert policy.quorum == NONE
    assert policy.satisfied_by([])


def test_a_single_witness_quorum() -> None:
    policy = parse_policy(f"witness solo {X[0].vkey}\nquorum solo\n")
    assert policy.logs == ()
    assert policy.satisfied_by(["solo"])
    assert not policy.satisfied_by([])


def test_unknown_witness_names_are_an_error_not_a_vote(policy: Policy) -> None:
    with pytest.raises(PolicyError, match="not witnesses"):
        policy.satisfied_by(["X1", "X2", "Z9"])


def test_comments_whitespace_tabs_and_urls_are_handled() -> None:
    text = (
        "# a comment\n"
        "   # an indented comment\n"
        f"\tlog   {LOG.vkey}\thttps://log.example/\n"
        "   \t  \n"
        f"witness  W1 {X[0].vkey}  https://w1.example/#frag   \n"
        "quorum W1"  # no final newline
    )
    policy = parse_policy(text)
    assert policy.logs[0].url == "https://log.example/"
    assert policy.witnesses["W1"].url == "https://w1.example/#frag"


def test_names_are_opaque_octets() -> None:
    text = (
        f"witness K {X[0].vkey}\n".encode()
        + b"witness \xe2\x84\xaa "
        + X[1].vkey.encode()
        + b"\n"
        + b"witness \xff\xfe "
        + X[2].vkey.encode()
        + b"\ngroup all-three all K \xe2\x84\xaa \xff\xfe\nquorum all-three\n"
    )
    policy = parse_policy(text)
    assert len(policy.witnesses) == 3
    kelvin = "\u212a"
    assert "K" in policy.witnesses and kelvin in policy.witnesses
    assert not policy.satisfied_by(["K", kelvin])
    opaque = b"\xff\xfe".decode("utf-8", "surrogateescape")
    assert policy.satisfied_by(["K", kelvin, opaque])


W1, W2 = X[0].vkey, X[1].vkey


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no quorum"),
        (f"witness A {W1}\n", "no quorum"),
        (f"witness A {W1}\nquorum A\nquorum A\n", "exactly one quorum"),
        ("quorum A\n", "not defined above"),
        (f"quorum A\nwitness A {W1}\n", "not defined above"),
        (f"group G any A\nwitness A {W1}\nquorum G\n", "not defined above"),
        (f"witness A {W1}\nwitness A {W2}\nquorum A\n", "already defined"),
        (f"witness none {W1}\nquorum none\n", "already defined"),
        (f"witness A {W1}\ngroup A any A\nquorum A\n", "already defined"),
        (f"witness A {W1}\nwitness B {W1}\nquorum A\n", "duplicate witness key"),
        (f"log {LOG.vkey}\nlog {LOG.vkey}\nquorum none\n", "duplicate log key"),
        (f"witness A {W1}\ngroup G 0 A\nquorum G\n", "not in 1..1"),
        (f"witness A {W1}\ngroup G 2 A\nquorum G\n", "not in 1..1"),
        (f"witness A {W1}\ngroup G some A\nquorum G\n", "all, any or a number"),
        (f"witness A {W1}\ngroup G any\nquorum G\n", "expected 'group"),
        (f"witness A {W1}\ngroup G any none\nquorum G\n", "'none' cannot"),
        (f"witness A {W1}\ngroup G all A A\nquorum G\n", "only once"),
        (
            f"witness A {W1}\nwitness B {W2}\ngroup G any A B\ngroup H any A\nquorum G\n",
            "only once",
        ),
        (f"witness A {W1}\nquorum A\nwebsite https://x\n", "unknown keyword"),
        (f"witness A {W1}\nquorum A extra\n", "expected 'quorum"),
        ("witness A\nquorum A\n", "expected 'witness"),
        (f"witness A {W1}\r\nquorum A\n", "control character 0x0d"),
        (f"witness A {W1}\nquorum A\x7f\n", "control character 0x7f"),
        (f"witness A {LOG.vkey}\nquorum A\n", "cosignature/v1"),
        (f"log {W1}\nquorum none\n", "Ed25519"),
        (f"witness A {W1[:-2]}\nquorum A\n", "invalid vkey"),
    ],
)
def test_malformed_policies_are_rejected_with_a_line_number(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(text)


def test_errors_name_the_offending_line() -> None:
    with pytest.raises(PolicyError, match=r"^line 3: "):
        parse_policy(f"# comment\nwitness A {W1}\nquorum B\n")


# --- verification ---------------------------------------------------------------------------

HASHES = [leaf_hash(f"event {i}".encode()) for i in range(6)]


def cosigned_checkpoint(*cosigners: Cosigner, origin: str = ORIGIN, log: Signer = LOG) -> str:
    note = sign_note(format_checkpoint(origin, len(HASHES), root_from_leaf_hashes(HASHES)), [log])
    return append_signatures(note, [cosign_checkpoint(note, c, 1_700_000_000) for c in cosigners])


def test_a_checkpoint_meeting_the_quorum_verifies(policy: Policy) -> None:
    checkpoint, names = policy.verify_checkpoint(cosigned_checkpoint(X[0], X[2], Y[1]))
    assert checkpoint.size == len(HASHES)
    assert names == {"X1", "X3", "Y2"}


def test_a_checkpoint_short_of_the_quorum_is_refused(policy: Policy) -> None:
    with pytest.raises(PolicyError, match="do not meet quorum"):
        policy.verify_checkpoint(cosigned_checkpoint(X[0], X[1]))
    with pytest.raises(PolicyError, match="do not meet quorum"):
        policy.verify_checkpoint(cosigned_checkpoint(X[0], Y[0], Y[1], Y[2]))


def test_cosignatures_from_witnesses_outside_the_policy_do_not_count(policy: Policy) -> None:
    outsiders = [Cosigner.generate(f"z.example/w{i}") for i in range(3)]
    with pytest.raises(PolicyError, match="do not meet quorum"):
        policy.verify_checkpoint(cosigned_checkpoint(X[0], *outsiders))


def test_a_checkpoint_from_an_unlisted_log_is_refused(policy: Policy) -> None:
    other_log = Signer.generate(ORIGIN)
    with pytest.raises(PolicyError, match="not signed by a log of this policy"):
        policy.verify_checkpoint(cosigned_checkpoint(X[0], X[1], Y[0], log=other_log))
    with pytest.raises(PolicyError, match="no valid signature from a known key"):
        policy.verify_checkpoint(cosigned_checkpoint(log=other_log))


def test_the_log_key_name_must_be_the_checkpoint_origin(policy: Policy) -> None:
    note = cosigned_checkpoint(X[0], X[1], Y[0], origin="someone-else.example/log")
    with pytest.raises(PolicyError, match="not signed by a log of this policy"):
        policy.verify_checkpoint(note)


def test_a_tlog_proof_is_checked_against_the_policy(policy: Policy) -> None:
    def proof(note: str) -> str:
        path = tuple(inclusion_proof(4, len(HASHES), HASHES))
        return format_tlog_proof(TlogProof(4, path, note))

    verified = policy.verify_tlog_proof(proof(cosigned_checkpoint(X[1], X[2], Y[2])), b"event 4")
    assert {s.name for s in verified.cosignatures} == {
        "x.example/w1",
        "x.example/w2",
        "y.example/w2",
    }
    with pytest.raises(PolicyError, match="do not meet quorum"):
        policy.verify_tlog_proof(proof(cosigned_checkpoint(X[1], Y[2])), b"event 4")
    with pytest.raises(PolicyError, match="inclusion proof"):
        policy.verify_tlog_proof(proof(cosigned_checkpoint(X[1], X[2], Y[2])), b"event 5")
