"""``dueprocess serve``: the WSGI app on waitress (pure Python, runs anywhere)."""

from __future__ import annotations

import argparse

from dueprocess.commands.setup import django_setup, require_migrated
from dueprocess.lib.caches import prepare_caches


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("serve", help="serve the web app")
    add_serve_options(parser)
    parser.set_defaults(run=run)


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)


def serve(host: str, port: int, threads: int) -> None:
    import waitress  # type: ignore[import-untyped]

    from dueprocess.wsgi import application

    print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    waitress.serve(application, host=host, port=port, threads=threads, ident="dueprocess")


def run(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    prepare_caches()
    serve(args.host, args.port, args.threads)
    return 0
