"""Fixtures: the test organisation (``world``) with one persona per role and relation."""

from __future__ import annotations

import pytest

from tests.world import World, build_outsider, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world("party")


@pytest.fixture
def university(db: None) -> World:
    return build_world("university")


@pytest.fixture
def outsider(world: World):  # type: ignore[no-untyped-def]
    return build_outsider(world)
