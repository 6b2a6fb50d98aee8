"""Importing a dossier: a file of complaints received together, one case per row.

A dossier is a recorded object — who submitted it, when, how many rows, its file's SHA-256 —
and each of its rows becomes a case (source ``dossier``, linked to the dossier), opened through
``case_open`` like every other case, with its own ``case.opened`` entry.

The import is all or nothing. Every row is checked first (columns, category, unit, dates,
addresses) and every problem is reported with its row number and field; if any row has one,
nothing is written at all — fix the file and import it again. There is no "import the valid
rows only": a dossier half-imported would be a dossier nobody can account for. A preview
(``dossier_preview``) gives the same per-row answer and writes nothing but its ledger entry.

Nothing is opened twice. The same file again (by its SHA-256) is refused with the dossier it
already is; a row whose complaint was already imported — from this file or another — is
reported as "already imported as case REF" and not opened again (its fingerprint is a hash of
its fields, normalised: case, accents and spacing do not make a new complaint).

Every respondent is matched against the membership register (``members.matching``): the best
candidate scoring at least ``MATCH_THRESHOLD`` is taken as the respondent, with the reasons;
otherwise the respondent is flagged "not a member" on the case (``respondent_is_member``) with
the reason, and the summary says how many of the respondents are not members.

A row may repeat an earlier complaint without being literally the same (``cases.duplicates``:
the same respondent, and similar allegations or the same source link) — an earlier row of the
same file, or a case already open that the importer may see. It still opens a case: whether it
is a duplicate is triage's decision, on the case page where the earlier case is suggested. The
row records what it repeats, and the summary counts and names them ("row 17 repeats row 3").
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require, require_open_in, visible_cases
from dueprocess.accounts.models import Unit
from dueprocess.cases.duplicates import (
    Complaint,
    Repeat,
    complaint,
    first_earlier_repeats,
    repeat_of,
)
from dueprocess.cases.models import Case, Dossier, DossierRow
from dueprocess.cases.services.opening import AllegationInput, PartyInput, case_open
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.lib.csv_input import ExtraValues, dict_rows, header_problems
from dueprocess.members.matching import Candidate, candidates, normalise_name
from dueprocess.members.models import Member

if TYPE_CHECKING:
    from dueprocess.access.policy import Verdict
    from dueprocess.accounts.models import Organisation, User

MAX_ROWS = 5000
#: The summary names this many repeated rows at most (every row says what it repeats).
MAX_NAMED_REPEATS = 100
MAX_REPORTED_ERRORS = 100
#: A respondent is taken to be the register's best candidate when it scores at least this.
MATCH_THRESHOLD = 0.75
#: Added to a candidate's score when its postcode is the row's (at most 1.0 in all).
POSTCODE_BONUS = 0.05

COLUMNS = (
    "respondent_name",
    "respondent_email",
    "respondent_postcode",
    "respondent_member_number",
    "category",
    "summary",
    "occurred_on",
    "evidence",
    "complainant_name",
    "complainant_email",
    "unit",
)
REQUIRED_COLUMNS = ("respondent_name", "category", "summary")
_LIMITS = {
    "respondent_name": 200,
    "respondent_email": 254,
    "respondent_postcode": 12,
    "respondent_member_number": 40,
    "category": 60,
    "summary": 20000,
    "occurred_on": 10,
    "evidence": 500,
    "complainant_name": 200,
    "complainant_email": 254,
    "unit": 50,
}
_EMAILS = ("respondent_email", "complainant_email")


@dataclass(frozen=True)
class DossierFile:
    """A dossier as read from a file or a request: its rows (field name -> text) and the
    SHA-256 that identifies it."""

    rows: list[dict[str, Any]]
    sha256: str
    filename: str = ""


@dataclass(frozen=True)
class RowResult:
    row: int  # 1 = the first row after the header
    status: str  # "new" (to be opened), "created", "already" or "error"
    reference: str = ""  # the case it opened, or was already imported as
    errors: dict[str, str] = field(default_factory=dict)
    member: str = ""  # the matched member's number, if any
    score: float | None = None
    reason: str = ""  # why the respondent is (or is not) taken to be that member
    hidden: bool = False  # a case the reader may not see: counted, nothing else shown
    repeats: str = ""  # the earlier complaint it may repeat: "row 3", "case C-2026-00004"
    repeat_reason: str = ""  # why it looks like a repeat

    @property
    def is_member(self) -> bool | None:
        return None if self.status == "error" or self.hidden else bool(self.member)

    @property
    def message(self) -> str:
        if self.status == "already":
            if not self.reference:
                return "already imported, as a case you may not see"
            return f"already imported as case {self.reference}"
        if self.status == "error":
            return "; ".join(f"{k}: {v}" for k, v in self.errors.items())
        return self.reason


@dataclass(frozen=True)
class DossierResult:
    sha256: str
    rows: list[RowResult]
    dossier: Dossier | None = None  # None for a preview, or an import that wrote nothing

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r.status in statuses)

    @property
    def has_errors(self) -> bool:
        return self.count("error") > 0

    @property
    def respondents(self) -> int:
        if self.dossier is not None:
            return self.dossier.created + self.dossier.already_imported
        return sum(1 for r in self.rows if r.status != "error")

    @property
    def non_members(self) -> int:
        if self.dossier is not None:
            return self.dossier.non_members
        return sum(1 for r in self.rows if r.is_member is False)

    @property
    def summary(self) -> str:
        return f"{self.non_members} of {self.respondents} respondents are not members"

    @property
    def duplicates(self) -> int:
        if self.dossier is not None:
            return self.dossier.duplicates
        return sum(1 for r in self.rows if r.repeats)

    @property
    def duplicates_summary(self) -> str:
        """ "20 rows repeat an earlier complaint: row 17 repeats row 3, …" """
        count = self.duplicates
        if not count:
            return "No row repeats an earlier complaint."
        named = [f"row {r.row} repeats {r.repeats}" for r in self.rows if r.repeats]
        shown = ", ".join(named[:MAX_NAMED_REPEATS])
        if len(named) > MAX_NAMED_REPEATS:
            shown += f" and {len(named) - MAX_NAMED_REPEATS} more"
        unseen = count - len(named)
        if unseen:
            shown += f"{', and ' if named else ''}{unseen} row(s) of cases you may not see"
        verb = "row repeats" if count == 1 else "rows repeat"
        return f"{count} {verb} an earlier complaint: {shown}."


# -- reading -----------------------------------------------------------------------------------


def read_dossier(data: bytes, *, filename: str = "", encoding: str = "") -> DossierFile:
    """A CSV file (a header line naming ``COLUMNS``) or a JSON file (a list of objects), UTF-8
    with or without a byte-order mark — or in ``encoding`` when it is named."""
    text = _decode(data, encoding)
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        rows = parse_dossier_json(text)
    else:
        rows = parse_dossier_csv(text)
    return DossierFile(rows=rows, sha256=hashlib.sha256(data).hexdigest(), filename=filename)


def dossier_from_csv(text: str, *, filename: str = "") -> DossierFile:
    """A dossier sent as CSV text (its SHA-256 is of the text as UTF-8)."""
    return DossierFile(
        rows=parse_dossier_csv(text.removeprefix("\ufeff")),
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        filename=filename,
    )


def dossier_from_rows(rows: Sequence[Mapping[str, Any]], *, filename: str = "") -> DossierFile:
    """A dossier sent as rows (its SHA-256 is of their canonical JSON)."""
    canonical = json.dumps(list(rows), sort_keys=True, separators=(",", ":"), default=str)
    return DossierFile(
        rows=[dict(r) for r in rows],
        sha256=hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest(),
        filename=filename,
    )


def _decode(data: bytes, encoding: str) -> str:
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise InvalidInput(
                f"Unknown encoding {encoding!r}.", fields={"encoding": "Unknown."}
            ) from None
        except UnicodeDecodeError as error:
            raise InvalidInput(
                f"The file is not {encoding}: {error.reason} at byte {error.start}.",
                fields={"file": "Wrong encoding."},
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        guess = ""
        try:
            data.decode("cp1252")
            guess = " It looks like Latin-1 (Windows-1252):"
        except UnicodeDecodeError:
            pass
        raise InvalidInput(
            f"The file is not UTF-8 (byte 0x{data[error.start]:02x} on line {line})."
            f"{guess} save it as UTF-8, or name its encoding (--encoding latin-1); nothing"
            " was imported.",
            fields={"file": "Not UTF-8."},
        ) from None


def parse_dossier_csv(text: str) -> list[dict[str, Any]]:
    """Rows of a CSV file whose header line names (some of) ``COLUMNS``."""
    try:
        return list(dict_rows(text, check_header=_check_header, max_rows=MAX_ROWS))
    except ExtraValues as extra:
        raise InvalidInput(
            f"Row {extra.row} has more values than the header has columns.",
            fields={f"row {extra.row}": "Too many values."},
        ) from None
    except csv.Error as error:
        raise InvalidInput(
            f"The CSV could not be read: {error}.", fields={"file": str(error)}
        ) from None


def parse_dossier_json(text: str) -> list[dict[str, Any]]:
    """Rows of a JSON file: a list of objects whose keys are ``COLUMNS``."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InvalidInput(
            f"The JSON could not be read: {error}.", fields={"file": "Not JSON."}
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInput(
            "A JSON dossier is a list of objects, one per complaint.",
            fields={"file": "Expected a list of objects."},
        )
    return data


def _check_header(header: list[str]) -> None:
    problems = header_problems(header, COLUMNS, REQUIRED_COLUMNS)
    if problems:
        raise InvalidInput(
            f"The dossier's header is not usable: {'; '.join(problems)}; nothing was imported.",
            fields={
                "file": f"Columns: {', '.join(COLUMNS)} ({', '.join(REQUIRED_COLUMNS)} required)."
            },
        )


# -- the services ------------------------------------------------------------------------------


@recorded_denials
def dossier_preview(*, actor: User, dossier: DossierFile) -> DossierResult:
    """What importing ``dossier`` would do, row by row — nothing is written but the entry
    recording that the register was read."""
    with transaction.atomic():
        decision, organisation = _allowed(actor)
        _not_imported_before(organisation, dossier.sha256)
        plan = _plan(actor, organisation, dossier.rows)
        result = DossierResult(sha256=dossier.sha256, rows=[p.result for p in plan])
        record(
            actor=actor,
            action="dossier.previewed",
            role=decision.role,
            details=_details(result),
        )
        return result


@recorded_denials
def dossier_import(*, actor: User, dossier: DossierFile) -> DossierResult:
    """Open a case for every new row of ``dossier`` — or, if any row has a problem, nothing."""
    try:
        return _import(actor, dossier)
    except IntegrityError:
        # Another import of the same file or rows committed first.
        raise InvalidInput(
            "Another import of this file or of some of its rows finished first; nothing was"
            " written. Preview it again to see which rows are already in.",
            fields={"file": "Imported meanwhile."},
        ) from None


def _import(actor: User, dossier: DossierFile) -> DossierResult:
    with transaction.atomic():
        decision, organisation = _allowed(actor)
        _not_imported_before(organisation, dossier.sha256)
        plan = _plan(actor, organisation, dossier.rows)
        errors = {
            f"row {p.result.row}.{name}": message
            for p in plan
            for name, message in p.result.errors.items()
        }
        if errors:
            bad = sum(1 for p in plan if p.result.status == "error")
            raise InvalidInput(
                f"{bad} row(s) of {len(plan)} have problems; nothing was imported.",
                fields=dict(list(errors.items())[:MAX_REPORTED_ERRORS]),
            )
        now = clock.now()
        stored = Dossier.objects.create(
            organisation=organisation,
            submitted_by=actor,
            submitted_at=now,
            filename=dossier.filename[:200],
            sha256=dossier.sha256,
            rows=len(plan),
        )
        results = []
        opened: dict[int, Case] = {}  # row number -> the case it opened
        for planned in plan:
            if planned.result.status == "already":
                results.append(planned.result)
                continue
            repeats = opened[planned.repeats_row] if planned.repeats_row else planned.repeats_case
            case = _open(actor, stored, planned, repeats)
            opened[planned.result.row] = case
            results.append(
                RowResult(
                    row=planned.result.row,
                    status="created",
                    reference=case.reference,
                    member=planned.result.member,
                    score=planned.result.score,
                    reason=planned.result.reason,
                    repeats=planned.result.repeats,
                    repeat_reason=planned.result.repeat_reason,
                )
            )
        counted = DossierResult(sha256=dossier.sha256, rows=results)
        stored.created = counted.count("created")
        stored.already_imported = counted.count("already")
        stored.non_members = counted.non_members
        stored.duplicates = counted.duplicates
        stored.save(update_fields=["created", "already_imported", "non_members", "duplicates"])
        result = DossierResult(sha256=dossier.sha256, rows=results, dossier=stored)
        record(
            actor=actor,
            action="dossier.imported",
            role=decision.role,
            details={"dossier": stored.pk, **_details(result)},
        )
        return result


@recorded_denials
def dossier_for(*, actor: User, dossier_id: int) -> DossierResult:
    """An imported dossier of the actor's organisation with its rows, as imported."""
    with transaction.atomic():
        decision, organisation = _allowed(actor)
        stored = Dossier.objects.filter(organisation=organisation, pk=dossier_id).first()
        if stored is None:
            raise NotFound("No such dossier.")
        # the rows of cases the reader may not see are counted, and show nothing else
        visible = set(visible_cases(actor).filter(dossier=stored).values_list("pk", flat=True))
        imported = list(stored.imported_rows.select_related("case", "member", "repeats"))
        row_of = {r.case_id: r.number for r in imported}
        repeated = {r.repeats_id for r in imported if r.repeats_id} - set(row_of)
        shown = set(visible_cases(actor).filter(pk__in=repeated).values_list("pk", flat=True))
        rows = [
            RowResult(
                row=r.number,
                status="created",
                reference=r.case.reference,
                member=r.member.number if r.member else "",
                score=r.score,
                reason=r.reason,
                repeats=_repeats(r, row_of, shown),
                repeat_reason=r.repeat_reason,
            )
            if r.case_id in visible
            else RowResult(row=r.number, status="created", hidden=True)
            for r in imported
        ]
        result = DossierResult(sha256=stored.sha256, rows=rows, dossier=stored)
        record(
            actor=actor,
            action="dossier.viewed",
            role=decision.role,
            details={"dossier": stored.pk},
        )
        return result


@recorded_denials
def require_dossier_import(*, actor: User) -> None:
    """May ``actor`` import dossiers at all? For the page, before any file is read; a refusal
    is recorded. Each service asks again inside its own transaction."""
    _allowed(actor)


def _repeats(row: DossierRow, row_of: dict[int, int], shown: set[int]) -> str:
    """What ``row`` repeats, as its reader may be told: a row of the same dossier, a case they
    may see, or only that there is one."""
    if row.repeats_id is None:
        return ""
    if row.repeats_id in row_of:
        return f"row {row_of[row.repeats_id]}"
    if row.repeats_id in shown:
        assert row.repeats is not None
        return f"case {row.repeats.reference}"
    return "a case you may not see"


def _allowed(actor: User) -> tuple[Verdict, Organisation]:
    """Importing a dossier opens cases and reads the register: it takes both permissions."""
    decision = require(actor, "case.open")
    require(actor, "members.view")
    organisation = actor.organisation
    if organisation is None:
        raise InvalidInput("You do not belong to an organisation.")
    return decision, organisation


def _not_imported_before(organisation: Organisation, sha256: str) -> None:
    earlier = (
        Dossier.objects.filter(organisation=organisation, sha256=sha256)
        .select_related("submitted_by")
        .first()
    )
    if earlier is not None:
        raise InvalidInput(
            f"This file was already imported as dossier {earlier.pk} on"
            f" {earlier.submitted_at:%Y-%m-%d %H:%M} UTC by {earlier.submitted_by.email};"
            " nothing was imported again.",
            fields={"file": f"Already imported as dossier {earlier.pk}."},
        )


def _details(result: DossierResult) -> dict[str, Any]:
    return {
        "sha256": result.sha256,
        "rows": len(result.rows),
        "created": result.count("created"),
        "new": result.count("new"),
        "already": result.count("already"),
        "errors": result.count("error"),
        "non_members": result.non_members,
        "duplicates": result.duplicates,
    }


# -- checking and matching rows ----------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    result: RowResult
    values: dict[str, Any] = field(default_factory=dict)
    unit: Unit | None = None
    fingerprint: str = ""
    member: Member | None = None
    repeats_row: int | None = None  # an earlier row of the file it may repeat
    repeats_case: Case | None = None  # or a case already open


def _plan(
    actor: User, organisation: Organisation, rows: Sequence[Mapping[str, Any]]
) -> list[_Planned]:
    if not rows:
        raise InvalidInput("The dossier has no rows.", fields={"file": "No rows."})
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            f"Import at most {MAX_ROWS} rows at a time (this dossier has more); nothing was"
            " imported. Split it into smaller files.",
            fields={"file": f"At most {MAX_ROWS} rows."},
        )
    rules = organisation.rulebook.rules
    units = {u.slug: u for u in Unit.objects.filter(organisation=organisation)}
    numbers = {
        str(raw.get("respondent_member_number") or "").strip()
        for raw in rows
        if isinstance(raw.get("respondent_member_number"), str)
    } - {""}
    known_numbers = set(
        Member.objects.filter(organisation=organisation, number__in=numbers).values_list(
            "number", flat=True
        )
    )
    cleaned: list[tuple[int, dict[str, Any], dict[str, str], Unit | None, str]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows, start=1):
        values, problems = _clean_row(raw, set(rules.categories), known_numbers)
        unit = _unit(units, values.get("unit", ""), problems)
        fingerprint = _fingerprint(values, unit) if not problems else ""
        if fingerprint in seen:
            problems["row"] = f"The same complaint as row {seen[fingerprint]}."
        elif fingerprint:
            seen[fingerprint] = index
        cleaned.append((index, values, problems, unit, fingerprint))
    for unit_id in sorted({c[3].pk for c in cleaned if c[3] is not None and not c[2]}):
        require_open_in(actor, unit_id)  # every case it would open, in a unit of the actor's
    already = dict(
        DossierRow.objects.filter(
            organisation=organisation, fingerprint__in=[c[4] for c in cleaned if c[4]]
        ).values_list("fingerprint", "case__reference")
    )
    # a row already imported names its case only to someone who may see that case
    shown = set(
        visible_cases(actor)
        .filter(reference__in=already.values())
        .values_list("reference", flat=True)
    )
    plan = []
    for index, values, problems, unit, fingerprint in cleaned:
        if problems:
            plan.append(_Planned(RowResult(row=index, status="error", errors=problems)))
            continue
        member, score, reason = _match(organisation, values)
        status = "already" if fingerprint in already else "new"
        result = RowResult(
            row=index,
            status=status,
            reference=already[fingerprint] if already.get(fingerprint) in shown else "",
            member=member.number if member else "",
            score=score,
            reason=reason,
        )
        plan.append(_Planned(result, values, unit, fingerprint, member))
    return _with_repeats(actor, organisation, plan)


def _with_repeats(actor: User, organisation: Organisation, plan: list[_Planned]) -> list[_Planned]:
    """Each new row that may repeat an earlier complaint — the first earlier new row of the
    file that it may repeat, else the oldest case the importer may see — says so. The cases
    are looked up for every row that repeats no earlier row at once
    (``first_earlier_repeats``), not one query per row."""
    wanted: dict[int, Complaint] = {}
    in_file: dict[int, tuple[int, Repeat]] = {}
    earlier: list[tuple[int, Complaint]] = []
    for position, planned in enumerate(plan):
        if planned.result.status != "new":
            continue
        values = planned.values
        this = complaint(
            members=[planned.member.pk] if planned.member else [],
            names=[values["respondent_name"]],
            texts=[values["summary"]],
            sources=[values["evidence"]],
        )
        for number, other in earlier:
            repeat = repeat_of(this, other)
            if repeat is not None:
                in_file[position] = (number, repeat)
                break
        else:
            wanted[position] = this
        earlier.append((planned.result.row, this))
    against_cases = dict(
        zip(
            wanted,
            first_earlier_repeats(actor, organisation.pk, list(wanted.values())),
            strict=True,
        )
    )
    marked = []
    for position, planned in enumerate(plan):
        row, case, repeats, why = None, None, "", ""
        found = against_cases.get(position)
        if position in in_file:
            row, repeat = in_file[position]
            repeats, why = f"row {row}", repeat.reason
        elif found is not None:
            case, repeat = found
            repeats, why = f"case {case.reference}", repeat.reason
        elif position not in wanted:
            marked.append(planned)  # an error, or a row imported before
            continue
        result = replace(planned.result, repeats=repeats, repeat_reason=why)
        marked.append(replace(planned, result=result, repeats_row=row, repeats_case=case))
    return marked


def _clean_row(
    raw: Mapping[str, Any], categories: set[str], known_numbers: set[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    problems: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        return {}, {"row": "Must be an object."}
    unknown = [str(k) for k in raw if k not in COLUMNS]
    if unknown:
        problems["row"] = f"Unknown field(s): {', '.join(sorted(unknown))}."
    values: dict[str, Any] = {}
    for column, limit in _LIMITS.items():
        value = raw.get(column)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems[column] = "Must be text."
            continue
        value = value.strip() if column == "summary" else " ".join(value.split())
        if column in _EMAILS:
            value = value.lower()
        if "\x00" in value:
            problems[column] = "Contains a NUL character."
        elif len(value) > limit:
            problems[column] = f"At most {limit} characters."
        values[column] = value
    for column in REQUIRED_COLUMNS:
        if not values.get(column) and column not in problems:
            problems[column] = "Required."
    for column in _EMAILS:
        if values.get(column):
            try:
                validate_email(values[column])
            except ValidationError:
                problems[column] = "Not a valid e-mail address."
    category = values.get("category", "")
    if category and category not in categories:
        problems["category"] = f"Unknown category; one of: {', '.join(sorted(categories))}."
    number = values.get("respondent_member_number", "")
    if number and number not in known_numbers:
        problems["respondent_member_number"] = "Not in the membership register."
    if values.get("occurred_on"):
        try:
            occurred = dt.date.fromisoformat(values["occurred_on"])
        except ValueError:
            problems["occurred_on"] = "A date as YYYY-MM-DD."
        else:
            if occurred > clock.today():
                problems["occurred_on"] = "Must not be in the future."
            values["occurred_on"] = occurred
    else:
        values["occurred_on"] = None
    return values, problems


def _unit(units: dict[str, Unit], slug: str, problems: dict[str, str]) -> Unit | None:
    if slug:
        if slug not in units:
            problems["unit"] = "Unknown unit."
        return units.get(slug)
    if len(units) != 1:
        problems.setdefault("unit", "Required: the organisation has several units.")
        return None
    return next(iter(units.values()))


def _fingerprint(values: Mapping[str, Any], unit: Unit | None) -> str:
    """SHA-256 of the row's complaint in normalised form: who about, what, when, by whom."""
    canonical = {
        "unit": unit.pk if unit else None,
        "respondent": normalise_name(values["respondent_name"]),
        "respondent_email": values["respondent_email"],
        "respondent_postcode": _postcode(values["respondent_postcode"]),
        "respondent_member_number": values["respondent_member_number"].casefold(),
        "category": values["category"],
        "summary": " ".join(normalise_name(values["summary"]).split()),
        "occurred_on": values["occurred_on"].isoformat() if values["occurred_on"] else "",
        "evidence": values["evidence"],
        "complainant": normalise_name(values["complainant_name"]),
        "complainant_email": values["complainant_email"],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _postcode(value: str) -> str:
    return "".join(value.split()).upper()


def _match(
    organisation: Organisation, values: Mapping[str, Any]
) -> tuple[Member | None, float | None, str]:
    """The register's best candidate for the row's respondent, if it scores at least
    ``MATCH_THRESHOLD`` (a postcode the same as the row's adds ``POSTCODE_BONUS``)."""
    found = candidates(
        organisation,
        name=values["respondent_name"],
        email=values["respondent_email"],
        number=values["respondent_member_number"],
    )
    postcode = _postcode(values["respondent_postcode"])
    ranked = sorted(
        (_with_postcode(c, postcode) for c in found), key=lambda c: (-c.score, c.member.number)
    )
    if not ranked:
        return None, None, f"no candidate above {MATCH_THRESHOLD:.2f}"
    best = ranked[0]
    if best.score < MATCH_THRESHOLD:
        return (
            None,
            best.score,
            f"no candidate above {MATCH_THRESHOLD:.2f} (best {best.score:.2f}:"
            f" {_phrase(best.reasons)})",
        )
    return best.member, best.score, _phrase(best.reasons)


def _with_postcode(candidate: Candidate, postcode: str) -> Candidate:
    if not postcode or _postcode(candidate.member.postcode) != postcode:
        return candidate
    return Candidate(
        member=candidate.member,
        score=round(min(1.0, candidate.score + POSTCODE_BONUS), 3),
        reasons=(*candidate.reasons, "postcode matches"),
    )


def _phrase(reasons: Sequence[str]) -> str:
    """("name matches", "postcode matches") -> "name and postcode match"."""
    plain = [r.removesuffix(" matches") for r in reasons if r.endswith(" matches")]
    if len(plain) == len(reasons) and len(plain) > 1:
        return f"{', '.join(plain[:-1])} and {plain[-1]} match"
    return "; ".join(reasons)


def _open(actor: User, stored: Dossier, planned: _Planned, repeats: Case | None) -> Case:
    values = planned.values
    assert planned.unit is not None
    member_number = planned.result.member
    case = case_open(
        actor=actor,
        unit=planned.unit,
        category=values["category"],
        summary=values["summary"],
        complainant=PartyInput(
            name=values["complainant_name"],
            email=values["complainant_email"],
            anonymous=not values["complainant_name"],
        ),
        respondent=PartyInput(
            name=values["respondent_name"],
            email=values["respondent_email"],
            member_number=member_number,
        ),
        allegations=[
            AllegationInput(
                summary=values["summary"],
                occurred_on=values["occurred_on"],
                source=values["evidence"],
            )
        ],
        source=Case.Source.DOSSIER,
    )
    case.dossier = stored
    case.respondent_is_member = bool(member_number)
    case.save(update_fields=["dossier", "respondent_is_member"])
    DossierRow.objects.create(
        organisation=stored.organisation,
        dossier=stored,
        number=planned.result.row,
        case=case,
        fingerprint=planned.fingerprint,
        member=planned.member,
        score=planned.result.score,
        reason=planned.result.reason[:300],
        repeats=repeats,
        repeat_reason=planned.result.repeat_reason[:200],
    )
    return case
