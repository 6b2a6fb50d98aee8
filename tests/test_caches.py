"""The cache behind sign-in rate limits and used second-factor codes can be shared by processes."""

from __future__ import annotations

import os
import secrets

import pytest

from dueprocess.lib.caches import cache_settings
from tests.scratch import run, scratch_env

SET = "from django.core.cache import cache; cache.set('{key}', 'seen by another process', 60)"
GET = "from django.core.cache import cache; print(cache.get('{key}'))"


def test_each_choice_names_its_backend_and_anything_else_is_refused():
    assert cache_settings("")["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_settings("memory")["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_settings(" database ")["default"]["BACKEND"].endswith("DatabaseCache")
    redis = cache_settings("redis://127.0.0.1:6379/3")["default"]
    assert redis["BACKEND"].endswith("RedisCache") and redis["LOCATION"].endswith("/3")
    with pytest.raises(RuntimeError, match=r"DUEPROCESS_CACHE must be .* not 'memcached'"):
        cache_settings("memcached")


def _shared_between_processes(env: dict[str, str]) -> None:
    key = f"test-{secrets.token_hex(4)}"
    assert run(env, "init").returncode == 0
    wrote = run(env, "manage", "shell", "-c", SET.format(key=key))
    assert wrote.returncode == 0, wrote.stderr
    read = run(env, "manage", "shell", "-c", GET.format(key=key))
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "seen by another process"


@pytest.mark.slow
def test_the_database_cache_is_made_by_init_and_shared_between_processes(tmp_path):
    with scratch_env(tmp_path) as env:
        env["DUEPROCESS_CACHE"] = "database"
        _shared_between_processes(env)


@pytest.mark.slow
def test_the_memory_cache_is_not_shared_which_is_why_the_others_exist(tmp_path):
    with scratch_env(tmp_path) as env:
        key = f"test-{secrets.token_hex(4)}"
        assert run(env, "init").returncode == 0
        assert run(env, "manage", "shell", "-c", SET.format(key=key)).returncode == 0
        assert (
            run(env, "manage", "shell", "-c", GET.format(key=key)).stdout.strip().splitlines()[-1]
            == "None"
        )


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("DUEPROCESS_TEST_REDIS") and not os.environ.get("CI"),
    reason="DUEPROCESS_TEST_REDIS names no Redis (CI sets it, and there this test never skips)",
)
def test_redis_is_shared_between_processes(tmp_path):
    with scratch_env(tmp_path) as env:
        url = os.environ.get("DUEPROCESS_TEST_REDIS", "")
        assert url, "CI must name a Redis in DUEPROCESS_TEST_REDIS (see .ci/run)"
        env["DUEPROCESS_CACHE"] = url
        _shared_between_processes(env)
