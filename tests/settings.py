"""Settings for the test suite: a throw-away data directory, fast password hashing, and
PostgreSQL instead of SQLite when ``DUEPROCESS_TEST_BACKEND=postgres``."""

import os
import tempfile

os.environ.setdefault("DUEPROCESS_DATA_DIR", tempfile.mkdtemp(prefix="dueprocess-test-"))
os.environ["DUEPROCESS_FAST_HASHER"] = "1"
os.environ.pop("DUEPROCESS_PRODUCTION", None)
_BACKEND = os.environ.get("DUEPROCESS_TEST_BACKEND", "sqlite")
if _BACKEND == "postgres":
    url = os.environ.get("DUEPROCESS_TEST_POSTGRES")
    if not url:
        raise RuntimeError("DUEPROCESS_TEST_BACKEND=postgres needs DUEPROCESS_TEST_POSTGRES")
    os.environ["DATABASE_URL"] = url
elif _BACKEND == "sqlite":
    os.environ.pop("DATABASE_URL", None)
else:
    raise RuntimeError(f"unknown DUEPROCESS_TEST_BACKEND {_BACKEND!r}")

from dueprocess.settings import *  # noqa: E402,F403

if _BACKEND == "postgres":
    # The test database is thrown away: a commit need not wait for the disk (the servers the
    # tests start get the same per database, in tests/scratch.py). A process killed with -9
    # loses nothing either way; only a crash of the PostgreSQL server itself would.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

ACCOUNT_RATE_LIMITS = False  # rate limits have their own test with them switched back on

# WhiteNoise looks for the collected-static directory at start-up; in tests, files are served
# from the finders, so an empty directory is all it needs.
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
