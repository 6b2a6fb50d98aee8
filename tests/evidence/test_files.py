"""Evidence files: hashed and typed by the server, sealed at rest, every download recorded and
checked; bad files refused with nothing left behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import connection

from dueprocess.cases.models import EvidenceItem
from dueprocess.errors import InvalidInput
from dueprocess.evidence import files, sniff
from dueprocess.evidence.files import EvidenceCorrupted, evidence_add, evidence_download
from dueprocess.evidence.models import EvidenceFile
from dueprocess.evidence.storage import DirectoryStore
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import parse_rulebook
from dueprocess.rulebooks import bundled
from tests.api.trail import actions_since, mark
from tests.world import World

SECRET = b"%PDF-1.7\nThe respondent wrote: meet me at the branch office at nine.\n"


@pytest.fixture
def store(tmp_path: Path) -> DirectoryStore:
    return DirectoryStore(tmp_path / "evidence")


def _add(world: World, case, store, content: bytes = SECRET, **kw):  # type: ignore[no-untyped-def]
    return evidence_add(
        actor=world.case_manager,
        case=case,
        title=kw.pop("title", "Letter"),
        kind=kw.pop("kind", "document"),
        content=content,
        store=store,
        **kw,
    )


def test_the_server_hashes_seals_and_records_an_upload(world: World, store):
    case = world.case_at("investigation")
    before = mark()
    item = _add(world, case, store)
    assert item.sha256 == hashlib.sha256(SECRET).hexdigest() and item.size_bytes == len(SECRET)
    stored = EvidenceFile.objects.get(item=item)
    assert stored.media_type == "application/pdf"
    assert actions_since(before) == ["evidence.added"]
    # sealed on disk: neither the content nor any long piece of it is in the clear
    (blob,) = store.names()
    sealed = (store.root / blob).read_bytes()
    assert b"branch office" not in sealed and SECRET not in sealed
    assert len(sealed) == 12 + len(SECRET) + 16  # nonce, ciphertext, tag
    # and nothing of the content in the database either
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM evidence_evidencefile")
        assert b"branch office" not in repr(cursor.fetchall()).encode()


def test_a_download_is_recorded_and_returns_the_exact_bytes(world: World, store):
    case = world.case_at("investigation")
    item = _add(world, case, store)
    before = mark()
    got = evidence_download(actor=world.case_manager, case=case, item_id=item.pk, store=store)
    assert got.content == SECRET and got.media_type == "application/pdf"
    assert got.filename.endswith(".pdf") and case.reference in got.filename
    assert actions_since(before) == ["evidence.downloaded"]


def test_a_tampered_file_is_not_served_and_the_failure_is_recorded(world: World, store):
    case = world.case_at("investigation")
    item = _add(world, case, store)
    (blob,) = store.names()
    path = store.root / blob
    data = bytearray(path.read_bytes())
    data[20] ^= 1
    path.write_bytes(bytes(data))
    before = mark()
    with pytest.raises(EvidenceCorrupted):
        evidence_download(actor=world.case_manager, case=case, item_id=item.pk, store=store)
    assert actions_since(before) == ["evidence.corrupted"]


def test_a_file_moved_to_another_case_does_not_decrypt(world: World, store):
    first, second = world.case_at("investigation"), world.case_at("investigation")
    mine = _add(world, first, store)
    theirs = _add(world, second, store, content=b"%PDF-1.7 other")
    mine_blob = EvidenceFile.objects.get(item=mine).blob
    theirs_blob = EvidenceFile.objects.get(item=theirs).blob
    (store.root / theirs_blob).write_bytes((store.root / mine_blob).read_bytes())
    with pytest.raises(EvidenceCorrupted):
        evidence_download(actor=world.case_manager, case=second, item_id=theirs.pk, store=store)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00" + bytes(500), "is a program"),  # a Windows program, whatever its name
        (b"\x7fELF\x02\x01\x01" + bytes(500), "is a program"),
        (b"#!/bin/sh\nrm -rf /\n", "is a program"),
        (b"PK\x03\x04" + bytes(500), "Archives"),  # a zip (bomb or not) is never opened
        (b"\x1f\x8b\x08" + bytes(500), "Archives"),
        (bytes(range(256)) * 3, "not accepted"),  # binary of no known type
        (b"%PDF-" + bytes(20 * 1024 * 1024), "larger than the limit"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(world: World, store, content, message):
    case = world.case_at("investigation")
    before = mark()
    with pytest.raises(InvalidInput, match=message) as caught:
        _add(world, case, store, content=content)
    assert "file" in caught.value.fields
    assert not EvidenceItem.objects.filter(case=case).exists()
    assert store.names() == [] and not EvidenceFile.objects.exists()
    assert actions_since(before) == []


def test_a_transaction_that_fails_after_the_file_is_written_deletes_it(
    world: World, store, monkeypatch
):
    case = world.case_at("investigation")

    def broken(**kwargs: object) -> None:
        assert store.names(), "the blob is written before the entry"
        raise RuntimeError("the ledger is unavailable")

    monkeypatch.setattr(files, "record", broken)
    with pytest.raises(RuntimeError):
        _add(world, case, store)
    assert store.names() == []
    assert not EvidenceItem.objects.filter(case=case).exists()
    assert not EvidenceFile.objects.exists()


def test_orphan_blobs_are_found(world: World, store):
    case = world.case_at("investigation")
    _add(world, case, store)
    store.put("deadbeef", b"left by a crash")
    assert files.orphan_blobs(store) == ["deadbeef"]


def test_those_who_may_not_add_evidence_are_refused_and_nothing_is_written(world: World, store):
    from dueprocess.errors import Forbidden, NotFound

    case = world.case_at("investigation")
    with pytest.raises((Forbidden, NotFound)):
        evidence_add(
            actor=world.people["reviewer"],
            case=case,
            title="x",
            kind="document",
            content=SECRET,
            store=store,
        )
    assert store.names() == []


def test_the_type_comes_from_the_content():
    assert sniff.detect(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff.detect(b"\xff\xd8\xff\xe0 jfif") == "image/jpeg"
    assert sniff.detect(b"GIF89a...") == "image/gif"
    assert sniff.detect(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff.detect("Plain words, with accents: é.\n".encode()) == "text/plain"
    assert sniff.detect(b"\xfe\xed\xfa\xcf mach-o") == "executable"
    tar = bytes(257) + b"ustar" + bytes(100)
    assert sniff.detect(tar) == "archive"


def test_the_rulebook_names_the_allowed_types_and_the_limit():
    assert parse_rulebook(bundled("party").read_bytes()).evidence.max_bytes == 20 * 1024 * 1024
    text = bundled("university").read_text()  # no [evidence] table: the defaults
    rules = parse_rulebook(text.encode())
    assert "application/pdf" in rules.evidence.types and "text/plain" in rules.evidence.types
    assert rules.evidence.max_bytes == 20 * 1024 * 1024
    narrowed = parse_rulebook(
        (text + '\n[evidence]\ntypes = ["image/png"]\nmax_megabytes = 5\n').encode()
    )
    assert narrowed.evidence.types == ("image/png",)
    assert narrowed.evidence.max_bytes == 5 * 1024 * 1024
    with pytest.raises(RulebookError, match="unknown type 'application/x-msdownload'"):
        parse_rulebook((text + '\n[evidence]\ntypes = ["application/x-msdownload"]\n').encode())
