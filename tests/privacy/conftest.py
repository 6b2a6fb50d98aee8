"""Fixtures for the subject access tests: an API client holding tokens for every persona."""

from __future__ import annotations

import pytest

from tests.api.client import ApiClient
from tests.world import World


@pytest.fixture
def api(world: World) -> ApiClient:
    return ApiClient(world.people)
