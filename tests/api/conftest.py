"""Fixtures for the API tests: a client holding tokens for every persona (and the outsider)."""

from __future__ import annotations

import pytest

from tests.api.client import ApiClient
from tests.world import World


@pytest.fixture
def api(world: World, outsider) -> ApiClient:  # type: ignore[no-untyped-def]
    return ApiClient(world.people | {"outsider": outsider})
