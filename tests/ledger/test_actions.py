"""The catalogue of ledger actions is the one list: record() refuses other names, the docs page
is generated from it, and it lists nothing that no service records."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction

from dueprocess.cases.services.signoffs import OUTCOMES
from dueprocess.ledger import actions
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import record

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "\n".join(
    path.read_text(encoding="utf-8")
    for path in (ROOT / "src" / "dueprocess").rglob("*.py")
    if path.name != "actions.py"
)


def test_docs_page_is_generated_from_the_catalogue() -> None:
    page = (ROOT / "docs" / "ledger-actions.md").read_text(encoding="utf-8")
    assert page == actions.markdown(), (
        "docs/ledger-actions.md is stale: regenerate it with"
        " python -m dueprocess.ledger.actions > docs/ledger-actions.md"
    )


@pytest.mark.django_db
def test_record_refuses_an_action_missing_from_the_catalogue() -> None:
    before = LedgerEntry.objects.count()
    with pytest.raises(actions.UnknownAction, match=r"case\.veiwed"), transaction.atomic():
        record(actor=None, action="case.veiwed")
    assert LedgerEntry.objects.count() == before


@pytest.mark.django_db
def test_record_accepts_a_catalogued_action() -> None:
    before = LedgerEntry.objects.count()
    with transaction.atomic():
        record(actor=None, action="alert.raised", details={"rule": "test"})
    assert LedgerEntry.objects.count() == before + 1


DYNAMIC = {f"signoff.{outcome}" for outcome in OUTCOMES}  # f"signoff.{outcome}"


@pytest.mark.parametrize("name", sorted(actions.CATALOGUE))
def test_every_catalogued_action_is_recorded_somewhere(name: str) -> None:
    assert f'"{name}"' in SOURCE or name in DYNAMIC, f"{name} is catalogued but never recorded"
