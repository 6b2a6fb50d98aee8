"""The ledger served as tlog-tiles: tile contents, bundles, limits, caching and the quorum."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import os

import pytest
from django.db import DatabaseError, transaction

from dueprocess.ledger import keys
from dueprocess.ledger.checkpoints import checkpoint_create, leaf_hashes, published_note
from dueprocess.ledger.entries import Entry, format_time, parse_entry
from dueprocess.ledger.models import Checkpoint, Cosignature, LedgerEntry, LedgerHead, LedgerTile
from dueprocess.ledger.record import record
from dueprocess.ledger.tiles import fill_full_tiles
from dueprocess.lib import clock
from dueprocess.tlog import merkle, note
from dueprocess.tlog.tiles import decode_bundle, entries_path, tile_path, tiles_for_size

ENTRY_FIELDS = {"seq", "time", "actor", "role", "action", "case", "request", "nonce", "payload"}


def fill(count: int) -> None:
    """Append ``count`` well-formed entries in bulk (far faster than ``record`` one by one)."""
    head = LedgerHead.objects.get(id=1)
    at = clock.now()
    # any further field of the entry format is given the hash of nothing
    extra = {
        field.name: merkle.EMPTY_ROOT.hex()
        for field in dataclasses.fields(Entry)
        if field.name not in ENTRY_FIELDS
    }
    rows = []
    for seq in range(head.size, head.size + count):
        raw = Entry(
            seq=seq,
            time=format_time(at),
            actor="system",
            role="-",
            action="case_list.viewed",
            case="-",
            request="-",
            nonce=f"n{seq}",
            payload=f"{seq:064x}",
            **extra,
        ).to_bytes()
        rows.append(
            LedgerEntry(
                seq=seq,
                entry=raw,
                leaf_hash=merkle.leaf_hash(raw),
                case_tag="",
                action="case_list.viewed",
                recorded_at=at,
            )
        )
    LedgerEntry.objects.bulk_create(rows, batch_size=5000)
    LedgerHead.objects.filter(id=1).update(size=head.size + count)


def get(client, path: str):  # type: ignore[no-untyped-def]
    return client.get(f"/ledger/{path}")


def expected_tile(hashes: list[bytes], level: int, index: int, width: int) -> bytes:
    span = 256**level
    return b"".join(
        merkle.subtree_hash(hashes, (index * 256 + i) * span, (index * 256 + i + 1) * span)
        for i in range(width)
    )


@pytest.mark.slow
def test_every_tile_of_a_three_level_tree_is_the_rfc6962_subtree_root(db, client):
    fill(70_000)
    checkpoint = checkpoint_create()
    assert checkpoint.size == 70_000
    hashes = leaf_hashes(0, 70_000)
    for level, index, width in tiles_for_size(70_000):
        response = get(client, tile_path(level, index, width))
        assert response.status_code == 200, (level, index, width)
        assert response.content == expected_tile(hashes, level, index, width), (level, index)
        assert response["Content-Type"] == "application/octet-stream"
    # full tiles are kept, partial ones never; a kept tile is served again unchanged
    assert LedgerTile.objects.filter(level=0).count() == 273
    assert LedgerTile.objects.filter(level=1).count() == 1
    again = get(client, "tile/1/000")
    assert again.content == expected_tile(hashes, 1, 0, 256)
    # a partial request for part of a full tile is its prefix
    assert get(client, "tile/0/005.p/7").content == expected_tile(hashes, 0, 5, 7)


def test_partial_tiles_and_bundles_stop_at_the_served_checkpoint(db, client):
    fill(300)
    checkpoint_create()
    fill(20)  # committed, but no checkpoint covers them yet
    hashes = leaf_hashes(0, 320)
    assert get(client, "tile/0/000").content == expected_tile(hashes, 0, 0, 256)
    assert get(client, "tile/0/001.p/44").content == expected_tile(hashes, 0, 1, 44)
    assert get(client, "tile/1/000.p/1").content == expected_tile(hashes, 1, 0, 1)
    beyond_paths = (
        "tile/0/001.p/45", "tile/0/001", "tile/1/000", "tile/1/000.p/2", "tile/0/002.p/1",
        "tile/entries/001.p/45", "tile/entries/001", "tile/2/000.p/1",
    )  # fmt: skip
    for beyond in beyond_paths:
        response = get(client, beyond)
        assert response.status_code == 404, beyond
        assert "beyond the served checkpoint (size 300)" in response.content.decode()
        assert response["Cache-Control"] == "no-cache"
    checkpoint_create()
    assert get(client, "tile/0/001.p/64").content == expected_tile(hashes, 0, 1, 64)


def test_bundles_hold_the_exact_stored_entries_and_hash_to_level_zero(db, client):
    fill(260)
    checkpoint_create()
    stored = [bytes(e) for e in LedgerEntry.objects.order_by("seq").values_list("entry", flat=True)]
    full = decode_bundle(get(client, entries_path(0)).content, 256)
    partial = decode_bundle(get(client, entries_path(1, 4)).content, 4)
    assert full + partial == stored
    tile0 = get(client, "tile/0/000").content
    assert [merkle.leaf_hash(e) for e in full] == [tile0[i : i + 32] for i in range(0, 8192, 32)]


def test_tiles_need_no_sign_in_and_carry_caching_headers(db, client):
    fill(257)
    checkpoint_create()
    assert not client.session.get("_auth_user_id")
    full = get(client, "tile/0/000")
    assert full.status_code == 200
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert get(client, "tile/entries/000")["Cache-Control"] == full["Cache-Control"]
    partial = get(client, "tile/0/001.p/1")
    assert partial.status_code == 200 and partial["Cache-Control"] == "public, max-age=60"
    assert get(client, "checkpoint")["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    "path", ["tile/0/1", "tile/00/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/x000/000",
             "tile/64/000", "tile/entries/0", "tile/level/000"],
)  # fmt: skip
def test_a_malformed_tile_path_is_404(db, client, path):
    fill(3)
    checkpoint_create()
    response = get(client, path)
    assert response.status_code == 404 and "not a tile" in response.content.decode()


def test_no_checkpoint_means_no_tiles(db, client):
    fill(3)
    assert get(client, "tile/0/000.p/3").status_code == 404
    assert get(client, "checkpoint").status_code == 404


def test_entries_hold_only_pseudonyms_and_commitments(world, client):
    case = world.open_case()
    with transaction.atomic():
        record(actor=world.case_manager, action="case.viewed", case=case, details={"why": "x"})
    checkpoint_create()
    size = LedgerEntry.objects.count()
    published = b""
    for level, index, width in tiles_for_size(size):
        if level == 0:
            published += get(client, entries_path(index, width)).content
    entries = decode_bundle(published, size)
    personal = [case.reference, world.organisation.name]
    for person in world.people.values():
        personal += [person.email, person.full_name]
    for raw in entries:
        parsed = parse_entry(raw)
        assert parsed.actor == "system" or len(parsed.actor) == 64
        assert parsed.case == "-" or len(parsed.case) == 64
    blob = b"".join(entries).decode("ascii")
    leaked = [text for text in personal if text and text in blob]
    assert leaked == []


def test_a_malformed_entry_is_never_published(db, client):
    fill(5)
    raw = b"dueprocess/entry/v1\nseq 5\nwho alice@example.org\nsaid she was harassed\n"
    LedgerEntry.objects.create(
        seq=5,
        entry=raw,
        leaf_hash=merkle.leaf_hash(raw),
        action="case.viewed",
        recorded_at=clock.now(),
    )
    LedgerHead.objects.filter(id=1).update(size=6)
    tree = merkle.CompactRange.from_leaf_hashes(leaf_hashes(0, 6))
    body = note.format_checkpoint(keys.signer().name, 6, tree.root())
    Checkpoint.objects.create(  # signed around ``checkpoint``, which would refuse
        size=6,
        root=tree.root(),
        note=note.sign_note(body, [keys.signer()]),
        compact_range=tree.to_bytes(),
        created_at=clock.now(),
    )
    response = get(client, "tile/entries/000.p/6")
    assert response.status_code == 503
    text = response.content.decode()
    assert "refusing to publish entry bundle 0" in text and "seq 5" in text
    assert "alice" not in text and "harassed" not in text
    assert get(client, "tile/entries/000.p/5").status_code == 200


def _cosign(checkpoint: Checkpoint, cosigner: note.Cosigner) -> None:
    Cosignature.objects.create(
        checkpoint=checkpoint,
        witness="w1",
        line=note.cosign_checkpoint(checkpoint.note, cosigner),
        received_at=clock.now(),
    )


def test_the_checkpoint_served_is_the_newest_that_meets_the_quorum(db, client, tmp_path):
    skey, vkey = note.generate_cosigner_key("ombudsman.example/w1")
    cosigner = note.Cosigner.from_skey(skey)
    policy = tmp_path / "ledger.policy"
    policy.write_text(f"log {keys.vkey()}\nwitness w1 {vkey}\nquorum w1\n")
    os.environ["DUEPROCESS_LEDGER_POLICY"] = str(policy)
    try:
        fill(10)
        assert get(client, "checkpoint").status_code == 404  # nothing at all yet
        first = checkpoint_create()
        assert get(client, "checkpoint").status_code == 404  # signed, but not witnessed
        _cosign(first, cosigner)
        fill(10)
        second = checkpoint_create()  # newer, but no witness has seen it
        served = get(client, "checkpoint").content.decode()
        assert served == published_note(first) and "— ombudsman.example/w1 " in served
        assert get(client, "tile/0/000.p/10").status_code == 200
        assert get(client, "tile/0/000.p/11").status_code == 404
        bogus = base64.b64encode(cosigner.key_id.to_bytes(4, "big") + b"\x00" * 72).decode()
        Cosignature.objects.create(
            checkpoint=second,
            witness="w1",
            line=f"— {cosigner.name} {bogus}",
            received_at=clock.now(),
        )
        assert get(client, "checkpoint").content.decode() == served  # a bad line counts for none
        fill(5)
        third = checkpoint_create()
        _cosign(third, cosigner)
        assert get(client, "checkpoint").content.decode() == published_note(third)
        assert get(client, "tile/0/000.p/25").status_code == 200
    finally:
        del os.environ["DUEPROCESS_LEDGER_POLICY"]
    # with quorum none the newest checkpoint is served, witnessed or not
    fill(1)
    newest = checkpoint_create()
    assert get(client, "checkpoint").content.decode() == published_note(newest)


def test_tick_keeps_every_new_full_tile_and_fills_gaps(db, client):
    fill(1000)
    checkpoint_create()
    assert get(client, "tile/0/002").status_code == 200  # asked for first: kept alone
    assert list(LedgerTile.objects.values_list("index", flat=True)) == [2]
    assert fill_full_tiles(1000) == 2
    assert sorted(LedgerTile.objects.values_list("index", flat=True)) == [0, 1, 2]
    assert fill_full_tiles(1000) == 0
    hashes = leaf_hashes(0, 1000)
    for index in range(3):
        kept = LedgerTile.objects.get(level=0, index=index)
        assert bytes(kept.hashes) == expected_tile(hashes, 0, index, 256)
        assert bytes(kept.root) == expected_tile(hashes, 1, 0, 3)[index * 32 : index * 32 + 32]


def test_bundles_are_gzipped_for_clients_that_accept_it(db, client):
    fill(40)
    checkpoint_create()
    plain = get(client, "tile/entries/000.p/40")
    packed = client.get("/ledger/tile/entries/000.p/40", HTTP_ACCEPT_ENCODING="gzip, identity")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert "Accept-Encoding" in packed["Vary"]


def test_kept_tiles_are_append_only(db, client):
    fill(256)
    checkpoint_create()
    assert get(client, "tile/0/000").status_code == 200
    for change in (
        lambda: LedgerTile.objects.update(root=b"\0" * 32),
        lambda: LedgerTile.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert LedgerTile.objects.count() == 1


def _verified_tiles() -> tuple[str, list[str]]:
    from dueprocess.ledger.config import load_policy
    from dueprocess.ledger.verify import verify_ledger

    report = verify_ledger(load_policy(), state=False)
    return report.failure, report.checked


def test_verify_rechecks_every_kept_tile(db, client):
    fill(512)
    checkpoint_create()
    fill_full_tiles(512)
    assert LedgerTile.objects.filter(level=0).count() == 2
    failure, checked = _verified_tiles()
    assert "kept tiles: each holds the hashes the stored leaves give it" in checked
    assert not failure.startswith("kept tiles")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda: LedgerTile.objects.filter(index=1).update(root=b"\0" * 32), "tile 0/1 differs"),
        (
            lambda: LedgerTile.objects.filter(index=0).update(hashes=b"\1" * 32 * 256),
            "tile 0/0 differs",
        ),
        (
            lambda: LedgerTile.objects.create(
                level=0, index=7, hashes=b"\0" * 32 * 256, root=b"\0" * 32
            ),
            "tile 0/7 is beyond the stored tree",
        ),
    ],
)
def test_verify_names_a_kept_tile_changed_around_its_triggers(db, client, change, named):
    from tests.triggers import drop_append_only

    fill(512)
    checkpoint_create()
    fill_full_tiles(512)
    drop_append_only(LedgerTile._meta.db_table)
    change()
    failure, _ = _verified_tiles()
    assert failure.startswith("kept tiles:") and named in failure
