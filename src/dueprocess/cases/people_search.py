"""Which cases name a person a search term matches, as one SQL condition.

A case search term matches a case's reference and also the people it names: the name of a
complainant or respondent (the party's own, or their member record's), folded
(``lib.folding.fold``: no case, no accents, spacing collapsed) and matched as a part; or their
member number, folded and matched whole. An anonymous party is never matched at all, so nothing
about them (name, number) can find their case. The condition is applied to
``visible_cases`` (by ``cases.filters``), so the search never reaches a case its reader may not
open.

Why folding at query time and not a stored column: the party row is committed to the ledger
column by column (``ledger.state``), so a derived column would change the canonical form of
every party row already committed and ``verify`` would report each of them. Instead the term is
folded in Python and the names in SQL by ``Folded``: on SQLite a function registered on each
connection that *is* ``fold``; on PostgreSQL ``translate`` and ``replace`` with a table built
from ``fold`` for the Latin letters (``FOLDED_RANGES``), ``lower`` and whitespace collapsing —
a test checks both agree with ``fold`` letter by letter. As an ``EXISTS`` on the one query that
pages the list, it costs what the reference search costs when the reference matches (the
database stops at the page), and a scan of the visible cases' parties when nothing matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.backends.signals import connection_created
from django.db.models import Exists, Func, OuterRef, Q, TextField, Value
from django.db.models.functions import Coalesce

from dueprocess.cases.models import Party
from dueprocess.lib.folding import fold

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

#: The roles whose people a case search finds (witnesses are not searched for).
SEARCHED_ROLES = (Party.Role.COMPLAINANT, Party.Role.RESPONDENT)
#: The letters PostgreSQL folds as ``fold`` does: Latin-1, Latin Extended-A and -B, Latin
#: Extended Additional (Vietnamese and others). Beyond them PostgreSQL only lowers.
FOLDED_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
SQLITE_FUNCTION = "dueprocess_fold"


def _tables() -> tuple[str, str, list[tuple[str, str]]]:
    """``translate``'s from and to strings (one letter each) and the letters that fold to more
    than one (``replace``), from ``fold`` itself."""
    source, target, longer = [], [], []
    for first, last in FOLDED_RANGES:
        for code in range(first, last + 1):
            letter = chr(code)
            folded = fold(letter)
            if folded == letter.lower():
                continue
            if len(folded) == 1:
                source.append(letter)
                target.append(folded)
            else:
                longer.append((letter, folded))
    return "".join(source), "".join(target), longer


_SOURCE, _TARGET, _LONGER = _tables()


class Folded(Func):
    """``fold`` of a text column, in SQL."""

    output_field = TextField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        params = list(params)
        for letter, folded in _LONGER:
            sql = f"replace({sql}, %s, %s)"
            params += [letter, folded]
        sql = f"btrim(regexp_replace(lower(translate({sql}, %s, %s)), '\\s+', ' ', 'g'))"
        return sql, [*params, _SOURCE, _TARGET]


def _register(sender: Any, connection: BaseDatabaseWrapper, **_: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, lambda text: None if text is None else fold(text),
            deterministic=True,
        )  # fmt: skip


def connect() -> None:
    """Register ``fold`` on every SQLite connection (called once, from the app's ``ready``)."""
    connection_created.connect(_register, dispatch_uid="dueprocess.cases.people_search")


def naming(term: str) -> Q:
    """Cases (as a condition on ``Case``) whose complainant or respondent ``term`` names."""
    wanted = fold(term)
    if not wanted:
        return Q(pk__in=[])
    parties = (
        Party.objects.filter(case=OuterRef("pk"), role__in=SEARCHED_ROLES, anonymous=False)
        .alias(
            folded_name=Folded(Coalesce("name", Value(""))),
            folded_member=Folded(Coalesce("member__full_name", Value(""))),
            folded_number=Folded(Coalesce("member__number", Value(""))),
        )
        .filter(
            Q(folded_name__contains=wanted)
            | Q(folded_member__contains=wanted)
            | Q(folded_number=wanted)
        )
    )
    return Q(Exists(parties))
