"""Fixtures for the parties' pages: staff clients signed in as any persona of ``world``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.signing_in import signer_in
from tests.world import World


@pytest.fixture
def signed_in(world: World) -> Callable[[str], Client]:
    return signer_in(world)
