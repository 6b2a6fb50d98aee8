"""A demo organisation built once per test module, for modules whose tests only read it or
change it in ways each test's rollback undoes."""

from __future__ import annotations

import pytest


def module_demo(*, cases: int, seed: int, rulebook: str = "party"):  # type: ignore[no-untyped-def]
    """A ``demo`` fixture built once per test module instead of once per test; assign both
    fixtures it returns at the module's top level (``module_demo_built, demo = ...``).

    The demo is built inside a transaction held open for the whole module, and each test runs
    in a savepoint of it (the ``db`` fixture), as Django's ``setUpTestData`` does: whatever a
    test changes is rolled back before the next, and the module's demo is rolled back at its
    end, so no test sees another's writes and the next module starts from an empty database.
    """
    from django.db import transaction

    from dueprocess.demo.build import Builder
    from dueprocess.lib import clock
    from dueprocess.rulebook.versions import rulebook_install
    from dueprocess.rulebooks import bundled

    @pytest.fixture(scope="module", name="module_demo_built")
    def built(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
        with django_db_blocker.unblock(), transaction.atomic():
            version = rulebook_install(path=bundled(rulebook))
            yield Builder(version, cases=cases, seed=seed, now=clock.now()).build()
            transaction.set_rollback(True)

    @pytest.fixture(name="demo")
    def demo(module_demo_built, db):  # type: ignore[no-untyped-def]
        return module_demo_built

    return built, demo
