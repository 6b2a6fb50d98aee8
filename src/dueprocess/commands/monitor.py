"""``dueprocess monitor URL``: an outside auditor's watch over a log served as tlog-tiles.

It talks HTTP only — no database, no data directory — and keeps its own history of checkpoints
in ``--state-dir``. The logic is in ``dueprocess.tlog.monitor``; this is the HTTP around it.
Exit codes: 0 sound, 1 an alarm (fork, shrink, bad signature, tiles that do not match), 2 the
log could not be read or the command was misused.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

from dueprocess.commands.setup import CommandError

#: The default history directory, one subdirectory per log URL.
DEFAULT_STATE = "~/.local/state/dueprocess/monitor"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "monitor",
        help="watch a log served as tlog-tiles: detect forks, shrinks and bad signatures",
        description=(
            "Fetch the log's checkpoint and tiles from URL (its tlog-tiles prefix, e.g. "
            "https://cases.example.org/ledger/), check the signature and that the log extends "
            "the last checkpoint this monitor holds, and keep the new one. Exit 1 on an alarm."
        ),
    )
    parser.add_argument("url", help="the log's prefix (a bare site URL means <site>/ledger/)")
    parser.add_argument("--vkey", help="the log's verifier key, or a file holding it")
    parser.add_argument(
        "--policy", type=Path, help="a tlog-policy file: the log's key, witnesses and quorum"
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        help=f"where this monitor keeps its history (default {DEFAULT_STATE}/<log URL>)",
    )
    parser.add_argument(
        "--entries", action="store_true", help="also fetch every new entry and check its hash"
    )
    parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")
    parser.add_argument("--once", action="store_true", help="check once and exit (the default)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per HTTP request")
    parser.set_defaults(run=run_monitor)


def _prefix(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(f"{url!r} is not an http(s) URL")
    if parts.path in ("", "/"):
        url = url.rstrip("/") + "/ledger"
    return url.rstrip("/") + "/"


def _key_text(value: str) -> str:
    path = Path(value)
    if "+" not in value and path.exists():
        return path.read_text(encoding="ascii").strip()
    return value.strip()


class Client:
    """GETs under the log's prefix; counts tile reads."""

    def __init__(self, prefix: str, timeout: float) -> None:
        self.prefix = prefix
        self.timeout = timeout
        self.requests = 0

    def get(self, path: str) -> bytes:
        self.requests += 1
        request = urllib.request.Request(  # noqa: S310 (scheme checked in _prefix)
            self.prefix + path,
            headers={"User-Agent": "dueprocess-monitor", "Accept-Encoding": "gzip, identity"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            body = bytes(response.read())
            if response.headers.get("Content-Encoding", "identity") == "gzip":
                body = gzip.decompress(body)
            return body

    def tile(self, level: int, index: int, width: int) -> bytes:
        from dueprocess.tlog.tiles import TileError, tile_path

        return self._immutable(tile_path(level, index, width), TileError)

    def bundle(self, index: int, width: int) -> bytes:
        from dueprocess.tlog.tiles import TileError, entries_path

        return self._immutable(entries_path(index, width), TileError)

    def _immutable(self, path: str, error_type: type[Exception]) -> bytes:
        try:
            return self.get(path)
        except urllib.error.HTTPError as error:
            # a log must serve every tile of a checkpoint it serves: a refusal is its fault
            raise error_type(f"{path}: the log answered {error.code}") from error


def run_monitor(args: argparse.Namespace) -> int:
    from dueprocess.tlog.monitor import MonitorState, checkpoint_opener
    from dueprocess.tlog.note import NoteError
    from dueprocess.tlog.policy import PolicyError, parse_policy

    if not args.vkey and not args.policy:
        raise CommandError("give the log's key (--vkey) or a policy (--policy) you trust")
    prefix = _prefix(args.url)
    try:
        if args.policy:
            opener = checkpoint_opener(policy=parse_policy(args.policy.read_bytes()))
        else:
            opener = checkpoint_opener(vkey=_key_text(args.vkey))
    except (OSError, PolicyError, NoteError) as error:
        raise CommandError(f"cannot read the key or policy: {error}") from error
    directory = args.state_dir or Path(os.path.expanduser(DEFAULT_STATE)) / quote(
        prefix.split("://", 1)[1], safe=""
    )
    state = MonitorState(directory)
    client = Client(prefix, args.timeout)
    while True:
        status = _round(state, client, opener, entries=args.entries)
        if status == 1 or args.every <= 0:
            return status
        time.sleep(args.every)


def _round(state, client: Client, opener, *, entries: bool) -> int:  # type: ignore[no-untyped-def]
    from dueprocess.tlog.monitor import Alarm, observe

    bundles = client.bundle if entries else None
    try:
        text = client.get("checkpoint").decode("utf-8")
        try:
            seen = observe(state, text, opener, client.tile, bundles)
        except Alarm as alarm:
            # tiles that vanish under a checkpoint just served: if the log now serves another
            # checkpoint, judge that one (a truncation in progress is then named a shrink)
            again = client.get("checkpoint").decode("utf-8") if alarm.kind == "bad-tiles" else text
            if again == text:
                raise
            seen = observe(state, again, opener, client.tile, bundles)
    except Alarm as alarm:
        print(f"ALARM ({alarm.kind}): {alarm}", file=sys.stderr)
        if alarm.evidence:
            print(f"  the checkpoint served is kept in {alarm.evidence}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read the log at {client.prefix}: {error}", file=sys.stderr)
        return 2
    if seen.outcome == "first":
        line = f"first checkpoint held: size {seen.size}"
    elif seen.outcome == "unchanged":
        line = f"unchanged at size {seen.size}"
    else:
        line = f"consistent: size {seen.previous} -> {seen.size}"
    extra = f", {seen.entries_checked} entries checked" if entries else ""
    print(f"{line} ({seen.tile_reads} tile reads{extra}); history in {state.directory}", flush=True)
    return 0
