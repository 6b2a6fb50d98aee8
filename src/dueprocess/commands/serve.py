"""``dueprocess serve``: the WSGI app on waitress (one process), or gunicorn (``--workers N``).

One process with threads suits a small organisation and runs anywhere. A slow page then holds
back every other request, so ``--workers N`` starts a pre-fork gunicorn server (Linux and other
POSIX systems) with N processes of ``--threads`` threads each. Processes share nothing in
memory, so sign-in rate limits and used second-factor codes must live in a shared cache
(``DUEPROCESS_CACHE=database`` or a Redis URL): several workers on the per-process memory
cache are refused, since each would count failed sign-ins and accept used codes on its own.
"""

from __future__ import annotations

import argparse
from typing import Any

from dueprocess.commands.setup import django_setup, require_migrated
from dueprocess.lib.caches import prepare_caches


class ServeError(RuntimeError):
    """A serving option that cannot work; the message says what to change."""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("serve", help="serve the web app")
    add_serve_options(parser)
    parser.set_defaults(run=run)


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8, help="threads per process")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes; more than 1 runs gunicorn and needs a shared DUEPROCESS_CACHE",
    )


def check_workers(workers: int, threads: int) -> None:
    """Refuse settings that would serve wrongly rather than slowly."""
    from django.conf import settings

    if workers < 1 or threads < 1:
        raise ServeError("--workers and --threads must be at least 1")
    if workers > 1 and any(c["BACKEND"].endswith("LocMemCache") for c in settings.CACHES.values()):
        raise ServeError(
            f"--workers {workers} needs a cache the processes share: set DUEPROCESS_CACHE to "
            "'database' or a redis:// URL (with the memory cache each process would keep its "
            "own sign-in limits and accept second-factor codes another has already used)"
        )


def check_production_mail() -> None:
    """Refuse to serve in production with a mail backend that would log password-reset links."""
    from dueprocess.web.checks import check_mail_backend

    for problem in check_mail_backend():
        raise ServeError(f"{problem.msg} {problem.hint}")


def serve(host: str, port: int, threads: int, workers: int = 1) -> None:
    from dueprocess.wsgi import application

    check_workers(workers, threads)
    check_production_mail()
    print(
        f"Serving on http://{host}:{port}/ with {workers} process(es) × {threads} threads "
        "(Ctrl+C to stop)",
        flush=True,
    )
    if workers == 1:
        import waitress  # type: ignore[import-untyped]

        waitress.serve(application, host=host, port=port, threads=threads, ident="dueprocess")
        return
    _gunicorn(application, bind=f"{host}:{port}", workers=workers, threads=threads)


def _gunicorn(application: Any, **options: Any) -> None:
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    class _Server(BaseApplication):  # type: ignore[misc]
        """gunicorn's documented way to embed it: options in, our WSGI app out."""

        def load_config(self) -> None:
            for key, value in {"worker_class": "gthread", **options}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    _Server().run()


def run(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    prepare_caches()
    try:
        serve(args.host, args.port, args.threads, args.workers)
    except ServeError as problem:
        print(f"dueprocess serve: {problem}", flush=True)
        return 2
    return 0
