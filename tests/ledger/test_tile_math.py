"""tlog-tiles without a database: paths, bundles, and proofs read from tiles.

Tiles here are built independently of ``dueprocess.tlog.tiles``: each hash straight from the
spec's definition, MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l]), with
``merkle.subtree_hash`` over the leaf hashes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess.tlog import merkle
from dueprocess.tlog.tiles import (
    TileError,
    TileTree,
    decode_bundle,
    encode_bundle,
    encode_index,
    entries_path,
    parse_tile_path,
    tile_path,
    tiles_for_size,
)

#: ``shared/vectors`` beside the project checkout (the nearest one up the tree).
VECTORS = next(
    (p / "shared" / "vectors" for p in Path(__file__).resolve().parents if (p / "shared").is_dir()),
    Path("shared/vectors"),
)


def leaves_of(count: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(count)]


class Tiles:
    """A tile server over a list of leaf hashes, counting what it serves."""

    def __init__(self, leaves: list[bytes], size: int | None = None) -> None:
        self.leaves = leaves
        self.size = len(leaves) if size is None else size
        self.served: list[tuple[int, int, int]] = []
        self.tampered: dict[tuple[int, int], bytes] = {}

    def fetch(self, level: int, index: int, width: int) -> bytes:
        self.served.append((level, index, width))
        if (level, index) in self.tampered:
            return self.tampered[(level, index)][: width * 32]
        span = 256**level
        if (index * 256 + width) * span > self.size:
            raise TileError("404")
        return b"".join(
            merkle.subtree_hash(self.leaves, (index * 256 + i) * span, (index * 256 + i + 1) * span)
            for i in range(width)
        )


def test_index_encoding_follows_the_spec_example():
    assert encode_index(1234067) == "x001/x234/067"
    assert encode_index(0) == "000" and encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(2, 5, 17) == "tile/2/005.p/17"
    assert entries_path(1234067, 8) == "tile/entries/x001/x234/067.p/8"
    assert parse_tile_path("0/x001/x234/067") == (0, 1234067, 256)
    assert parse_tile_path("entries/x001/x234/067.p/8") == (None, 1234067, 8)
    assert parse_tile_path("63/000.p/255") == (63, 0, 255)


@pytest.mark.parametrize(
    "path",
    ["00/000", "64/000", "0/0", "0/1234", "0/x000/001", "0/x1/000", "0/001/x002", "0/000.p/0",
     "0/000.p/256", "0/000.p/08", "0/000.p/", "entries", "foo/000", "-1/000", "0/abc"],
)  # fmt: skip
def test_every_tile_has_exactly_one_name(path):
    with pytest.raises(TileError):
        parse_tile_path(path)


@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=1, max_value=256))
def test_paths_round_trip(index, width):
    level, parsed, parsed_width = parse_tile_path(tile_path(5, index, width)[len("tile/") :])
    assert (level, parsed, parsed_width) == (5, index, width)


def test_the_tiles_of_a_tree_are_those_the_spec_lists():
    tiles = tiles_for_size(70_000)
    assert len([t for t in tiles if t[0] == 0 and t[2] == 256]) == 273
    assert [t for t in tiles if t[2] < 256 or t[0] > 0] == [
        (0, 273, 112),
        (1, 0, 256),
        (1, 1, 17),
        (2, 0, 1),
    ]
    assert tiles_for_size(256) == [(0, 0, 256), (1, 0, 1)]
    assert tiles_for_size(0) == []


def test_bundles_round_trip_and_refuse_truncation():
    entries = [b"a", b"\x00" * 300, bytes(range(256)) * 4]
    data = encode_bundle(entries)
    assert data[:3] == b"\x00\x01a" and decode_bundle(data, 3) == entries
    with pytest.raises(TileError, match="expected 2"):
        decode_bundle(data, 2)
    with pytest.raises(TileError, match="truncated"):
        decode_bundle(data[:-1])
    with pytest.raises(TileError, match="inside the length"):
        decode_bundle(data + b"\x00")
    with pytest.raises(TileError, match="65535"):
        encode_bundle([b"x" * 65536])


def test_the_reference_tree_roots_come_out_of_a_single_partial_tile():
    data = json.loads((VECTORS / "transparency-dev-merkle" / "reference_tree.json").read_text())
    leaves = [merkle.leaf_hash(bytes.fromhex(h)) for h in data["leaf_inputs_hex"]]
    for size in range(1, len(leaves) + 1):
        server = Tiles(leaves[:size])
        tree = TileTree(size, bytes.fromhex(data["root_by_size_hex"][size]), server.fetch)
        assert server.served == [(0, 0, size)] and tree.subtree(0, size) == bytes.fromhex(
            data["root_by_size_hex"][size]
        )


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=2000), st.data())
def test_proofs_from_tiles_equal_the_reference_proofs(size, data):
    leaves = leaves_of(size)
    tree = TileTree(size, merkle.root_from_leaf_hashes(leaves), Tiles(leaves).fetch)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=1, max_value=size))
    assert tree.inclusion(index, size) == merkle.inclusion_proof(index, size, leaves)
    assert tree.consistency(old, size) == merkle.consistency_proof(old, size, leaves)


LARGE = leaves_of(70_010)


def test_proofs_over_three_levels_of_tiles():
    for size in (65_535, 65_536, 65_537, 70_000):
        tree = TileTree(size, merkle.root_from_leaf_hashes(LARGE[:size]), Tiles(LARGE).fetch)
        for old in (1, 255, 256, 65_535, size - 1):
            assert tree.consistency(old, size) == merkle.consistency_proof(old, size, LARGE)
        for index in (0, 300, 65_534, size - 1):
            assert tree.inclusion(index, size) == merkle.inclusion_proof(index, size, LARGE)


def test_a_wrong_root_or_a_wrong_tile_is_caught():
    size = 1000
    leaves = LARGE[:size]
    root = merkle.root_from_leaf_hashes(leaves)
    with pytest.raises(TileError, match="right edge"):
        TileTree(size, hashlib.sha256(b"other").digest(), Tiles(leaves).fetch)
    server = Tiles(leaves)
    forged = bytearray(server.fetch(0, 1, 256))
    forged[5 * 32] ^= 1
    server.tampered[(0, 1)] = bytes(forged)
    tree = TileTree(size, root, server.fetch)  # the edge is sound; tile 1 is full
    with pytest.raises(TileError, match="as the tile above it says"):
        tree.inclusion(256 + 5, size)
    short = Tiles(leaves)
    short.tampered[(0, 3)] = b"\x00" * 31
    with pytest.raises(TileError, match="expected 232 hashes"):
        TileTree(size, root, short.fetch)


def _reads_for_consistency(old: int, new: int) -> int:
    server = Tiles(LARGE, new)
    tree = TileTree(new, merkle.root_from_leaf_hashes(LARGE[:new]), server.fetch)
    proof = tree.consistency(old, new)
    merkle.verify_consistency(
        old, new, merkle.root_from_leaf_hashes(LARGE[:old]), tree.subtree(0, new), proof
    )
    assert len(server.served) == len(set(server.served))  # every tile read once
    return tree.fetches


def test_a_consistency_check_reads_a_few_tiles_per_level_whatever_the_size():
    small = _reads_for_consistency(300, 310)
    large = _reads_for_consistency(70_000, 70_010)
    # 300 leaves are two levels of tiles, 70,000 three: a constant few per level, never n/256
    assert small <= 4 and large <= 6, (small, large)
    assert large - small <= 3
    assert _reads_for_consistency(1, 70_010) <= 6


def test_an_inclusion_proof_reads_a_constant_number_of_tiles():
    counts = []
    for size in (70_000, 70_010):
        for index in (0, 12_345, 69_999):
            server = Tiles(LARGE, size)
            tree = TileTree(size, merkle.root_from_leaf_hashes(LARGE[:size]), server.fetch)
            tree.inclusion(index, size)
            counts.append(tree.fetches)
    assert max(counts) <= 5, counts
