"""Fixtures: the test organisation (``world``) with one persona per role and relation.

The organisation is built once per test module, inside a transaction held open for the module,
and each test runs in a savepoint of it (pytest-django's ``db``): what a test writes is rolled
back before the next, and the module's organisation is rolled back at the module's end. Each
test gets its own deep copy of the ``World`` object, as Django's ``setUpTestData`` hands each
test its own copy, so a test that changes a persona in memory changes nobody else's. Building
it for every test instead cost about a quarter of the suite's time.

Because the organisation lives as long as the module, a test that asks for no organisation must
not run after one that did: within each module, such tests run first, then those that ask for
the university's organisation, then those that ask for the party's (``pytest_collection_
modifyitems`` below). The university's tests run before the party's is built so that neither
sees the other.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.world import World, build_outsider, build_world


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each run of one module's tests (as pytest-django left them), those that need no
    organisation first, then the university's, then the party's; otherwise in order."""
    runs: list[int] = []
    previous = None
    for item in items:
        module = item.getparent(pytest.Module)
        runs.append(runs[-1] + (module is not previous) if runs else 0)
        previous = module

    def group(item: pytest.Item) -> int:
        names = getattr(item, "fixturenames", ())
        return 2 if "world_built" in names else 1 if "university_built" in names else 0

    order = sorted(range(len(items)), key=lambda i: (runs[i], group(items[i])))
    items[:] = [items[i] for i in order]


def _built_once(rulebook: str):  # type: ignore[no-untyped-def]
    @pytest.fixture(scope="module")
    def built(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
        with django_db_blocker.unblock(), transaction.atomic():
            yield build_world(rulebook)
            transaction.set_rollback(True)

    return built


# Module-scoped fixtures are set up before function-scoped ones (pytest orders by scope), so the
# module's transaction is always opened before the test's own savepoint.
world_built = _built_once("party")
university_built = _built_once("university")


@pytest.fixture
def world(world_built: World, db: None) -> World:
    return copy.deepcopy(world_built)


@pytest.fixture
def university(university_built: World, db: None) -> World:
    return copy.deepcopy(university_built)


@pytest.fixture
def outsider(world: World):  # type: ignore[no-untyped-def]
    return build_outsider(world)
