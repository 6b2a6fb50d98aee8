"""Writing to the membership register: bulk import from a membership system.

An import is all or nothing. Every row is checked first and every problem is reported against
its row, so a file with one bad row writes nothing and says exactly what to fix — a register
half-imported would silently answer "not a member" for the people in the missing half.
Rows whose number is already in the register update that member; the rest are added.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib.csv_input import ExtraValues, dict_rows, header_problems
from dueprocess.members.models import Member

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

MAX_ROWS = 5000
MAX_REPORTED_ERRORS = 50
COLUMNS = ("number", "full_name", "email", "postcode", "status", "joined_on", "elected_office")
REQUIRED_COLUMNS = ("number", "full_name")
_LIMITS = {"number": 40, "full_name": 200, "email": 254, "postcode": 12, "elected_office": 200}
_UPDATED_FIELDS = [c for c in COLUMNS if c != "number"]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_member_csv(text: str) -> list[dict[str, str]]:
    """Rows of a CSV export with a header line naming (some of) ``COLUMNS``."""
    try:
        return dict_rows(text, check_header=_check_header, max_rows=MAX_ROWS)
    except ExtraValues as extra:
        raise InvalidInput(
            f"Line {extra.line} has more values than the header has columns.",
            fields={"csv": f"Line {extra.line}: too many values."},
        ) from None
    except csv.Error as error:
        raise InvalidInput(
            f"The CSV could not be read: {error}.", fields={"csv": str(error)}
        ) from None


def _check_header(header: list[str]) -> None:
    problems = header_problems(header, COLUMNS, REQUIRED_COLUMNS)
    if problems:
        raise InvalidInput(
            f"The CSV header is not usable: {'; '.join(problems)}.",
            fields={"csv": f"Columns: {', '.join(COLUMNS)} (number and full_name required)."},
        )


@recorded_denials
def members_import(*, actor: User, rows: Sequence[Mapping[str, Any]]) -> ImportResult:
    """Add or update every row, or — if any row has a problem — nothing at all."""
    with transaction.atomic():
        decision = require(actor, "members.import")
        organisation = actor.organisation
        if organisation is None:
            raise InvalidInput("You do not belong to an organisation.")
        if not rows:
            raise InvalidInput("There are no rows to import.", fields={"rows": "Empty."})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(
                f"Import at most {MAX_ROWS} rows at a time.",
                fields={"rows": f"At most {MAX_ROWS} rows."},
            )
        cleaned = _clean_rows(rows)
        existing = {
            m.number: m
            for m in Member.objects.select_for_update().filter(
                organisation=organisation, number__in=[r["number"] for r in cleaned]
            )
        }
        new, changed, unchanged = [], [], 0
        for row in cleaned:
            member = existing.get(row["number"])
            if member is None:
                new.append(Member(organisation=organisation, **row))
            elif _apply(member, row):
                changed.append(member)
            else:
                unchanged += 1
        Member.objects.bulk_create(new, batch_size=500)
        Member.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=500)
        result = ImportResult(created=len(new), updated=len(changed), unchanged=unchanged)
        record(
            actor=actor,
            action="members.imported",
            role=decision.role,
            details={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "sha256": _fingerprint(cleaned),
            },
        )
        return result


@recorded_denials
def members_import_csv(*, actor: User, text: str) -> ImportResult:
    """``members_import`` for a CSV export (see ``parse_member_csv``); the permission is
    checked before the file is read, so a refusal never depends on what was sent."""
    require(actor, "members.import")
    return members_import(actor=actor, rows=parse_member_csv(text))


def _clean_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        row, problems = _clean_row(raw)
        number = row.get("number", "")
        if number and number in seen:
            problems["number"] = f"Also on row {seen[number]}."
        elif number:
            seen[number] = index
        for field, message in problems.items():
            if len(errors) < MAX_REPORTED_ERRORS:
                errors[f"rows[{index}].{field}"] = message
        cleaned.append(row)
    if errors:
        bad_rows = len({key.split("]")[0] for key in errors})
        raise InvalidInput(f"{bad_rows} row(s) have problems; nothing was imported.", fields=errors)
    return cleaned


def _clean_row(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    problems: dict[str, str] = {}
    unknown = [k for k in raw if k not in COLUMNS]
    if unknown:
        problems["row"] = f"Unknown field(s): {', '.join(sorted(map(str, unknown)))}."
    row: dict[str, Any] = {}
    for column, limit in _LIMITS.items():
        value = raw.get(column) or ""
        if not isinstance(value, str):
            problems[column] = "Must be text."
            continue
        value = " ".join(value.split()) if column != "email" else value.strip().lower()
        if "\x00" in value or len(value) > limit:
            problems[column] = f"At most {limit} characters, no NUL."
        row[column] = value
    for column in REQUIRED_COLUMNS:
        if not row.get(column) and column not in problems:
            problems[column] = "Required."
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError:
            problems["email"] = "Not a valid e-mail address."
    row["status"], status_problem = _status(raw.get("status"))
    row["joined_on"], date_problem = _joined_on(raw.get("joined_on"))
    problems.update(
        {k: v for k, v in (("status", status_problem), ("joined_on", date_problem)) if v}
    )
    return row, problems


def _status(value: object) -> tuple[str, str]:
    text = value.strip().lower() if isinstance(value, str) else value
    if text in (None, ""):
        return Member.Status.ACTIVE, ""
    if text not in Member.Status.values:
        return Member.Status.ACTIVE, f"One of: {', '.join(Member.Status.values)}."
    return str(text), ""


def _joined_on(value: object) -> tuple[dt.date | None, str]:
    if value in (None, ""):
        return None, ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value, ""
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None, "A date as YYYY-MM-DD."
    try:
        return dt.date.fromisoformat(value.strip()), ""
    except ValueError:
        return None, "A date as YYYY-MM-DD."


def _apply(member: Member, row: Mapping[str, Any]) -> bool:
    changed = False
    for field in _UPDATED_FIELDS:
        if getattr(member, field) != row[field]:
            setattr(member, field, row[field])
            changed = True
    return changed


def _fingerprint(rows: list[dict[str, Any]]) -> str:
    canonical = json.dumps(rows, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
