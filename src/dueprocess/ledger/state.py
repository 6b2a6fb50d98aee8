"""Binding the case data to the ledger: every row a change writes is committed in its entry.

A ledger entry proves *that* something happened; without this module it would not prove *what*
the case tables now say — an insider with write access to the database could lower a sanction in
the decisions table and every signature would still verify. So each save of a row of a
**committed model** inside a transaction is noted (``post_save``, ``post_delete``,
``m2m_changed``); the next ``record()`` in that transaction reads every noted row back from the
database, hashes its canonical form (``row_digest``), stores one ``LedgerRowState`` per row and
puts the hash of them all (``state_hash``) into the entry's signed ``state`` line. ``verify``
(``ledger.reconcile``) recomputes every row of every committed model and compares it with its
latest commitment.

Rows are read back rather than hashed from the saved instance so that the canonical form is
exactly what the database holds and ``verify`` will later read (a string assigned to a date
field, a naive datetime, a float in a decimal field would otherwise hash differently).

The noted rows live on an ``on_commit`` callback of the savepoint (or transaction) they were
written in, so a rolled-back transaction or savepoint drops them with everything else it wrote.
A committed transaction that still holds noted rows wrote a row no entry committed to: that is
logged as an error (and ``verify`` reports the row as having no entry).

Which models are committed is declared here, by label, for every model of the project: a test
fails for any model in neither ``COMMITTED`` nor ``NOT_COMMITTED`` (with its reason).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

#: Every model whose rows are case data or decide access to it: each write is committed.
COMMITTED: frozenset[str] = frozenset(
    {
        "cases.case",
        "cases.statuschange",
        "cases.party",
        "cases.allegation",
        "cases.recommendation",
        "cases.decision",
        "cases.decisionannouncement",
        "cases.note",
        "cases.evidenceitem",
        "evidence.evidencefile",
        "evidence.interview",
        "evidence.consent",
        "evidence.recordedperson",
        "cases.interimmeasure",
        "cases.assignment",
        "cases.recusal",
        "cases.signoff",
        "cases.advicerequest",
        "cases.approach",
        "cases.dossier",
        "cases.dossierrow",
        "cases.decisionsummary",
        "cases.summaryreview",
        "cases.hearing",
        "cases.hearingpanelist",
        "cases.adjournment",
        "cases.hearingrecord",
        "cases.panelconstitution",
        "cases.panelseatholder",
        "cases.panelvote",
        "cases.appeal",
        "cases.appealoutcome",
        "cases.review",
        "cases.reviewer",
        "cases.reviewoutcome",
        "access.emergencyaccess",
        "accounts.rolemembership",
        "accounts.trainingrecord",
        "accounts.interestdeclaration",
        "parties.partyaccess",
        "parties.message",
        "parties.writtenresponse",
        "oversight.reportpublication",
        "parties.redaction",
        "parties.receiptrenewal",
        "parties.redactionwithdrawal",
        "parties.evidencewithholding",
        "parties.evidencerelease",
        "parties.partyfile",
        "letters.feedbackgiven",
        "letters.digestsubscription",
    }
)

#: Every other model, with the reason its rows are not committed.
NOT_COMMITTED: dict[str, str] = {
    "cases.referencecounter": "a counter handing out references; every reference it gave is"
    " in a committed case row",
    "accounts.organisation": "created once by init; its name and rulebook are configuration",
    "accounts.unit": "created once by init from the rulebook",
    "accounts.user": "sign-in credentials and profile; who holds which role is committed"
    " (accounts.rolemembership)",
    "members.member": "the membership register, replaced wholesale by each import; the import"
    " is itself a ledger entry",
    "api.apitoken": "credentials (a hash of each token) and their last use; issuing and"
    " revoking are ledger entries",
    "oversight.alert": "derived from the case data and the ledger, recomputed when shown",
    "rulebook.rulebookversion": "the rulebook's text, identified by its own content hash",
    "letters.letter": "the outbox: each letter's content hash is in its letter.queued entry and"
    " each delivery, bounce or failure is an entry; its lease and retry columns change with no"
    " entry by design",
    "letters.deadlineclaim": "claims that make each deadline action happen once; each action is"
    " an entry",
    "letters.notice": "a person's reminders and escalations, each of them an entry",
    "ledger.ledgerhead": "the ledger itself",
    "ledger.ledgerentry": "the ledger itself",
    "ledger.ledgerpayload": "the ledger itself (checked against each entry's commitment)",
    "ledger.ledgerrowstate": "the ledger itself (checked against each entry's state)",
    "ledger.subjectkey": "keys, destroyed on erasure by design",
    "ledger.checkpoint": "the ledger itself (signed)",
    "ledger.cosignature": "the ledger itself (signed by the witnesses)",
    "ledger.ledgertile": "public hashes derived from the entries, checked by every tile client",
}

#: The digest recorded for a row a change deleted.
DELETED = "deleted"

#: Columns added to a committed table after rows of it could already have been committed:
#: table -> {column: the value the migration gave the rows that existed}. A row whose column
#: still holds that value is hashed without it, so a row committed before the column existed
#: matches its commitment after the upgrade (without this, ``verify`` on an upgraded database
#: would report every such row as changed); a row holding any other value is hashed with it.
#: A new column on a committed model goes here, and into ``tests/ledger/committed_columns.txt``,
#: whose test fails until it is in one or the other deliberately.
ADDED_LATER: dict[str, dict[str, Any]] = {
    "accounts_interestdeclaration": {
        "reviewed_by_id": None,
        "reviewed_at": None,
        "outcome": "",
        "review_note": "",
    },
    "cases_case": {"dossier_id": None},
    "cases_decision": {"sealed": False, "seal_salt": ""},
    "cases_dossier": {"duplicates": 0},
    "cases_hearingrecord": {"others_present": []},
    "cases_dossierrow": {"repeats_id": None, "repeat_reason": ""},
    "cases_party": {"member_match": ""},
    "evidence_consent": {"hearing_id": None, "answer": "given"},
    "parties_partyaccess": {"respond_by": None},
}


class UnrecordedWrite(RuntimeError):
    """A committed model was written by a transaction that appended no ledger entry."""


@dataclass(frozen=True, order=True)
class RowState:
    """One row as a change left it: its table, its primary key and the hash of its canonical
    form (or ``DELETED``)."""

    table: str
    row: str
    digest: str


def is_committed(model: type[models.Model]) -> bool:
    return model._meta.label_lower in COMMITTED


def committed_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in sorted(COMMITTED)]


# -- canonical form -------------------------------------------------------------------------


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    elif value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")


def _same(value: Any) -> Any:
    return value


#: How each type a column can hold is written in the canonical form, looked up by exact type
#: (verify hashes every row of every committed table, so this is its inner loop).
_BY_TYPE: dict[type, Any] = {
    str: _same,
    int: _same,
    bool: _same,
    type(None): _same,
    dt.datetime: _datetime,
    dt.date: dt.date.isoformat,
    decimal.Decimal: str,
    uuid.UUID: str,
    float: repr,
    bytes: bytes.hex,
    memoryview: lambda value: bytes(value).hex(),
    list: lambda value: [_canonical_value(item) for item in value],
    tuple: lambda value: [_canonical_value(item) for item in value],
    dict: lambda value: {str(key): _canonical_value(item) for key, item in value.items()},
}


def _canonical_value(value: Any) -> Any:
    convert = _BY_TYPE.get(type(value))
    if convert is None:
        raise TypeError(f"no canonical form for {type(value).__name__}")
    return convert(value)


def row_digest(table: str, pk: Any, fields: dict[str, Any]) -> str:
    """SHA-256 of ``dueprocess/row/v1``, the table, the key and the fields as sorted JSON."""
    by_type = _BY_TYPE
    later = ADDED_LATER.get(table)
    if later:
        fields = {
            name: value
            for name, value in fields.items()
            if name not in later or value != later[name] or type(value) is not type(later[name])
        }
    try:
        canonical = {name: by_type[type(value)](value) for name, value in fields.items()}
    except KeyError as unknown:
        raise TypeError(f"no canonical form for {unknown}") from None
    body = json.dumps(
        canonical,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    text = f"dueprocess/row/v1\n{table}\n{pk}\n{body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def state_hash(rows: Iterable[RowState]) -> str:
    """The entry's ``state``: SHA-256 over one sorted ``table row digest`` line per row (the
    hash of nothing when the change wrote no row)."""
    lines = sorted(f"{r.table} {r.row} {r.digest}\n" for r in rows)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _many_to_many(model: type[models.Model]) -> list[models.ManyToManyField[Any, Any]]:
    return list(model._meta.many_to_many)


def canonical_rows(
    model: type[models.Model], pks: Iterable[Any] | None = None, *, chunk: int = 2000
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """``(pk, fields)`` of the model's rows (all of them when ``pks`` is None), as the database
    holds them, in primary-key order; many-to-many links appear as sorted lists of keys."""
    names = _fields(model)
    pk_name = model._meta.pk.attname
    queryset = model._base_manager.order_by(pk_name)
    if pks is not None:
        queryset = queryset.filter(pk__in=list(pks))
    links: dict[str, dict[Any, list[Any]]] = {}
    for field in _many_to_many(model):
        through = field.remote_field.through
        assert through is not None
        source = field.m2m_column_name()
        target = field.m2m_reverse_name()
        pairs = through._base_manager.all()
        if pks is not None:
            pairs = pairs.filter(**{f"{source}__in": list(pks)})
        grouped: dict[Any, list[Any]] = {}
        for owner, other in pairs.values_list(source, target):
            grouped.setdefault(owner, []).append(other)
        links[field.name] = grouped
    for values in queryset.values(*names).iterator(chunk_size=chunk):
        pk = values[pk_name]
        for name, grouped in links.items():
            values[name] = sorted(grouped.get(pk, []))
        yield pk, values


# -- noting writes --------------------------------------------------------------------------


class _Noted:
    """The rows written in the current transaction and not yet committed by an entry; an
    ``on_commit`` callback of that transaction, so a rollback discards it."""

    def __init__(self) -> None:
        self.rows: dict[str, set[Any]] = {}

    def __call__(self) -> None:
        if self.rows:
            described = ", ".join(f"{label} {sorted(pks)}" for label, pks in self.rows.items())
            logger.error("rows written with no ledger entry committing to them: %s", described)


def _live() -> list[_Noted]:
    """Every noting callback of the current transaction still standing: those registered in a
    savepoint that was rolled back are gone with it."""
    return [registered[1] for registered in connection.run_on_commit
            if isinstance(registered[1], _Noted)]  # fmt: skip


def _current() -> _Noted:
    """The noting callback of the current savepoint (or transaction), created on first use."""
    savepoints = set(connection.savepoint_ids)
    for registered in connection.run_on_commit:
        if isinstance(registered[1], _Noted) and registered[0] == savepoints:
            return registered[1]
    noted = _Noted()
    transaction.on_commit(noted)
    return noted


def _note(model: type[models.Model], pk: Any) -> None:
    if pk is None or not is_committed(model):
        return
    if not connection.in_atomic_block:
        logger.error(
            "%s %s was written outside a transaction: no entry can commit to it",
            model._meta.label_lower,
            pk,
        )
        return
    _current().rows.setdefault(model._meta.label_lower, set()).add(pk)


def _on_write(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    """A row saved or deleted: either way, the next entry commits to what is now there."""
    _note(sender, instance.pk)


def _on_links(
    sender: Any,
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **_: Any,
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        _note(type(instance), instance.pk)
    else:
        for pk in pk_set or ():
            _note(model, pk)


def connect() -> None:
    """Listen for writes of every model (called once, from the ledger app's ``ready``)."""
    post_save.connect(_on_write, dispatch_uid="dueprocess.ledger.state.save")
    post_delete.connect(_on_write, dispatch_uid="dueprocess.ledger.state.delete")
    m2m_changed.connect(_on_links, dispatch_uid="dueprocess.ledger.state.links")


def noted_rows() -> dict[str, set[Any]]:
    """The rows written in this transaction that no entry has committed to yet."""
    rows: dict[str, set[Any]] = {}
    for noted in _live() if connection.in_atomic_block else []:
        for label, pks in noted.rows.items():
            rows.setdefault(label, set()).update(pks)
    return rows


def _take() -> dict[str, set[Any]]:
    rows = noted_rows()
    for noted in _live() if connection.in_atomic_block else []:
        noted.rows = {}
    return rows


def take_noted() -> list[RowState]:
    """Read every noted row back from the database, hash it, and forget it: the rows the entry
    about to be appended commits to."""
    states: list[RowState] = []
    for label, pks in sorted(_take().items()):
        model = apps.get_model(label)
        table = model._meta.db_table
        found = dict(canonical_rows(model, pks))
        for pk in pks:
            fields = found.get(pk)
            digest = DELETED if fields is None else row_digest(table, pk, fields)
            states.append(RowState(table=table, row=str(pk), digest=digest))
    return sorted(states)


def discard_noted() -> None:
    """Forget the noted rows (only where appends are switched off, for benchmarks)."""
    _take()
