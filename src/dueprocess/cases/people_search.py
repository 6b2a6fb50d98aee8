"""Which of the cases someone may see name a person a search term matches.

A case search term matches a case's reference (in SQL) and also the people it names: the name
of a complainant or respondent (the party's own, or their member record's), folded
(``lib.folding``: no case, no accents, spacing collapsed) and matched as a part; or their
member number, folded and matched whole. Only the parties of ``visible_cases`` are read — the
search never reaches a case its reader may not open — and an anonymous party is never read at
all, so nothing about them (name, number) can find their case.

Folding happens in Python so SQLite and PostgreSQL agree, and so the party row (committed to the
ledger, column by column) gains no derived column. The cost: one query that streams the
complainants and respondents of the reader's visible cases (four short columns each) and a fold
of each name — measured at about 0.1 s per 10,000 parties on the development machine, only
when a search term is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dueprocess.cases.models import Party
from dueprocess.lib.folding import fold

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dueprocess.cases.models import Case

#: The roles whose people a case search finds (witnesses are not searched for).
SEARCHED_ROLES = (Party.Role.COMPLAINANT, Party.Role.RESPONDENT)
#: A term naming people in more cases than this is refused: type more of the name.
MAX_NAMED_CASES = 5000


class TooManyNamed(Exception):
    """The term names people in more than ``MAX_NAMED_CASES`` visible cases."""


def cases_naming(visible: QuerySet[Case], term: str) -> set[int]:
    """The ids of the cases in ``visible`` whose complainant or respondent ``term`` names."""
    wanted = fold(term)
    if not wanted:
        return set()
    parties = (
        Party.objects.filter(case__in=visible, role__in=SEARCHED_ROLES, anonymous=False)
        .order_by()
        .values_list("case_id", "name", "member__full_name", "member__number")
    )
    found: set[int] = set()
    for case_id, name, member_name, number in parties.iterator(chunk_size=2000):
        if case_id in found:
            continue
        if (
            (name and wanted in fold(name))
            or (member_name and wanted in fold(member_name))
            or (number and wanted == fold(number))
        ):
            found.add(case_id)
            if len(found) > MAX_NAMED_CASES:
                raise TooManyNamed
    return found
