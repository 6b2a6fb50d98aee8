"""Importing the register: all or nothing, every problem named by row and field, on the ledger."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.models import Member
from dueprocess.members.services import members_import, members_import_csv, parse_member_csv

ROWS = [
    {"number": "NM-1", "full_name": "Ada  Lovelace", "email": "ADA@example.org"},
    {"number": "NM-2", "full_name": "Alan Turing", "status": "lapsed", "joined_on": "2019-05-01"},
]


def test_new_rows_are_added_and_known_numbers_updated(world):
    Member.objects.create(organisation=world.organisation, number="NM-2", full_name="A. Turing")
    result = members_import(actor=world.case_manager, rows=ROWS)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    ada = Member.objects.get(number="NM-1")
    assert (ada.full_name, ada.email, ada.status) == ("Ada Lovelace", "ada@example.org", "active")
    alan = Member.objects.get(number="NM-2")
    assert (alan.full_name, alan.status, alan.joined_on) == (
        "Alan Turing",
        "lapsed",
        dt.date(2019, 5, 1),
    )
    again = members_import(actor=world.case_manager, rows=ROWS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert LedgerEntry.objects.filter(action="members.imported").count() == 2


def test_one_bad_row_writes_nothing_and_every_problem_is_named(world):
    rows = [
        *ROWS,
        {"number": "", "full_name": "No Number"},
        {"number": "NM-1", "full_name": "Twice", "email": "not-an-address"},
        {"number": "NM-5", "full_name": "Bad Date", "joined_on": "01/05/2019", "status": "gone"},
    ]
    with pytest.raises(InvalidInput) as refused:
        members_import(actor=world.case_manager, rows=rows)
    assert refused.value.fields == {
        "rows[2].number": "Required.",
        "rows[3].email": "Not a valid e-mail address.",
        "rows[3].number": "Also on row 0.",
        "rows[4].status": "One of: active, lapsed, suspended, expelled.",
        "rows[4].joined_on": "A date as YYYY-MM-DD.",
    }
    assert "3 row(s)" in refused.value.message
    assert not Member.objects.exists()
    assert not LedgerEntry.objects.filter(action="members.imported").exists()


def test_only_a_case_manager_may_import(world):
    for persona in ("intake", "investigator", "oversight", "political", "admin"):
        with pytest.raises(Forbidden):
            members_import(actor=world.people[persona], rows=ROWS)
    assert not Member.objects.exists()
    assert LedgerEntry.objects.filter(action="access.denied").count() == 5


def test_an_empty_or_oversized_import_is_refused(world):
    with pytest.raises(InvalidInput):
        members_import(actor=world.case_manager, rows=[])
    too_many = [{"number": f"N{i}", "full_name": "X"} for i in range(5001)]
    with pytest.raises(InvalidInput, match="at most 5000"):
        members_import(actor=world.case_manager, rows=too_many)


def test_a_csv_export_is_read_by_its_header():
    rows = parse_member_csv("number,full_name,email\nNM-1,Ada Lovelace,ada@example.org\n")
    assert rows == [{"number": "NM-1", "full_name": "Ada Lovelace", "email": "ada@example.org"}]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("full_name\nAda\n", "missing column(s): number"),
        ("number,full_name,shoe_size\n1,Ada,5\n", "unknown column(s): shoe_size"),
        ("number,number,full_name\n1,2,Ada\n", "a column is named twice"),
        ("number,full_name\n1,Ada,extra\n", "more values than the header"),
        ('number,full_name\n1,"Ada\n', "could not be read"),
    ],
)
def test_an_unusable_csv_is_refused_with_the_reason(text, problem):
    with pytest.raises(InvalidInput, match=re.escape(problem)):
        parse_member_csv(text)


def test_a_csv_from_someone_who_may_not_import_is_refused_before_it_is_read(world):
    with pytest.raises(Forbidden):
        members_import_csv(actor=world.intake, text="not,a,register\n")
    imported = members_import_csv(actor=world.case_manager, text="number,full_name\nNM-1,Ada\n")
    assert imported.created == 1
