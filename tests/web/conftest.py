"""Fixtures for the web app: a browser-less client signed in as any persona of ``world``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.signing_in import enrol, signer_in
from tests.world import World

__all__ = ["enrol", "signed_in"]


@pytest.fixture
def signed_in(world: World) -> Callable[[str], Client]:
    return signer_in(world)
