"""Importing a dossier: one case per row, all or nothing, nothing twice, every respondent
matched against the register with its reason."""

from __future__ import annotations

import csv
import io

import pytest

from dueprocess.cases.models import Case, Dossier, DossierRow, Party
from dueprocess.cases.services.dossiers import (
    MAX_ROWS,
    dossier_for,
    dossier_from_rows,
    dossier_import,
    dossier_preview,
    read_dossier,
)
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.models import Member
from dueprocess.oversight.exports import _safe

HEADER = "respondent_name,respondent_postcode,category,summary,unit\n"


def _register(world, size: int = 100) -> None:
    Member.objects.bulk_create(
        Member(
            organisation=world.organisation,
            number=f"M{i:03d}",
            full_name=f"Ada Member {i:03d}",
            postcode=f"AB{i % 10} 1XY",
        )
        for i in range(size)
    )


def _rows(members: int, outsiders: int) -> list[dict[str, str]]:
    rows = [
        {
            "respondent_name": f"Ada Member {i:03d}",
            "respondent_postcode": f"ab{i % 10}1xy",
            "category": "bullying_harassment",
            "summary": f"Post number {i} on the group page.",
            "unit": "complaints",
        }
        for i in range(members)
    ]
    rows += [
        {
            "respondent_name": f"Quentin Outsider {i:03d}",
            "category": "other_conduct",
            "summary": f"Comment number {i} under a video.",
            "unit": "complaints",
        }
        for i in range(outsiders)
    ]
    return rows


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_a_dossier_of_252_opens_252_cases_and_counts_the_non_members(world):
    _register(world)
    result = dossier_import(
        actor=world.intake, dossier=read_dossier(_csv(_rows(68, 184)), filename="d.csv")
    )
    assert result.summary == "184 of 252 respondents are not members"
    assert (result.count("created"), result.count("already"), result.count("error")) == (252, 0, 0)
    dossier = Dossier.objects.get()
    assert (dossier.rows, dossier.created, dossier.non_members) == (252, 252, 184)
    assert (dossier.submitted_by, dossier.filename) == (world.intake, "d.csv")
    assert Case.objects.filter(dossier=dossier, source="dossier").count() == 252
    assert Case.objects.filter(dossier=dossier, respondent_is_member=False).count() == 184
    first = result.rows[0]
    assert (first.member, first.reason, first.score) == ("M000", "name and postcode match", 0.95)
    linked = Party.objects.get(case__reference=first.reference, role="respondent")
    assert linked.member.number == "M000"
    assert result.rows[-1].reason == "no candidate above 0.75"
    assert result.rows[-1].is_member is False
    actions = list(LedgerEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions.count("case.opened") == 252
    assert actions[-1] == "dossier.imported"
    shown = dossier_for(actor=world.case_manager, dossier_id=dossier.pk)
    assert [r.reference for r in shown.rows] == [r.reference for r in result.rows]
    assert shown.summary == result.summary


def test_row_errors_name_row_and_field_and_write_nothing(world):
    rows = _rows(0, 3)
    rows[0]["category"] = "gossip"
    rows[2]["summary"] = "   "
    rows.append(dict(rows[1]))  # the same complaint twice in one file
    before = LedgerEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        dossier_import(actor=world.intake, dossier=dossier_from_rows(rows))
    fields = refused.value.fields
    assert set(fields) == {"row 1.category", "row 3.summary", "row 4.row"}
    assert fields["row 4.row"] == "The same complaint as row 2."
    assert fields["row 3.summary"] == "Required."
    assert "3 row(s) of 4 have problems; nothing was imported" in refused.value.message
    assert not Case.objects.exists() and not Dossier.objects.exists()
    assert LedgerEntry.objects.count() == before
    preview = dossier_preview(actor=world.intake, dossier=dossier_from_rows(rows))
    assert [r.status for r in preview.rows] == ["error", "new", "error", "error"]
    assert preview.rows[0].errors["category"].startswith("Unknown category")
    assert not Case.objects.exists()
    assert LedgerEntry.objects.filter(action="dossier.previewed").count() == 1


def test_the_same_file_is_refused_and_the_same_rows_are_not_opened_twice(world):
    data = _csv(_rows(0, 3))
    first = dossier_import(actor=world.intake, dossier=read_dossier(data))
    with pytest.raises(InvalidInput, match=f"already imported as dossier {first.dossier.pk}"):
        dossier_import(actor=world.case_manager, dossier=read_dossier(data))
    # the same complaints again, spelt differently, with one new row: only that one is opened
    again = _rows(0, 4)
    again[0]["respondent_name"] = "  QUENTIN   outsider 000 "
    second = dossier_import(actor=world.intake, dossier=dossier_from_rows(again))
    assert [r.status for r in second.rows] == ["already", "already", "already", "created"]
    assert second.rows[0].message == f"already imported as case {first.rows[0].reference}"
    assert Case.objects.count() == 4
    assert (second.dossier.created, second.dossier.already_imported) == (1, 3)


def test_encodings_bom_latin1_and_missing_columns(world):
    text = HEADER + "Zoë Example,,other_conduct,Said things,complaints\n"
    with_bom = read_dossier("\ufeff".encode() + text.encode("utf-8"))
    assert with_bom.rows[0]["respondent_name"] == "Zoë Example"
    with pytest.raises(InvalidInput, match=r"not UTF-8.*looks like Latin-1"):
        read_dossier(text.encode("latin-1"))
    named = read_dossier(text.encode("latin-1"), encoding="latin-1")
    assert named.rows[0]["respondent_name"] == "Zoë Example"
    with pytest.raises(InvalidInput, match=r"missing column\(s\): category"):
        read_dossier(b"respondent_name,summary\nA,B\n")
    with pytest.raises(InvalidInput, match=r"unknown column\(s\): colour"):
        read_dossier(b"respondent_name,category,summary,colour\nA,other_conduct,B,red\n")
    with pytest.raises(InvalidInput, match="list of objects"):
        read_dossier(b'{"respondent_name": "A"}', filename="d.json")
    assert not Case.objects.exists()


def test_too_many_rows_are_refused_whole(world):
    rows = [{"respondent_name": "A", "category": "other_conduct", "summary": "x"}] * (MAX_ROWS + 1)
    with pytest.raises(InvalidInput, match=f"at most {MAX_ROWS} rows"):
        dossier_import(actor=world.intake, dossier=dossier_from_rows(rows))
    assert not Case.objects.exists() and not Dossier.objects.exists()


def test_a_formula_cell_is_stored_as_text_and_escaped_in_csv_exports(world):
    formula = '=HYPERLINK("http://evil.example","click")'
    rows = [
        {
            "respondent_name": "Rex Example",
            "category": "other_conduct",
            "summary": formula,
            "unit": "complaints",
        }
    ]
    result = dossier_import(actor=world.intake, dossier=dossier_from_rows(rows))
    case = Case.objects.get(reference=result.rows[0].reference)
    assert case.summary == formula
    assert _safe(case.summary) == "'" + formula


def test_permission_is_refused_and_recorded(world):
    rows = _rows(0, 1)
    for persona in ("investigator", "oversight", "political", "admin"):
        with pytest.raises(Forbidden):
            dossier_import(actor=world.people[persona], dossier=dossier_from_rows(rows))
    # an intake officer of one unit may not fill another's with a dossier
    rows[0]["unit"] = "regional"
    with pytest.raises(Forbidden):
        dossier_import(actor=world.intake, dossier=dossier_from_rows(rows))
    assert not Case.objects.exists() and not DossierRow.objects.exists()
    assert LedgerEntry.objects.filter(action="access.denied").count() == 5


def test_every_row_written_is_committed_by_an_entry(world):
    from dueprocess.ledger import state
    from dueprocess.ledger.verify import verify_state

    _register(world, 5)
    dossier_import(actor=world.intake, dossier=dossier_from_rows(_rows(2, 2)))
    assert state.noted_rows() == {}
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_a_case_the_reader_may_not_see_is_counted_but_not_named(world):
    first = dossier_import(actor=world.intake, dossier=dossier_from_rows(_rows(0, 1)))
    case = Case.objects.get(reference=first.rows[0].reference)
    world.advance(case, "investigation")  # out of the intake queue: the intake officer's view
    again = dossier_import(actor=world.intake, dossier=read_dossier(_csv(_rows(0, 1))))
    assert again.rows[0].status == "already"
    assert again.rows[0].message == "already imported, as a case you may not see"
    shown = dossier_for(actor=world.intake, dossier_id=first.dossier.pk)
    assert (shown.rows[0].reference, shown.rows[0].hidden) == ("", True)
    assert shown.summary == "1 of 1 respondents are not members"
    managed = dossier_for(actor=world.case_manager, dossier_id=first.dossier.pk)
    assert managed.rows[0].reference == case.reference


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_file_of_10000_rows_is_refused_whole_with_nothing_written(world, kind: str):
    rows = [
        {
            "respondent_name": f"Quentin Outsider {i:05d}",
            "category": "other_conduct",
            "summary": f"Comment number {i} under a video.",
            "unit": "complaints",
        }
        for i in range(10_000)
    ]
    if kind == "csv":
        data = _csv(rows)
        assert data.count(b"\n") == 10_001  # the header and every row
    else:
        import json

        data = json.dumps(rows).encode()
    dossier = read_dossier(data, filename=f"big.{kind}")
    for service in (dossier_preview, dossier_import):
        with pytest.raises(InvalidInput, match=f"at most {MAX_ROWS} rows") as caught:
            service(actor=world.intake, dossier=dossier)
        assert caught.value.fields == {"file": f"At most {MAX_ROWS} rows."}
    assert not Case.objects.exists() and not Dossier.objects.exists()
    assert not DossierRow.objects.exists()
