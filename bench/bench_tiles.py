"""Proofs from tlog-tiles: tile reads per proof against log size, in one run.

For each log size the tiles are built once (as a tile server would hold them), then proofs are
taken the way a fresh client takes them — a new ``TileTree`` per proof, nothing cached — and
checked against the signed root:

1. inclusion: tiles read per proof (mean and max), bytes read, and time per proof, each as a
   ratio against the smallest size — the target is a constant number of reads;
2. consistency (the monitor's check): tiles read between two checkpoints 100 entries apart;
3. the same proof from the leaf hashes (``merkle.inclusion_proof``), which reads every leaf;
4. with ``--server-entries N``, the server's side on a scratch SQLite database of N entries:
   computing every full tile once (what ``tick`` keeps), then serving tiles, each against the
   baseline of reading 256 stored leaf hashes in the same run.

Usage: python bench/bench_tiles.py [--sizes 1000,100000,1000000] [--proofs 200]
       [--server-entries 1000000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from dueprocess.tlog import merkle  # noqa: E402
from dueprocess.tlog.tiles import TILE_WIDTH, TileTree, tiles_for_size  # noqa: E402


def build_tiles(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every tile of the tree, at full width (a partial tile is a prefix of it)."""
    tiles: dict[tuple[int, int], bytes] = {}
    level, hashes = 0, leaves
    while hashes:
        for index in range(0, len(hashes), TILE_WIDTH):
            tiles[(level, index // TILE_WIDTH)] = b"".join(hashes[index : index + TILE_WIDTH])
        hashes = [
            merkle.root_from_leaf_hashes(hashes[i : i + TILE_WIDTH])
            for i in range(0, len(hashes) - TILE_WIDTH + 1, TILE_WIDTH)
        ]
        level += 1
    return tiles


class Server:
    def __init__(self, tiles: dict[tuple[int, int], bytes]) -> None:
        self.tiles = tiles
        self.bytes = 0

    def fetch(self, level: int, index: int, width: int) -> bytes:
        data = self.tiles[(level, index)][: width * 32]
        self.bytes += len(data)
        return data


def measure(size: int, proofs: int, rng: random.Random) -> dict[str, float]:
    leaves = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(size)]
    root = merkle.root_from_leaf_hashes(leaves)
    server = Server(build_tiles(leaves))
    reads, seconds = [], []
    for _ in range(proofs):
        index = rng.randrange(size)
        started = time.perf_counter()
        tree = TileTree(size, root, server.fetch)
        proof = tree.inclusion(index, size)
        merkle.verify_inclusion(index, size, leaves[index], proof, root)
        seconds.append(time.perf_counter() - started)
        reads.append(tree.fetches)
    bytes_per_proof = server.bytes / proofs
    old = max(1, size - 100)
    tree = TileTree(size, root, server.fetch)
    merkle.verify_consistency(
        old, size, merkle.root_from_leaf_hashes(leaves[:old]), root, tree.consistency(old, size)
    )
    started = time.perf_counter()
    merkle.inclusion_proof(size // 3, size, leaves)
    from_leaves = time.perf_counter() - started
    return {
        "mean_reads": statistics.mean(reads),
        "max_reads": max(reads),
        "bytes": bytes_per_proof,
        "seconds": statistics.median(seconds),
        "consistency_reads": tree.fetches,
        "leaf_seconds": from_leaves,
    }


def bench_server(count: int) -> None:
    """Tiles served from a scratch SQLite database of ``count`` entries."""
    import hashlib
    import os
    import sqlite3
    import tempfile

    data_dir = tempfile.mkdtemp(prefix="dueprocess-bench-tiles-")
    os.environ["DUEPROCESS_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from dueprocess.ledger.tiles import _leaf_hashes, fill_full_tiles, hash_tile

    database = sqlite3.connect(Path(data_dir) / "dueprocess.sqlite3")
    database.execute("DROP TRIGGER IF EXISTS ledger_ledgerentry_dense")  # per-row MAX() is slow
    rows = (
        (seq, b"e%d" % seq, hashlib.sha256(b"\0e%d" % seq).digest(), "", "a.b", "2026-01-01")
        for seq in range(count)
    )
    with database:
        database.executemany(
            "INSERT INTO ledger_ledgerentry (seq, entry, leaf_hash, case_tag, action, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        database.execute("UPDATE ledger_ledgerhead SET size = ?", (count,))
    database.close()

    def timed(work, repeat: int = 30) -> float:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            work()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    rng = random.Random(5)

    def read_leaves() -> None:
        start = 256 * rng.randrange(count // 256)
        _leaf_hashes(start, start + 256)

    baseline = timed(read_leaves)
    started = time.perf_counter()
    kept = fill_full_tiles(count)
    fill = time.perf_counter() - started
    top = max(level for level, _, _ in tiles_for_size(count))
    edge = [(level, index, width) for level, index, width in tiles_for_size(count) if width < 256]
    full0 = timed(lambda: hash_tile(0, rng.randrange(count // 256), 256, count))
    partial0 = timed(lambda: hash_tile(*edge[0], count))
    upper = timed(lambda: hash_tile(*edge[-1], count))
    print(f"server side, SQLite, {count} entries (levels 0..{top})")
    print(f"  computing every full tile once: {kept} tiles in {fill:.2f} s")
    print(f"  baseline, 256 stored leaf hashes read: {baseline * 1000:.2f} ms")
    for label, value in (
        ("a kept full level-0 tile", full0),
        (f"the partial level-0 tile {edge[0][1]}.p/{edge[0][2]}", partial0),
        (f"the partial level-{edge[-1][0]} tile .p/{edge[-1][2]}", upper),
    ):
        print(f"  {label}: {value * 1000:.2f} ms, ratio {value / baseline:.2f}")


def _levels(size: int) -> int:
    return len({level for level, _, _ in tiles_for_size(size)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--proofs", type=int, default=200)
    parser.add_argument("--server-entries", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(13)
    results = {size: measure(size, args.proofs, rng) for size in sizes}
    base = results[sizes[0]]
    print(f"inclusion proofs from tiles, {args.proofs} per size, a fresh client each")
    print(
        f"{'entries':>10} {'reads/proof':>12} {'max':>4} {'ratio':>6} {'KiB/proof':>10} "
        f"{'ms/proof':>9} {'ratio':>6} {'consistency reads':>18} {'leaf-proof ms':>14}"
    )
    for size, r in results.items():
        print(
            f"{size:>10} {r['mean_reads']:>12.2f} {r['max_reads']:>4} "
            f"{r['mean_reads'] / base['mean_reads']:>6.2f} {r['bytes'] / 1024:>10.1f} "
            f"{r['seconds'] * 1000:>9.2f} {r['seconds'] / base['seconds']:>6.2f} "
            f"{r['consistency_reads']:>18} {r['leaf_seconds'] * 1000:>14.1f}"
        )
    largest = results[sizes[-1]]
    print(
        f"reads per proof at {sizes[-1]} entries vs {sizes[0]}: ratio "
        f"{largest['mean_reads'] / base['mean_reads']:.2f}; levels of tiles "
        f"{_levels(sizes[0])} vs {_levels(sizes[-1])} (at most one full and one partial tile "
        "per level)"
    )
    print(
        f"a proof from tiles vs from every leaf hash at {sizes[-1]} entries: "
        f"{largest['leaf_seconds'] / largest['seconds']:.0f}x faster"
    )
    if args.server_entries:
        bench_server(args.server_entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
