"""Proofs over a large stored tree, sharing subtree hashes between proofs.

``merkle.inclusion_proof`` hashes each sibling subtree from its leaves — right for one proof, but
a case with 40 entries in a log of a million would rehash the big left subtrees 40 times. Here
subtree hashes of 256 leaves or more are memoised, so a whole bundle costs about one pass over
the leaves plus a few hashes per proof.
"""

from __future__ import annotations

from collections.abc import Sequence

from dueprocess.tlog import merkle

_MEMO_MIN_WIDTH = 256


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class ProofTree:
    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self.leaves = leaf_hashes
        self._memo: dict[tuple[int, int], bytes] = {}

    @property
    def size(self) -> int:
        """The number of leaves the proofs may reach."""
        return len(self.leaves)

    def subtree(self, start: int, end: int) -> bytes:
        width = end - start
        if width < _MEMO_MIN_WIDTH:
            return merkle.subtree_hash(self.leaves, start, end)
        key = (start, end)
        found = self._memo.get(key)
        if found is None:
            middle = start + _split(width)
            found = merkle.node_hash(self.subtree(start, middle), self.subtree(middle, end))
            self._memo[key] = found
        return found

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]), leaf sibling first (RFC 9162 §2.1.3.1)."""
        if not 0 <= index < size <= self.size:
            raise merkle.ProofError(f"no leaf {index} in a tree of size {size}")
        low, high, path = 0, size, []
        while high - low > 1:
            middle = low + _split(high - low)
            if index < middle:
                path.append(self.subtree(middle, high))
                high = middle
            else:
                path.append(self.subtree(low, middle))
                low = middle
        path.reverse()
        return path

    def consistency(self, old: int, new: int) -> list[bytes]:
        """PROOF(old, D[new]) (RFC 9162 §2.1.4.1); empty for old = 0 or old = new."""
        if not 0 <= old <= new <= self.size:
            raise merkle.ProofError(f"no consistency proof from {old} to {new}")
        if old in (0, new):
            return []
        return self._subproof(old, 0, new, True)

    def _subproof(self, m: int, low: int, high: int, complete: bool) -> list[bytes]:
        n = high - low
        if m == n:
            return [] if complete else [self.subtree(low, high)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, low, low + k, complete), self.subtree(low + k, high)]
        return [*self._subproof(m - k, low + k, high, False), self.subtree(low, low + k)]
