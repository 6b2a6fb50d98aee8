"""Which cache holds sign-in rate limits and the record of second-factor codes already used.

allauth keeps both in Django's cache. A per-process memory cache is right for one server
process (``dueprocess serve`` is one process with threads), but with several processes behind a
load balancer each would count failed sign-ins on its own and accept a code another had already
taken — so ``DUEPROCESS_CACHE`` selects a cache they share: the database everyone already has,
or Redis.
"""

from __future__ import annotations

from typing import Any

#: The table ``DUEPROCESS_CACHE=database`` uses (made by ``dueprocess init`` and ``serve``).
CACHE_TABLE = "dueprocess_cache"
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def cache_settings(value: str) -> dict[str, dict[str, Any]]:
    """Django ``CACHES`` for the value of ``DUEPROCESS_CACHE``; a clear error for anything else."""
    choice = value.strip()
    if choice in ("", "memory"):
        backend: dict[str, Any] = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dueprocess",
        }
    elif choice == "database":
        backend = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    elif choice.startswith(_REDIS_SCHEMES):
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": choice,
            "KEY_PREFIX": "dueprocess",
        }
    else:
        raise RuntimeError(
            "DUEPROCESS_CACHE must be empty or 'memory' (one process), 'database', or a "
            f"redis:// URL (several processes), not {value!r}"
        )
    return {"default": backend}


def prepare_caches() -> None:
    """Create the database cache's table when that cache is configured (idempotent)."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", verbosity=0)
