"""Backups that restore: the database (a consistent snapshot) and the key files, with a manifest.

A backup is one directory (mode 0700, files 0600) holding:

- the database: a SQLite copy made with SQLite's online backup API (a file copy of a live
  database would miss what is still in the ``-wal`` file), or a ``pg_dump`` custom-format dump
  taken in an exported snapshot;
- the key files of the data directory (``KEY_FILES``), each copied byte for byte;
- ``manifest.json``: every file's name and SHA-256, the ledger's size and root and the number of
  cases in that same snapshot, the dueprocess version and the database vendor.

Restore checks every hash before it writes anything, refuses a non-empty data directory or
database unless forced, puts the database and the keys back, and leaves migrating and verifying
to the caller (``dueprocess restore``).

Nothing here uses Django: ``settings`` creates ``django-secret.key`` on import, so the data
directory must be examined (and restored) before Django starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from dueprocess.lib.datadir import data_dir
from dueprocess.tlog import merkle

FORMAT = "dueprocess/backup/v1"
MANIFEST = "manifest.json"
SQLITE_FILE = "dueprocess.sqlite3"
SQLITE_COPY = "database.sqlite3"
POSTGRES_DUMP = "database.dump"
POLICY_FILE = "ledger.policy"
PUBLIC_FILES = frozenset({"ledger.vkey"})


@dataclass(frozen=True)
class KeyFile:
    name: str
    what: str
    #: None: replaceable; otherwise what is lost for ever without it.
    never_replaceable: str | None


KEY_FILES: tuple[KeyFile, ...] = (
    KeyFile(
        "ledger-kek.key",
        "the key-encryption key that wraps every per-subject payload key",
        "every sealed ledger payload becomes unreadable for ever",
    ),
    KeyFile(
        "ledger-signing.key",
        "the log's signing key",
        "the log can never again be extended under the same identity: a new key is a different"
        " log to every verifier holding ledger.vkey and to every witness",
    ),
    KeyFile(
        "ledger-pseudonym.key",
        "the HMAC key of the actor and case pseudonyms in the ledger",
        "no new entry could ever be linked to the existing entries of its case or person",
    ),
    KeyFile(
        "mfa-secrets.key",
        "the key sealing the staff's authenticator-app secrets and recovery codes",
        "every second factor is lost: all staff must enrol theirs again",
    ),
    KeyFile(
        "django-secret.key",
        "Django's secret key (absent when DUEPROCESS_SECRET_KEY is set)",
        None,
    ),
    KeyFile("ledger.vkey", "the log's public verifier key (derived from the signing key)", None),
    KeyFile(POLICY_FILE, "the ledger's witness policy", None),
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; nothing was written."""


@dataclass(frozen=True)
class Database:
    vendor: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None = None
    conninfo: dict[str, str] | None = None  # libpq keywords, password separate
    password: str = ""


#: The sealed evidence files: a folder of the data directory, one blob per file (64 hex).
EVIDENCE = "evidence"
_BLOB_NAME = re.compile(r"^[0-9a-f]{64}$")


def evidence_dir() -> Path:
    return data_dir() / EVIDENCE


def _is_evidence_name(name: str) -> bool:
    folder, _, blob = name.partition("/")
    return folder == EVIDENCE and bool(_BLOB_NAME.match(blob))


def configured_database() -> Database:
    """The database the settings would use, worked out as ``settings._database`` does."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return Database("sqlite", sqlite_path=data_dir() / SQLITE_FILE)
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        return Database("sqlite", sqlite_path=Path(unquote(parts.path.removeprefix("/")) or "."))
    if scheme not in ("postgres", "postgresql", "pgsql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {scheme!r}")
    info = {"dbname": unquote(parts.path.lstrip("/"))}
    if parts.hostname:
        info["host"] = parts.hostname
    if parts.port:
        info["port"] = str(parts.port)
    if parts.username:
        info["user"] = unquote(parts.username)
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        info[key] = unquote(value)
    return Database("postgresql", conninfo=info, password=unquote(parts.password or ""))


def policy_target() -> Path:
    configured = os.environ.get("DUEPROCESS_LEDGER_POLICY")
    return Path(configured) if configured else data_dir() / POLICY_FILE


def _key_source(name: str) -> Path:
    return policy_target() if name == POLICY_FILE else data_dir() / name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_copy(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)


# -- the ledger in a snapshot (a plain DB-API cursor: SQLite copy or PostgreSQL snapshot) --------


def _ledger_summary(cursor: Any, placeholder: str) -> dict[str, Any]:
    cursor.execute("SELECT size FROM ledger_ledgerhead WHERE id = 1")
    row = cursor.fetchone()
    size = int(row[0]) if row else 0
    query = f"SELECT leaf_hash FROM ledger_ledgerentry WHERE seq < {placeholder} ORDER BY seq"  # noqa: S608 (the driver's placeholder; the value is a parameter)
    cursor.execute(query, [size])
    leaves = [bytes(r[0]) for r in cursor.fetchall()]
    if len(leaves) != size:
        raise BackupError(f"the ledger head says {size} entries but {len(leaves)} are stored")
    root = merkle.root_from_leaf_hashes(leaves).hex() if size else ""
    cursor.execute("SELECT count(*) FROM cases_case")
    cases = int(cursor.fetchone()[0])
    return {"size": size, "root": root, "cases": cases}


def sqlite_summary(path: Path) -> dict[str, Any]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _ledger_summary(connection.cursor(), "?")
    finally:
        connection.close()


# -- backup ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    absent: list[str]


def _prepare_destination(destination: Path) -> Path:
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} exists and is not an empty directory")
    destination.parent.mkdir(parents=True, exist_ok=True)
    work = destination.with_name(f".{destination.name}.partial")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(mode=0o700)
    os.chmod(work, 0o700)
    return work


def _backup_sqlite(database: Database, work: Path) -> dict[str, Any]:
    assert database.sqlite_path is not None
    if not database.sqlite_path.exists():
        raise BackupError(f"there is no database at {database.sqlite_path}")
    source = sqlite3.connect(database.sqlite_path, timeout=30)
    target = sqlite3.connect(work / SQLITE_COPY)
    try:
        source.execute("PRAGMA busy_timeout=30000")
        source.backup(target)  # one step: a single read transaction, a consistent snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal to lose
    finally:
        target.close()
        source.close()
    os.chmod(work / SQLITE_COPY, 0o600)
    return sqlite_summary(work / SQLITE_COPY)


def _pg_env(database: Database) -> dict[str, str]:
    env = dict(os.environ)
    if database.password:
        env["PGPASSWORD"] = database.password
    return env


def _pg_conninfo(database: Database) -> str:
    assert database.conninfo is not None
    return " ".join(
        f"{k}='{v.replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
        for k, v in database.conninfo.items()
    )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools (the same major"
            " version as the server or newer)"
        )
    return found


def _backup_postgres(database: Database, work: Path) -> dict[str, Any]:
    import psycopg

    pg_dump = _tool("pg_dump")
    dump = work / POSTGRES_DUMP
    with psycopg.connect(
        _pg_conninfo(database), password=database.password or None, autocommit=True
    ) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        summary = _ledger_summary(conn.cursor(), "%s")
        # pg_dump reads the very snapshot the summary was computed in, while it is held open.
        done = subprocess.run(  # noqa: S603 (pg_dump from PATH, our own arguments)
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={row[0]}",
                f"--file={dump}",
                f"--dbname={_pg_conninfo(database)}",
            ],
            env=_pg_env(database),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        conn.execute("COMMIT")
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    os.chmod(dump, 0o600)
    return summary


def backup(destination: Path, *, version: str) -> BackupResult:
    """Write a backup of the configured database and the key files to ``destination`` (which
    must not exist or be empty); it appears there complete or not at all."""
    database = configured_database()
    work = _prepare_destination(destination)
    try:
        if database.vendor == "sqlite":
            summary = _backup_sqlite(database, work)
            files: list[dict[str, Any]] = [{"name": SQLITE_COPY, "kind": "database"}]
        else:
            summary = _backup_postgres(database, work)
            files = [{"name": POSTGRES_DUMP, "kind": "database"}]
        absent = []
        for key in KEY_FILES:
            source = _key_source(key.name)
            if not source.exists():
                absent.append(key.name)
                continue
            _private_copy(source, work / key.name)
            files.append({"name": key.name, "kind": "key"})
        # evidence blobs after the database: every blob the snapshot refers to was written
        # before its row was committed, so it is already there (a newer one is an orphan)
        for blob in sorted(evidence_dir().glob("*")) if evidence_dir().is_dir() else []:
            if blob.is_file() and _BLOB_NAME.match(blob.name):
                (work / EVIDENCE).mkdir(mode=0o700, exist_ok=True)
                _private_copy(blob, work / EVIDENCE / blob.name)
                files.append({"name": f"{EVIDENCE}/{blob.name}", "kind": "evidence"})
        for entry in files:
            path = work / entry["name"]
            entry["sha256"] = sha256_file(path)
            entry["bytes"] = path.stat().st_size
        manifest = {
            "format": FORMAT,
            "dueprocess_version": version,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database_vendor": database.vendor,
            "ledger": {"size": summary["size"], "root": summary["root"]},
            "cases": summary["cases"],
            "files": files,
        }
        fd = os.open(work / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2)
            handle.write("\n")
        if destination.exists():
            destination.rmdir()
        work.rename(destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(destination, manifest, absent)


def key_warnings(absent: Sequence[str] = ()) -> Iterator[str]:
    """What the operator must know about the key files, one line each."""
    yield "Keep this backup private, encrypted and off this machine."
    yield "Keys that can NEVER be replaced:"
    for key in KEY_FILES:
        if key.never_replaceable:
            state = " (not present: not created yet)" if key.name in absent else ""
            yield f"  {key.name}{state}: {key.what}; if lost, {key.never_replaceable}."
    yield (
        "Replaceable: django-secret.key (a new one signs everyone out), ledger.vkey (derived from"
        " the signing key), ledger.policy (rewrite it from the witness list)."
    )
    if os.environ.get("DUEPROCESS_SECRET_KEY"):
        yield "DUEPROCESS_SECRET_KEY is set in the environment: back up the environment file too."


# -- restore -----------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, after checking every listed file against its SHA-256."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} is not a readable backup: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST} is not a {FORMAT} manifest")
    files = manifest.get("files")
    if not isinstance(files, list) or not files:
        raise BackupError("the manifest lists no files")
    known = {MANIFEST, SQLITE_COPY, POSTGRES_DUMP} | {key.name for key in KEY_FILES}
    for entry in files:
        name = entry.get("name") if isinstance(entry, dict) else None
        evidence = isinstance(name, str) and _is_evidence_name(name)
        if not isinstance(name, str) or (name not in known and not evidence):
            raise BackupError(f"the manifest lists an unexpected file {name!r}")
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is listed in the manifest but missing from the backup")
        if sha256_file(path) != entry.get("sha256"):
            raise BackupError(
                f"{name} does not match its SHA-256 in the manifest: the backup is damaged or"
                " was altered; nothing was restored"
            )
    databases = [e for e in files if e.get("kind") == "database"]
    if len(databases) != 1:
        raise BackupError("the manifest must list exactly one database file")
    return manifest


def _postgres_has_tables(database: Database) -> bool:
    import psycopg

    with psycopg.connect(_pg_conninfo(database), password=database.password or None) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()
    return bool(row and row[0])


def occupied(database: Database) -> list[str]:
    """What a restore would overwrite: a non-empty data directory, a database with tables."""
    found = []
    directory = data_dir()
    if directory.exists() and any(directory.iterdir()):
        found.append(f"the data directory {directory} is not empty")
    if database.vendor == "sqlite":
        assert database.sqlite_path is not None
        if database.sqlite_path.exists() and database.sqlite_path.stat().st_size:
            found.append(f"the database {database.sqlite_path} exists")
    elif _postgres_has_tables(database):
        found.append("the PostgreSQL database has tables")
    return found


def restore(source: Path, *, force: bool) -> dict[str, Any]:
    """Check the backup at ``source`` and put its database and key files in place."""
    manifest = read_manifest(source)
    database = configured_database()
    if manifest.get("database_vendor") != database.vendor:
        raise BackupError(
            f"the backup holds a {manifest.get('database_vendor')} database but this"
            f" installation is configured for {database.vendor}"
        )
    in_the_way = occupied(database)
    if in_the_way and not force:
        raise BackupError("; ".join(in_the_way) + ": refusing to overwrite it without --force")
    directory = data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    files = manifest["files"]
    dump = next(source / e["name"] for e in files if e["kind"] == "database")
    if database.vendor == "sqlite":
        _restore_sqlite(dump, database)
    else:
        _restore_postgres(dump, database)
    restored = {entry["name"] for entry in files if entry["kind"] == "key"}
    for key in KEY_FILES:
        if key.name not in restored and key.name != POLICY_FILE:
            # A key of the installation being replaced would not match the restored data.
            (directory / key.name).unlink(missing_ok=True)
    for entry in files:
        if entry["kind"] == "evidence" and _is_evidence_name(entry["name"]):
            target = evidence_dir() / entry["name"].split("/", 1)[1]
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            _private_copy(source / entry["name"], target)
            continue
        if entry["kind"] != "key":
            continue
        target = _key_source(entry["name"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        _private_copy(source / entry["name"], target)
        if entry["name"] in PUBLIC_FILES:
            target.chmod(0o644)  # as the data directory has it: the one public file
    return manifest


def _restore_sqlite(copy: Path, database: Database) -> None:
    assert database.sqlite_path is not None
    database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(database.sqlite_path, timeout=30)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        source.backup(target)  # through SQLite, so an existing -wal file cannot resurrect pages
    finally:
        target.close()
        source.close()


def _restore_postgres(dump: Path, database: Database) -> None:
    pg_restore = _tool("pg_restore")
    done = subprocess.run(  # noqa: S603 (pg_restore from PATH, our own arguments)
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_conninfo(database)}",
            str(dump),
        ],
        env=_pg_env(database),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def restored_summary(database: Database) -> dict[str, Any]:
    """The ledger size, root and case count of the restored database."""
    if database.vendor == "sqlite":
        assert database.sqlite_path is not None
        return sqlite_summary(database.sqlite_path)
    import psycopg

    with psycopg.connect(_pg_conninfo(database), password=database.password or None) as conn:
        return _ledger_summary(conn.cursor(), "%s")
