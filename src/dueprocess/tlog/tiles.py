"""C2SP tlog-tiles: tile paths, entry bundles, and proofs read from tiles.

A tile at level ``L``, index ``N`` holds up to 256 consecutive hashes, each the RFC 6962 root
of 256**L leaves: hash ``i`` is MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L]). A
full tile is 256 hashes (8,192 bytes); the right edge of every level is a *partial* tile of
``floor(size / 256**L) mod 256`` hashes, served at ``tile/<L>/<N>.p/<W>``. ``N`` is written in
zero-padded groups of three digits, all but the last prefixed with ``x`` (1234067 is
``x001/x234/067``). Entry bundles (``tile/entries/<N>[.p/<W>]``) hold the entries of the
level-0 tile with the same coordinates, each as a big-endian uint16 length and its bytes.

``TileTree`` answers inclusion and consistency proofs for a tree of a given size and root from
tiles fetched through a callback, and checks every tile it uses before using it: the partial
tiles of the right edge must hash to the signed root, and every full tile to its hash in the
tile above. A proof therefore costs a few tiles per level — O(log n) reads, not n leaf hashes —
and a server that serves a wrong tile is caught rather than believed.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable

from . import merkle
from .prooftree import ProofTree

__all__ = [
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileError",
    "TileTree",
    "decode_bundle",
    "encode_bundle",
    "encode_index",
    "entries_path",
    "parse_tile_path",
    "tile_path",
    "tile_width",
    "tiles_for_size",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
_HASH = merkle.HASH_SIZE
_DECIMAL = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_GROUP = re.compile(r"[0-9]{3}", re.ASCII)

#: ``fetch(level, index, width)`` returns the bytes of that tile (``width`` hashes). Level
#: ``-1`` is never asked for; entry bundles are fetched separately.
Fetch = Callable[[int, int, int], bytes]


class TileError(ValueError):
    """A malformed tile path or bundle, or a tile that does not match the signed tree."""


def encode_index(index: int) -> str:
    """``N`` as path elements: 1234067 -> ``x001/x234/067``, 5 -> ``005``."""
    if index < 0:
        raise TileError(f"a tile index cannot be negative ({index})")
    digits = str(index)
    digits = digits.zfill(-(-len(digits) // 3) * 3)
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` (no leading slash)."""
    _check_coordinates(level, index, width)
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{level}/{encode_index(index)}{suffix}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]`` (no leading slash)."""
    _check_coordinates(0, index, width)
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/entries/{encode_index(index)}{suffix}"


def _check_coordinates(level: int, index: int, width: int) -> None:
    if not 0 <= level <= MAX_LEVEL:
        raise TileError(f"tile level {level} is not in 0..{MAX_LEVEL}")
    if index < 0:
        raise TileError(f"a tile index cannot be negative ({index})")
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"tile width {width} is not in 1..{TILE_WIDTH}")


def parse_tile_path(path: str) -> tuple[int | None, int, int]:
    """Parse what follows ``tile/``: ``<L>/<N>[.p/<W>]`` or ``entries/<N>[.p/<W>]``.

    Returns ``(level, index, width)`` with ``level`` None for an entry bundle. Strict, as the
    spec is: no leading zeros in ``L`` or ``W``, every group three digits, ``x`` on all but the
    last, a partial width of 1..255 — so that each tile has exactly one name.
    """
    parts = path.split("/")
    if len(parts) < 2:
        raise TileError(f"not a tile path: {path!r}")
    head, rest = parts[0], parts[1:]
    if head == "entries":
        level: int | None = None
    elif _DECIMAL.fullmatch(head) and int(head) <= MAX_LEVEL:
        level = int(head)
    else:
        raise TileError(f"tile level {head!r} is not a number in 0..{MAX_LEVEL}")
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        text = rest[-1]
        if not _DECIMAL.fullmatch(text) or not 1 <= int(text) < TILE_WIDTH:
            raise TileError(f"partial width {text!r} is not a number in 1..{TILE_WIDTH - 1}")
        width = int(text)
        rest = [*rest[:-2], rest[-2][: -len(".p")]]
    *upper, last = rest
    if not all(g.startswith("x") and _GROUP.fullmatch(g[1:]) for g in upper):
        raise TileError(f"tile index in {path!r} is not x-prefixed groups of three digits")
    if not _GROUP.fullmatch(last):
        raise TileError(f"tile index in {path!r} does not end in a group of three digits")
    digits = "".join(g[1:] for g in upper) + last
    index = int(digits)
    if encode_index(index) != "/".join(rest):  # e.g. a needless leading x000 group
        raise TileError(f"tile index in {path!r} is not in its canonical form")
    return level, index, width


def tile_width(size: int, level: int, index: int) -> int:
    """How many hashes tile ``(level, index)`` holds in a tree of ``size`` (0: none yet)."""
    hashes = size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, hashes - index * TILE_WIDTH))


def tiles_for_size(size: int) -> list[tuple[int, int, int]]:
    """Every tile ``(level, index, width)`` of a tree of ``size``, lowest level first."""
    found: list[tuple[int, int, int]] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        hashes = size >> (TILE_HEIGHT * level)
        found += [(level, i, TILE_WIDTH) for i in range(hashes // TILE_WIDTH)]
        if hashes % TILE_WIDTH:
            found.append((level, hashes // TILE_WIDTH, hashes % TILE_WIDTH))
        level += 1
    return found


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """Entries as big-endian uint16 length + bytes, concatenated."""
    parts: list[bytes] = []
    for position, entry in enumerate(entries):
        if not 0 < len(entry) < 1 << 16:
            raise TileError(f"entry {position} of the bundle is {len(entry)} bytes (1..65535)")
        parts += [len(entry).to_bytes(2, "big"), bytes(entry)]
    return b"".join(parts)


def decode_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries of a bundle; ``width``, if given, is how many it must hold."""
    entries: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise TileError(f"bundle ends inside the length of entry {len(entries)}")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if length == 0 or offset + length > len(data):
            raise TileError(f"entry {len(entries)} of the bundle is truncated or empty")
        entries.append(bytes(data[offset : offset + length]))
        offset += length
    if width is not None and len(entries) != width:
        raise TileError(f"bundle holds {len(entries)} entries, expected {width}")
    return entries


def split_hashes(data: bytes, width: int) -> list[bytes]:
    if len(data) != width * _HASH:
        raise TileError(f"tile is {len(data)} bytes, expected {width} hashes ({width * _HASH})")
    return [bytes(data[i : i + _HASH]) for i in range(0, len(data), _HASH)]


class TileTree(ProofTree):
    """Proofs for the tree ``(size, root)`` computed from tiles fetched with ``fetch``.

    Construction fetches the partial tiles of the right edge (at most one per level) and checks
    that they hash to ``root``; a full tile is checked against its hash in the tile above (itself
    checked the same way) the first time it is used. ``fetches`` counts tile reads; each tile is
    read once. Raises ``TileError`` when a tile is missing, malformed or does not match.
    """

    def __init__(self, size: int, root: bytes, fetch: Fetch) -> None:
        super().__init__(())
        if size < 0:
            raise TileError(f"tree size cannot be negative ({size})")
        self._size = size
        self._fetch = fetch
        self._tiles: dict[tuple[int, int], list[bytes]] = {}
        self.fetches = 0
        edge = [
            (level, index, width)
            for level, index, width in tiles_for_size(size)
            if width < TILE_WIDTH
        ]
        for level, index, width in edge:
            self._tiles[(level, index)] = self._read(level, index, width)
        computed = self._edge_root()
        if not hmac.compare_digest(computed, root):
            raise TileError(
                f"the tiles of the right edge give root {computed.hex()}, not the signed "
                f"{bytes(root).hex()} of the tree of size {size}"
            )

    @property
    def size(self) -> int:
        return self._size

    def _read(self, level: int, index: int, width: int) -> list[bytes]:
        self.fetches += 1
        data = self._fetch(level, index, width)  # the caller's own errors (network...) pass
        try:
            return split_hashes(data, width)
        except TileError as error:
            raise TileError(f"{tile_path(level, index, width)}: {error}") from error

    def _edge_root(self) -> bytes:
        if self._size == 0:
            return merkle.EMPTY_ROOT
        return self._range(0, self._size)

    def tile(self, level: int, index: int) -> list[bytes]:
        """The checked hashes of tile ``(level, index)`` of this tree."""
        found = self._tiles.get((level, index))
        if found is not None:
            return found
        width = tile_width(self._size, level, index)
        if width == 0:
            raise TileError(f"tile {level}/{index} is beyond the tree of size {self._size}")
        if width < TILE_WIDTH:  # edge tiles are all read at construction
            raise TileError(f"tile {level}/{index} should have been read with the edge")
        hashes = self._read(level, index, width)
        expected = self.node(TILE_HEIGHT * (level + 1), index)
        computed = merkle.root_from_leaf_hashes(hashes)
        if not hmac.compare_digest(computed, expected):
            raise TileError(
                f"{tile_path(level, index)} hashes to {computed.hex()}, not to "
                f"{expected.hex()} as the tile above it says"
            )
        self._tiles[(level, index)] = hashes
        return hashes

    def node(self, height: int, index: int) -> bytes:
        """The root of the perfect subtree of 2**height leaves starting at index * 2**height."""
        if (index + 1) << height > self._size:
            raise TileError(f"node {height}/{index} is not complete in a tree of {self._size}")
        level, rest = divmod(height, TILE_HEIGHT)
        first = index << rest
        tile_index, position = divmod(first, TILE_WIDTH)
        if (level, tile_index) in self._tiles:
            hashes = self._tiles[(level, tile_index)]
        else:
            hashes = self.tile(level, tile_index)
        return merkle.root_from_leaf_hashes(hashes[position : position + (1 << rest)])

    def _range(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range of the RFC 6962 tree: a perfect left part, recursively."""
        width = end - start
        if width & (width - 1) == 0:
            height = width.bit_length() - 1
            if start % width:
                raise TileError(f"range [{start}, {end}) is not a subtree of the tree")
            return self.node(height, start >> height)
        split = 1 << ((width - 1).bit_length() - 1)
        return merkle.node_hash(self._range(start, start + split), self._range(start + split, end))

    def subtree(self, start: int, end: int) -> bytes:
        if not 0 <= start < end <= self._size:
            raise TileError(f"range [{start}, {end}) is outside the tree of size {self._size}")
        return self._range(start, end)

    def leaf(self, index: int) -> bytes:
        """The checked leaf hash at ``index``."""
        return self.node(0, index)
