"""Signed checkpoints over the stored log, their public endpoints, and proofs over large trees."""

from __future__ import annotations

import hashlib

from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess.ledger import keys
from dueprocess.ledger.checkpoints import checkpoint_create, leaf_hashes
from dueprocess.ledger.models import Checkpoint
from dueprocess.ledger.record import record
from dueprocess.tlog import merkle, note
from dueprocess.tlog.prooftree import ProofTree


def grow(count: int) -> None:
    with transaction.atomic():
        for _ in range(count):
            record(actor=None, action="case_list.viewed")


def test_a_checkpoint_signs_the_root_of_every_committed_entry(db):
    grow(7)
    checkpoint = checkpoint_create()
    parsed, signatures = note.open_checkpoint(checkpoint.note, [keys.signer().verifier()])
    assert parsed.size == checkpoint.size == len(leaf_hashes(0, 10**9))
    assert parsed.root_hash == merkle.root_from_leaf_hashes(leaf_hashes(0, parsed.size))
    assert [s.name for s in signatures] == [keys.signer().name]


def test_nothing_new_means_no_new_checkpoint(db):
    grow(2)
    assert checkpoint_create() is not None
    assert checkpoint_create() is None
    assert Checkpoint.objects.count() == 1


def test_successive_checkpoints_extend_the_stored_compact_range(db):
    sizes = []
    for count in (1, 2, 5, 8, 13):
        grow(count)
        sizes.append(checkpoint_create())
    for checkpoint in sizes:
        hashes = leaf_hashes(0, checkpoint.size)
        assert bytes(checkpoint.root) == merkle.root_from_leaf_hashes(hashes)
        stored = merkle.CompactRange.from_bytes(bytes(checkpoint.compact_range))
        assert stored.root() == bytes(checkpoint.root) and stored.size == checkpoint.size


def test_the_latest_checkpoint_and_the_key_are_public(db, client):
    assert client.get("/ledger/checkpoint").status_code == 404
    grow(3)
    checkpoint = checkpoint_create()
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200 and response.content.decode() == checkpoint.note
    vkey = client.get("/ledger/vkey").content.decode().strip()
    note.open_checkpoint(response.content.decode(), [note.Verifier.from_vkey(vkey)])


def _leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(b"\0" + i.to_bytes(4, "big")).digest() for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.data())
def test_shared_subtree_proofs_equal_the_reference_proofs(size, data):
    leaves = _leaves(size)
    tree = ProofTree(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=1, max_value=size))
    assert tree.inclusion(index, size) == merkle.inclusion_proof(index, size, leaves)
    assert tree.consistency(old, size) == merkle.consistency_proof(old, size, leaves)
    root = merkle.root_from_leaf_hashes(leaves)
    merkle.verify_inclusion(index, size, leaves[index], tree.inclusion(index, size), root)
