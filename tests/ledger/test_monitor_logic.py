"""The monitor's logic without HTTP or a database: a history directory, tiles in memory, and
each alarm it must raise (the same checks ``dueprocess monitor`` runs over HTTP)."""

from __future__ import annotations

import pytest

from dueprocess.tlog import merkle, note
from dueprocess.tlog.monitor import Alarm, MonitorState, checkpoint_opener, observe
from dueprocess.tlog.policy import parse_policy
from dueprocess.tlog.tiles import TILE_WIDTH, encode_bundle
from tests.ledger.test_tile_math import Tiles

ORIGIN = "example.org/log"
SIGNER = note.Signer.generate(ORIGIN)


class Log:
    """A log in memory: entries, its tiles, its bundles and signed checkpoints."""

    def __init__(self, count: int) -> None:
        self.entries = [f"entry {i}".encode() for i in range(count)]

    @property
    def leaves(self) -> list[bytes]:
        return [merkle.leaf_hash(e) for e in self.entries]

    def checkpoint(self, signer: note.Signer = SIGNER) -> str:
        body = note.format_checkpoint(
            ORIGIN, len(self.entries), merkle.root_from_leaf_hashes(self.leaves)
        )
        return note.sign_note(body, [signer])

    def tiles(self) -> Tiles:
        return Tiles(self.leaves)

    def bundle(self, index: int, width: int) -> bytes:
        return encode_bundle(self.entries[index * TILE_WIDTH : index * TILE_WIDTH + width])


def see(state: MonitorState, log: Log, text: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    opener = kwargs.pop("opener", checkpoint_opener(vkey=SIGNER.vkey))
    return observe(state, text or log.checkpoint(), opener, log.tiles().fetch, **kwargs)


def test_honest_growth_is_held_step_by_step(tmp_path):
    state = MonitorState(tmp_path)
    log = Log(300)
    first = see(state, log, fetch_bundle=log.bundle)
    assert (first.outcome, first.size, first.entries_checked) == ("first", 300, 300)
    log.entries += [b"more"] * 700
    grown = see(state, log, fetch_bundle=log.bundle)
    assert (grown.outcome, grown.previous, grown.size) == ("grew", 300, 1000)
    assert grown.entries_checked == 700 and state.entries_checked == 1000
    assert see(state, log).outcome == "unchanged"
    assert sorted(p.name for p in state.checkpoints.iterdir()) == ["1000", "300"]


def test_a_rewrite_re_signed_with_the_real_key_is_a_fork(tmp_path):
    state = MonitorState(tmp_path)
    log = Log(300)
    see(state, log)
    log.entries[10] = b"rewritten"
    log.entries += [b"more"] * 5
    with pytest.raises(Alarm) as raised:
        see(state, log)
    assert raised.value.kind == "fork" and "does not extend the one of size 300" in str(
        raised.value
    )
    assert raised.value.evidence is not None and raised.value.evidence.exists()
    assert [p.name for p in state.checkpoints.iterdir()] == ["300"]


def test_the_same_size_with_another_root_is_a_fork(tmp_path):
    state = MonitorState(tmp_path)
    log = Log(20)
    see(state, log)
    log.entries[0] = b"rewritten"
    with pytest.raises(Alarm, match="different roots") as raised:
        see(state, log)
    assert raised.value.kind == "fork"


def test_a_truncation_is_a_shrink(tmp_path):
    state = MonitorState(tmp_path)
    log = Log(300)
    see(state, log)
    del log.entries[290:]
    with pytest.raises(Alarm, match="size 290, but a signed checkpoint of size 300") as raised:
        see(state, log)
    assert raised.value.kind == "shrink"


def test_another_key_or_another_origin_is_refused(tmp_path):
    state = MonitorState(tmp_path)
    log = Log(5)
    with pytest.raises(Alarm, match=f"not signed by {ORIGIN}") as raised:
        see(state, log, log.checkpoint(note.Signer.generate(ORIGIN)))
    assert raised.value.kind == "bad-signature"
    assert list(state.checkpoints.iterdir()) == []
    other = note.Signer.generate("example.org/other")
    both = checkpoint_opener(
        policy=parse_policy(f"log {SIGNER.vkey}\nlog {other.vkey}\nquorum none\n")
    )
    see(state, log, opener=both)
    body = note.format_checkpoint("example.org/other", 5, merkle.root_from_leaf_hashes(log.leaves))
    with pytest.raises(Alarm, match=r"this history holds 'example\.org/log'") as raised:
        see(state, log, note.sign_note(body, [other]), opener=both)
    assert raised.value.kind == "wrong-log"


def test_an_auditors_policy_requires_its_witness(tmp_path):
    skey, vkey = note.generate_cosigner_key("ombudsman.example/w1")
    policy = parse_policy(f"log {SIGNER.vkey}\nwitness w1 {vkey}\nquorum w1\n")
    opener = checkpoint_opener(policy=policy)
    state = MonitorState(tmp_path)
    log = Log(12)
    with pytest.raises(Alarm, match="do not meet quorum") as raised:
        see(state, log, opener=opener)
    assert raised.value.kind == "bad-signature"
    signed = log.checkpoint()
    line = note.cosign_checkpoint(signed, note.Cosigner.from_skey(skey))
    assert see(state, log, note.append_signatures(signed, [line]), opener=opener).size == 12


def test_tiles_or_entries_that_do_not_match_are_bad_tiles(tmp_path):
    state = MonitorState(tmp_path)
    log = Log(600)
    text = log.checkpoint()
    lying = log.tiles()
    lying.leaves = [*lying.leaves[:599], merkle.leaf_hash(b"not it")]
    with pytest.raises(Alarm, match="right edge") as raised:
        observe(state, text, checkpoint_opener(vkey=SIGNER.vkey), lying.fetch)
    assert raised.value.kind == "bad-tiles"

    def swapped(index: int, width: int) -> bytes:
        data = log.bundle(index, width)
        return data.replace(b"entry 3\x00", b"entry 4\x00") if index == 0 else data

    with pytest.raises(Alarm, match="entry 3 served does not hash") as raised:
        see(state, log, fetch_bundle=swapped)
    assert raised.value.kind == "bad-tiles"
