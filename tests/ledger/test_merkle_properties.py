"""Properties of the Merkle code over random trees, checked against the RFC's own recursion.

The oracle below is a direct transcription of the recursive definitions of MTH, PATH and PROOF
in RFC 9162 §2.1: slow but obviously right, and independent of the iterative code under test.
"""

from __future__ import annotations

import hashlib
import math
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess.tlog.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    consistency_proof_length,
    inclusion_proof,
    inclusion_proof_length,
    leaf_hash,
    root_from_leaf_hashes,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 3000
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,  # keep hypothesis from writing .hypothesis/ into the project
    suppress_health_check=[HealthCheck.too_slow],
)


@cache
def leaves(count: int = MAX_SIZE) -> tuple[bytes, ...]:
    return tuple(leaf_hash(i.to_bytes(4, "big")) for i in range(count))


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def rfc_mth(d: tuple[bytes, ...]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + rfc_mth(d[:k]) + rfc_mth(d[k:])).digest()


def rfc_path(m: int, d: tuple[bytes, ...]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*rfc_path(m, d[:k]), rfc_mth(d[k:])]
    return [*rfc_path(m - k, d[k:]), rfc_mth(d[:k])]


def rfc_subproof(m: int, d: tuple[bytes, ...], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [rfc_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*rfc_subproof(m, d[:k], b), rfc_mth(d[k:])]
    return [*rfc_subproof(m - k, d[k:], False), rfc_mth(d[:k])]


def _flip(data: bytes, bit: int) -> bytes:
    buffer = bytearray(data)
    buffer[bit // 8] ^= 1 << (bit % 8)
    return bytes(buffer)


def _rejects(check: object, *args: object) -> bool:
    try:
        check(*args)  # type: ignore[operator]
    except ProofError:
        return True
    return False


sizes = st.integers(min_value=1, max_value=MAX_SIZE)
small_sizes = st.integers(min_value=1, max_value=300)


@st.composite
def tree_and_index(
    draw: st.DrawFn, size_strategy: st.SearchStrategy[int] = sizes
) -> tuple[int, int]:
    size = draw(size_strategy)
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def two_sizes(draw: st.DrawFn, size_strategy: st.SearchStrategy[int] = sizes) -> tuple[int, int]:
    new = draw(size_strategy.filter(lambda n: n >= 2))
    return draw(st.integers(min_value=1, max_value=new - 1)), new


# --- roots and compact ranges -----------------------------------------------------------------


def test_root_and_compact_range_agree_with_the_rfc_for_every_size_up_to_600() -> None:
    compact = CompactRange()
    all_leaves = leaves()
    assert compact.root() == EMPTY_ROOT == root_from_leaf_hashes([])
    for size in range(1, 601):
        compact.append(all_leaves[size - 1])
        expected = root_from_leaf_hashes(all_leaves[:size])
        assert compact.size == size
        assert compact.root() == expected
        assert len(compact.hashes) == size.bit_count()
        if size <= 130:
            assert expected == rfc_mth(all_leaves[:size])


@PROPERTY
@given(sizes)
def test_root_from_leaf_hashes_equals_the_recursive_definition(size: int) -> None:
    assert root_from_leaf_hashes(leaves()[:size]) == rfc_mth(leaves()[:size])


@PROPERTY
@given(two_sizes())
def test_a_stored_compact_range_extends_to_the_same_range_as_from_scratch(
    sizes_: tuple[int, int],
) -> None:
    old, new = sizes_
    stored = CompactRange.from_leaf_hashes(leaves()[:old]).to_bytes()
    resumed = CompactRange.from_bytes(stored)
    assert resumed.root() == root_from_leaf_hashes(leaves()[:old])
    resumed.extend(leaves()[old:new])
    scratch = CompactRange.from_leaf_hashes(leaves()[:new])
    assert resumed == scratch
    assert resumed.root() == scratch.root() == root_from_leaf_hashes(leaves()[:new])


@PROPERTY
@given(sizes, st.lists(st.integers(min_value=1, max_value=400), max_size=12))
def test_extending_in_arbitrary_chunks_equals_appending_one_by_one(
    size: int, chunks: list[int]
) -> None:
    chunked, position = CompactRange(), 0
    for chunk in [*chunks, size]:
        end = min(size, position + chunk)
        chunked.extend(leaves()[position:end])
        position = end
    one_by_one = CompactRange()
    for node in leaves()[:size]:
        one_by_one.append(node)
    assert chunked == one_by_one
    assert chunked.size == size


def test_compact_range_encoding_is_checked_on_load() -> None:
    encoded = CompactRange.from_leaf_hashes(leaves()[:7]).to_bytes()
    assert len(encoded) == 8 + 3 * 32
    assert CompactRange.from_bytes(encoded).size == 7
    with pytest.raises(ValueError, match="needs 3 hashes"):
        CompactRange.from_bytes(encoded[:-1])
    with pytest.raises(ValueError, match="needs 3 hashes"):
        CompactRange.from_bytes(encoded + bytes(32))
    with pytest.raises(ValueError, match="shorter than"):
        CompactRange.from_bytes(b"\x00" * 7)
    with pytest.raises(ValueError, match="holds 2 hashes"):
        CompactRange(3, [leaves()[0]])


def test_hashes_that_are_not_32_bytes_are_rejected_everywhere() -> None:
    short = leaves()[0][:31]
    with pytest.raises(ProofError, match=r"leaf hash\[2\] must be 32 bytes, got 31"):
        root_from_leaf_hashes([leaves()[0], leaves()[1], short])
    with pytest.raises(ProofError, match="32 bytes"):
        CompactRange().append(short + b"\x00\x00")
    with pytest.raises(ProofError, match="32 bytes"):
        subtree_hash([*leaves()[:3], short], 0, 4)
    proof = inclusion_proof(0, 2, leaves())
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(0, 2, leaves()[0], [proof[0][:31]], root_from_leaf_hashes(leaves()[:2]))


# --- inclusion --------------------------------------------------------------------------------


@PROPERTY
@given(tree_and_index())
def test_inclusion_proofs_verify_and_have_the_exact_rfc_length(case: tuple[int, int]) -> None:
    size, index = case
    tree = leaves()[:size]
    proof = inclusion_proof(index, size, tree)
    verify_inclusion(index, size, tree[index], proof, root_from_leaf_hashes(tree))
    assert len(proof) == inclusion_proof_length(index, size)
    assert len(proof) <= math.ceil(math.log2(size))


@PROPERTY
@given(tree_and_index(small_sizes))
def test_inclusion_proofs_equal_the_rfc_audit_path(case: tuple[int, int]) -> None:
    size, index = case
    assert inclusion_proof(index, size, leaves()) == rfc_path(index, leaves()[:size])


@PROPERTY
@given(tree_and_index(), st.data())
def test_any_single_bit_flip_breaks_an_inclusion_proof(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size, index = case
    tree = leaves()[:size]
    root = root_from_leaf_hashes(tree)
    proof = inclusion_proof(index, size, tree)
    bit = data.draw(st.integers(min_value=0, max_value=255))
    assert _rejects(verify_inclusion, index, size, _flip(tree[index], bit), proof, root)
    assert _rejects(verify_inclusion, index, size, tree[index], proof, _flip(root, bit))
    if proof:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        tampered = [*proof[:which], _flip(proof[which], bit), *proof[which + 1 :]]
        assert _rejects(verify_inclusion, index, size, tree[index], tampered, root)


@PROPERTY
@given(tree_and_index(), st.data())
def test_an_inclusion_proof_fails_for_any_other_index(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size, index = case
    tree = leaves()[:size]
    proof = inclusion_proof(index, size, tree)
    other = data.draw(st.integers(min_value=0, max_value=2 * size).filter(lambda j: j != index))
    assert _rejects(verify_inclusion, other, size, tree[index], proof, root_from_leaf_hashes(tree))


@PROPERTY
@given(tree_and_index(), st.data())
def test_an_inclusion_proof_fails_for_another_tree_size_unless_it_is_that_sizes_proof(
    case: tuple[int, int], data: st.DataObject
) -> None:
    # Claiming another size with that tree's real root: only an identical audit path may pass
    # (e.g. leaf 0 of trees of size 5 and 6 has the same path); anything else must fail.
    size, index = case
    other = data.draw(
        st.integers(min_value=index + 1, max_value=MAX_SIZE).filter(lambda m: m != size)
    )
    proof = inclusion_proof(index, size, leaves())
    other_root = root_from_leaf_hashes(leaves()[:other])
    accepted = not _rejects(verify_inclusion, index, other, leaves()[index], proof, other_root)
    assert accepted == (proof == inclusion_proof(index, other, leaves()))
    # A size that cannot hold the index, or zero, is refused outright.
    assert _rejects(verify_inclusion, index, index, leaves()[index], proof, other_root)


@PROPERTY
@given(tree_and_index(), st.data())
def test_truncated_or_extended_inclusion_proofs_fail(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size, index = case
    tree = leaves()[:size]
    root = root_from_leaf_hashes(tree)
    proof = inclusion_proof(index, size, tree)
    extra = data.draw(st.sampled_from([root, tree[index], leaves()[size % MAX_SIZE], EMPTY_ROOT]))
    assert _rejects(verify_inclusion, index, size, tree[index], [*proof, extra], root)
    assert _rejects(verify_inclusion, index, size, tree[index], [extra, *proof], root)
    if proof:
        assert _rejects(verify_inclusion, index, size, tree[index], proof[:-1], root)
        assert _rejects(verify_inclusion, index, size, tree[index], proof[1:], root)


# --- consistency ------------------------------------------------------------------------------


@PROPERTY
@given(two_sizes())
def test_consistency_proofs_verify_and_have_the_exact_rfc_length(case: tuple[int, int]) -> None:
    old, new = case
    proof = consistency_proof(old, new, leaves())
    old_root, new_root = (
        root_from_leaf_hashes(leaves()[:old]),
        root_from_leaf_hashes(leaves()[:new]),
    )
    verify_consistency(old, new, old_root, new_root, proof)
    assert len(proof) == consistency_proof_length(old, new)
    # Consistency proofs can be one longer than ceil(log2 n): PROOF(3, D[4]) has 3 hashes.
    assert len(proof) <= math.ceil(math.log2(new)) + 1


def test_consistency_proof_lengths_are_bounded_by_ceil_log2_plus_one_and_reach_it() -> None:
    worst: dict[int, int] = {}
    for new in range(2, 130):
        for old in range(1, new):
            length = len(rfc_subproof(old, leaves()[:new], True))
            assert consistency_proof_length(old, new) == length
            worst[new] = max(worst.get(new, 0), length)
    assert all(worst[n] <= math.ceil(math.log2(n)) + 1 for n in worst)
    assert worst[4] == 3 and worst[128] == 8


@PROPERTY
@given(two_sizes(small_sizes))
def test_consistency_proofs_equal_the_rfc_proof(case: tuple[int, int]) -> None:
    old, new = case
    assert consistency_proof(old, new, leaves()) == rfc_subproof(old, leaves()[:new], True)


@PROPERTY
@given(two_sizes(), st.data())
def test_any_single_bit_flip_breaks_a_consistency_proof(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old, new = case
    proof = consistency_proof(old, new, leaves())
    old_root, new_root = (
        root_from_leaf_hashes(leaves()[:old]),
        root_from_leaf_hashes(leaves()[:new]),
    )
    bit = data.draw(st.integers(min_value=0, max_value=255))
    assert _rejects(verify_consistency, old, new, _flip(old_root, bit), new_root, proof)
    assert _rejects(verify_consistency, old, new, old_root, _flip(new_root, bit), proof)
    which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    tampered = [*proof[:which], _flip(proof[which], bit), *proof[which + 1 :]]
    assert _rejects(verify_consistency, old, new, old_root, new_root, tampered)


@PROPERTY
@given(two_sizes(), st.data())
def test_a_consistency_proof_fails_for_other_sizes_unless_it_is_their_proof(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old, new = case
    proof = consistency_proof(old, new, leaves())
    other_new = data.draw(st.integers(min_value=old, max_value=MAX_SIZE).filter(lambda n: n != new))
    old_root = root_from_leaf_hashes(leaves()[:old])
    other_root = root_from_leaf_hashes(leaves()[:other_new])
    accepted = not _rejects(verify_consistency, old, other_new, old_root, other_root, proof)
    assert accepted == (proof == consistency_proof(old, other_new, leaves()))
    other_old = data.draw(st.integers(min_value=1, max_value=new).filter(lambda m: m != old))
    other_old_root = root_from_leaf_hashes(leaves()[:other_old])
    new_root = root_from_leaf_hashes(leaves()[:new])
    accepted = not _rejects(verify_consistency, other_old, new, other_old_root, new_root, proof)
    assert accepted == (proof == consistency_proof(other_old, new, leaves()))


@PROPERTY
@given(two_sizes(), st.data())
def test_truncated_extended_or_swapped_consistency_proofs_fail(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old, new = case
    proof = consistency_proof(old, new, leaves())
    old_root, new_root = (
        root_from_leaf_hashes(leaves()[:old]),
        root_from_leaf_hashes(leaves()[:new]),
    )
    extra = data.draw(st.sampled_from([old_root, new_root, leaves()[0], EMPTY_ROOT]))
    assert _rejects(verify_consistency, old, new, old_root, new_root, [*proof, extra])
    assert _rejects(verify_consistency, old, new, old_root, new_root, [extra, *proof])
    assert _rejects(verify_consistency, old, new, old_root, new_root, proof[:-1])
    assert _rejects(verify_consistency, old, new, old_root, new_root, proof[1:])
    assert _rejects(verify_consistency, old, new, new_root, old_root, proof)
    assert _rejects(verify_consistency, new, old, new_root, old_root, proof)


def test_consistency_from_the_empty_tree_needs_an_explicit_opt_in() -> None:
    root = root_from_leaf_hashes(leaves()[:5])
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 5, EMPTY_ROOT, root, [])
    verify_consistency(0, 5, EMPTY_ROOT, root, [], allow_empty_first=True)
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [], allow_empty_first=True)
    with pytest.raises(ProofError, match="must be empty"):
        verify_consistency(0, 5, EMPTY_ROOT, root, [root], allow_empty_first=True)
    with pytest.raises(ProofError, match="empty-tree root"):
        verify_consistency(0, 5, root, root, [], allow_empty_first=True)
    with pytest.raises(ProofError, match="empty-tree root"):
        verify_consistency(0, 0, EMPTY_ROOT, root, [], allow_empty_first=True)
    assert consistency_proof(0, 5, leaves()) == []
