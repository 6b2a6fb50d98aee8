"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and compact ranges (SHA-256 instance).

Everything here is pure and works on *leaf hashes* (32-byte ``bytes``), never on entries, so the
same code serves the log writer (building proofs from stored hashes), the integrator (extending a
stored compact range) and independent verifiers (checking proofs against a signed root).

Proof verification follows the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 literally, with the
length of every proof checked up front: a verifier that tolerates extra or missing hashes is the
classic way such code goes wrong, and an exact length also gives the caller a useful message.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "ProofError",
    "consistency_proof",
    "consistency_proof_length",
    "inclusion_proof",
    "inclusion_proof_length",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256

#: MTH({}) — the hash of the empty string, the root of a tree with no leaves.
EMPTY_ROOT: bytes = _sha256(b"").digest()


class ProofError(ValueError):
    """A hash, proof or tree size that does not prove what was claimed."""


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray):
        raise ProofError(f"{what} must be bytes, got {type(value).__name__}")
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_hashes(values: Sequence[bytes], what: str) -> None:
    """Check every element of a (short) proof, type and length."""
    for position, value in enumerate(values):
        _check_hash(value, f"{what}[{position}]")


def _check_lengths(values: Sequence[bytes], what: str) -> None:
    """Bulk length check for leaf hashes: map(len) runs in C, so a million cost ~10 ms.

    Only on failure do we walk the list in Python to name the culprit.
    """
    if values and set(map(len, values)) != {HASH_SIZE}:
        _check_hashes(values, what)


def _check_size(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProofError(f"{what} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ProofError(f"{what} must not be negative, got {value}")


def leaf_hash(entry: bytes) -> bytes:
    """MTH({entry}) = SHA-256(0x00 || entry): the hash a log stores for one entry."""
    return _sha256(_LEAF_PREFIX + bytes(entry)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right); the 0x01 prefix keeps nodes and leaves apart."""
    _check_hash(left, "left child hash")
    _check_hash(right, "right child hash")
    return _sha256(_NODE_PREFIX + left + right).digest()


def _split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1): where MTH splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def _mth(level: Sequence[bytes]) -> bytes:
    """MTH over already-validated leaf hashes, computed level by level.

    Pairing neighbours and carrying an odd last node up unchanged builds exactly the RFC 6962
    tree (left subtrees are always perfect), without recursion and with one list comprehension
    per level — the cheapest way to drive hashlib from Python.
    """
    n = len(level)
    if n == 0:
        return EMPTY_ROOT
    sha256 = _sha256
    while n > 1:
        pairs = iter(level)
        upper = [
            sha256(b"\x01" + left + right).digest()
            for left, right in zip(pairs, pairs, strict=False)  # an odd last node is carried up
        ]
        if n & 1:
            upper.append(level[-1])
        level = upper
        n = len(level)
    return bytes(level[0])


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """The RFC 6962 root hash of a tree with the given leaf hashes (EMPTY_ROOT for none)."""
    _check_lengths(hashes, "leaf hash")
    return _mth(hashes)


def subtree_hash(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) over ``leaf_hashes`` (which must support slicing)."""
    _check_size(start, "start")
    _check_size(end, "end")
    if not start <= end <= len(leaf_hashes):
        raise ProofError(f"range [{start}, {end}) is outside the {len(leaf_hashes)} leaf hashes")
    part = leaf_hashes[start:end]
    _check_lengths(part, f"leaf hash (from {start})")
    return _mth(part)


def inclusion_proof_length(index: int, size: int) -> int:
    """Exact number of hashes in PATH(index, D[size]); never more than ceil(log2(size)).

    ``inner`` counts the levels below the point where the paths to ``index`` and ``size - 1``
    part; above it the path runs along the right border and needs one left sibling per set bit.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not inside a tree of size {size}")
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(size1: int, size2: int) -> int:
    """Exact number of hashes in PROOF(size1, D[size2]) for 0 < size1 < size2.

    At most ceil(log2(size2)) + 1 (e.g. PROOF(3, D[4]) has three hashes).
    """
    if not 0 < size1 < size2:
        raise ProofError(f"no consistency proof hashes exist for sizes {size1} -> {size2}")
    fork = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> fork).bit_count()
    shift = (size1 & -size1).bit_length() - 1
    seed = 0 if size1 == 1 << shift else 1
    return seed + (fork - shift) + border


def inclusion_proof(index: int, size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf sibling first, root child last.

    Walks from the root down, hashing each sibling subtree once: the siblings are disjoint, so
    the whole proof costs at most ``size`` hash computations and no recursion.
    """
    _check_size(index, "index")
    _check_size(size, "size")
    if size > len(leaf_hashes):
        raise ProofError(f"tree size {size} exceeds the {len(leaf_hashes)} leaf hashes given")
    if index >= size:
        raise ProofError(f"leaf index {index} is not inside a tree of size {size}")
    low, high = 0, size
    path: list[bytes] = []
    while high - low > 1:
        middle = low + _split_point(high - low)
        if index < middle:
            path.append(subtree_hash(leaf_hashes, middle, high))
            high = middle
        else:
            path.append(subtree_hash(leaf_hashes, low, middle))
            low = middle
    path.reverse()
    return path


def consistency_proof(size1: int, size2: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1), computed iteratively.

    Returns an empty list when ``size1`` is 0 or equal to ``size2``: no hashes are needed then,
    which is also what the tlog-witness protocol sends for an old size of 0.
    """
    _check_size(size1, "size1")
    _check_size(size2, "size2")
    if size1 > size2:
        raise ProofError(f"size1 {size1} is larger than size2 {size2}")
    if size2 > len(leaf_hashes):
        raise ProofError(f"tree size {size2} exceeds the {len(leaf_hashes)} leaf hashes given")
    if size1 == 0 or size1 == size2:
        return []
    low, high = 0, size2
    whole_old_tree = True  # the "b" flag of SUBPROOF: are we still on the old tree's border?
    collected: list[bytes] = []
    while True:
        if size1 - low == high - low:
            if not whole_old_tree:
                collected.append(subtree_hash(leaf_hashes, low, high))
            break
        middle = low + _split_point(high - low)
        if size1 <= middle:
            collected.append(subtree_hash(leaf_hashes, middle, high))
            high = middle
        else:
            collected.append(subtree_hash(leaf_hashes, low, middle))
            low = middle
            whole_old_tree = False
    # SUBPROOF emits the deepest node first and the root's child last.
    collected.reverse()
    return collected


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 §2.1.3.2), or ProofError."""
    _check_size(index, "index")
    _check_size(size, "size")
    if index >= size:
        raise ProofError(f"leaf index {index} is not inside a tree of size {size}")
    _check_hash(leaf_hash, "leaf hash")
    _check_hashes(proof, "inclusion proof")
    expected = inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise ProofError(
            f"inclusion proof has {len(proof)} hashes; leaf {index} of a tree of size {size} "
            f"needs exactly {expected}"
        )
    sha256 = _sha256
    fn, sn, result = index, size - 1, bytes(leaf_hash)
    for sibling in proof:
        if sn == 0:  # unreachable after the length check; kept as the RFC's own guard
            raise ProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            result = sha256(b"\x01" + sibling + result).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            result = sha256(b"\x01" + result + sibling).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the path to the root")
    return result


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with ``root``.

    Returns None on success and raises ProofError otherwise, so that a forgotten check of a
    boolean result cannot silently accept a bad proof.
    """
    _check_hash(root, "root hash")
    computed = root_from_inclusion_proof(index, size, leaf_hash, proof)
    if not hmac.compare_digest(computed, root):
        raise ProofError(
            f"inclusion proof for leaf {index} leads to root {computed.hex()}, "
            f"not the expected {bytes(root).hex()}"
        )


def verify_consistency(
    size1: int,
    size2: int,
    root1: bytes,
    root2: bytes,
    proof: Sequence[bytes],
    *,
    allow_empty_first: bool = False,
) -> None:
    """Check that the tree (size2, root2) extends the tree (size1, root1) (RFC 9162 §2.1.4.2).

    ``size1 == 0`` is refused by default: a proof from the empty tree proves nothing, and
    transparency-dev/merkle (whose vectors we run) rejects it. tlog-witness, by contrast,
    accepts an old size of 0 with an empty proof; pass ``allow_empty_first=True`` for that, and
    the proof must then be empty and ``root1`` must be the empty-tree root.
    """
    _check_size(size1, "size1")
    _check_size(size2, "size2")
    _check_hash(root1, "first root hash")
    _check_hash(root2, "second root hash")
    _check_hashes(proof, "consistency proof")
    if size1 > size2:
        raise ProofError(f"tree shrank: size1 {size1} is larger than size2 {size2}")
    if size1 == 0:
        if not allow_empty_first:
            raise ProofError("a consistency proof from the empty tree (size1 = 0) proves nothing")
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        if not hmac.compare_digest(root1, EMPTY_ROOT):
            raise ProofError("a tree of size 0 must have the empty-tree root")
        if size2 == 0 and not hmac.compare_digest(root2, EMPTY_ROOT):
            raise ProofError("a tree of size 0 must have the empty-tree root")
        return
    if size1 == size2:
        if proof:
            raise ProofError(f"sizes are equal ({size1}) but the proof is not empty")
        if not hmac.compare_digest(root1, root2):
            raise ProofError(f"two different roots for the same tree size {size1}")
        return
    expected = consistency_proof_length(size1, size2)
    if len(proof) != expected:
        raise ProofError(
            f"consistency proof has {len(proof)} hashes; {size1} -> {size2} needs exactly "
            f"{expected}"
        )
    sha256 = _sha256
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # the old tree is perfect: its root is the starting node
        path.insert(0, bytes(root1))
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:  # unreachable after the length check; kept as the RFC's own guard
            raise ProofError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            first = sha256(b"\x01" + node + first).digest()
            second = sha256(b"\x01" + node + second).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            second = sha256(b"\x01" + second + node).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is shorter than the path to the root")
    if not hmac.compare_digest(first, root1):
        raise ProofError(f"consistency proof does not lead to the root of the size-{size1} tree")
    if not hmac.compare_digest(second, root2):
        raise ProofError(f"consistency proof does not lead to the root of the size-{size2} tree")


class CompactRange:
    """The roots of the perfect subtrees that make up [0, size): enough to keep appending.

    A log stores this beside each checkpoint (``to_bytes``) so the next checkpoint needs only
    the new leaf hashes, not a rehash of the whole log: ``from_bytes(stored).extend(new)``.
    ``hashes`` holds one root per set bit of ``size``, largest subtree first.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        _check_size(size, "size")
        stored = [bytes(h) for h in hashes]
        _check_hashes(stored, "compact range hash")
        if len(stored) != size.bit_count():
            raise ValueError(
                f"a compact range of size {size} holds {size.bit_count()} hashes, got {len(stored)}"
            )
        self._size = size
        self._hashes = stored

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Sequence[bytes]) -> CompactRange:
        compact = cls()
        compact.extend(leaf_hashes)
        return compact

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def copy(self) -> CompactRange:
        return CompactRange(self._size, self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        _check_hash(leaf_hash, "leaf hash")
        self._push(bytes(leaf_hash), 1)

    def _push(self, subtree_root: bytes, width: int) -> None:
        # ``width`` is a power of two that divides the current size, so the new subtree sits at
        # a valid position; equal-sized neighbours merge like carries in binary addition.
        size, carry, stored = self._size, width, self._hashes
        while size & carry:
            subtree_root = _sha256(b"\x01" + stored.pop() + subtree_root).digest()
            carry <<= 1
        stored.append(subtree_root)
        self._size = size + width

    def extend(self, leaf_hashes: Sequence[bytes]) -> None:
        """Append many leaf hashes, hashing whole perfect subtrees level by level."""
        _check_lengths(leaf_hashes, "leaf hash")
        position, total = 0, len(leaf_hashes)
        while position < total:
            width = 1 << ((total - position).bit_length() - 1)
            if self._size:
                width = min(width, self._size & -self._size)
            self._push(_mth(leaf_hashes[position : position + width]), width)
            position += width

    def root(self) -> bytes:
        """MTH of the first ``size`` leaves: fold the subtree roots from the right."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            result = _sha256(b"\x01" + left + result).digest()
        return result

    def to_bytes(self) -> bytes:
        """``u64 big-endian size || hashes``; the length is implied by the size's bit count."""
        return self._size.to_bytes(8, "big") + b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, data: bytes) -> CompactRange:
        if len(data) < 8:
            raise ValueError("compact range encoding is shorter than its 8-byte size")
        size = int.from_bytes(data[:8], "big")
        body = data[8:]
        if len(body) != HASH_SIZE * size.bit_count():
            raise ValueError(
                f"compact range of size {size} needs {size.bit_count()} hashes "
                f"({HASH_SIZE * size.bit_count()} bytes), got {len(body)} bytes"
            )
        return cls(size, [body[i : i + HASH_SIZE] for i in range(0, len(body), HASH_SIZE)])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    def __hash__(self) -> int:
        return hash((self._size, tuple(self._hashes)))

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}…)"
