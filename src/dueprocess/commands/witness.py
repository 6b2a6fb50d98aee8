"""``dueprocess witness``: run an independent cosigning witness, or make its key."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from dueprocess.commands.setup import CommandError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("witness", help="run a cosigning witness (C2SP tlog-witness)")
    actions = parser.add_subparsers(dest="witness_command", required=True)
    keygen = actions.add_parser("keygen", help="make a witness key pair")
    keygen.add_argument("name", help="the witness's name, e.g. witness.example.org/w1")
    keygen.add_argument("--out", type=Path, required=True, help="where to write the private key")
    keygen.set_defaults(run=run_keygen)
    serve = actions.add_parser("serve", help="serve add-checkpoint for the given logs")
    serve.add_argument("--key", type=Path, required=True, help="the witness's private key file")
    serve.add_argument("--log", action="append", required=True, help="a log's vkey (or file)")
    serve.add_argument("--db", type=Path, required=True, help="the witness's own SQLite file")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081, help="0 picks a free port (printed)")
    serve.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop when the process that started this one ends (as under `dueprocess demo`)",
    )
    serve.set_defaults(run=run_serve)


def run_keygen(args: argparse.Namespace) -> int:
    from dueprocess.lib.datadir import write_secret
    from dueprocess.tlog.note import generate_cosigner_key

    skey, vkey = generate_cosigner_key(args.name)
    try:
        write_secret(args.out, skey.encode("ascii"))
    except FileExistsError as error:
        raise CommandError(f"{args.out} exists; refusing to overwrite a key") from error
    print(vkey)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from dueprocess.tlog.note import NoteError, Verifier
    from dueprocess.tlog.witness import Witness, start_in_thread

    logs: dict[str, list[str]] = {}
    try:
        for value in args.log:
            vkey = Path(value).read_text("ascii").strip() if Path(value).exists() else value
            logs.setdefault(Verifier.from_vkey(vkey).name, []).append(vkey)
        witness = Witness(args.key.read_text("ascii").strip(), logs, args.db)
    except (OSError, NoteError, ValueError) as error:
        raise CommandError(str(error)) from error
    parent = os.getppid()
    try:
        server = start_in_thread(witness, args.host, args.port)
    except OSError as error:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error}") from error
    try:
        print(f"witness {witness.name} for {', '.join(logs)} on {server.url}/")
        print(f"  vkey {witness.vkey}", flush=True)
        while not (args.stop_with_parent and os.getppid() != parent):
            time.sleep(0.2)  # the server runs in its own thread; this one waits for the end
    finally:
        server.close()
    return 0
