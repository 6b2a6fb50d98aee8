"""The dashboard's aggregates written by hand in SQL: the baseline ``bench_dashboard.py``
compares the query functions against. Each returns the same numbers the figure shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _sql(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _pg() -> bool:
    return _vendor() == "postgresql"


def _time(moment: dt.datetime) -> Any:
    return moment if _pg() else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _month(column: str) -> str:
    return (
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')" if _pg() else f"substr({column}, 1, 7)"
    )


def _flag(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _now() -> dt.datetime:
    from dueprocess.lib import clock

    return clock.now()


def raw_backlog(org: Any) -> list[Any]:
    now = _now()
    edges = [_time(now - dt.timedelta(days=d)) for d in (31, 91, 181)]
    return _sql(
        "SELECT stage, CASE WHEN received_at > %s THEN '0-30' WHEN received_at > %s THEN '31-90'"
        " WHEN received_at > %s THEN '91-180' ELSE '181+' END AS age, COUNT(*) FROM cases_case"
        " WHERE organisation_id = %s AND closed_at IS NULL GROUP BY stage, age",
        [*edges, org.pk],
    )


def raw_deadlines(org: Any) -> list[Any]:
    today = _now().date()
    scope = "FROM cases_case WHERE organisation_id = %s AND closed_at IS NULL"
    totals = _sql(
        f"SELECT {_flag('acknowledged_at IS NULL AND acknowledge_by < %s')},"
        f" {_flag('feedback_by < %s')} {scope}",
        [today, today, org.pk],
    )
    stages = _sql(
        f"SELECT stage, COUNT(*) {scope} AND stage_due_on < %s GROUP BY stage", [org.pk, today]
    )
    return totals + stages


DECIDED = (
    "FROM cases_decision d JOIN cases_case c ON c.id = d.case_id"
    " WHERE c.organisation_id = %s AND d.kind <> 'not_investigated'"
)


def raw_decisions(org: Any) -> list[Any]:
    return _sql(
        f"SELECT d.direction, COUNT(*), {_flag('d.outside_guideline')} {DECIDED}"
        " GROUP BY d.direction",
        [org.pk],
    )


def raw_deciders(org: Any) -> list[Any]:
    sums = ", ".join(
        [_flag(f"d.direction = '{d}'") for d in ("downgrade", "upgrade", "different")]
        + [_flag("d.outside_guideline")]
    )
    rows = _sql(
        f"SELECT p.user_id, COUNT(*), {sums} FROM cases_decision_panel p"
        " JOIN cases_decision d ON d.id = p.decision_id JOIN cases_case c ON c.id = d.case_id"
        " WHERE c.organisation_id = %s AND d.kind <> 'not_investigated' GROUP BY p.user_id",
        [org.pk],
    )
    names = dict(
        _sql("SELECT id, full_name FROM accounts_user WHERE organisation_id = %s", [org.pk])
    )
    return [(names[r[0]], *r[1:]) for r in rows]


def raw_interim(org: Any) -> list[Any]:
    return _sql(
        f"SELECT m.kind, m.ground, {_flag('m.lifted_at IS NULL')},"
        f" {_flag('m.lifted_at IS NOT NULL')},"
        f" {_flag('m.lifted_at IS NULL AND m.review_on < %s')} FROM cases_interimmeasure m"
        " JOIN cases_case c ON c.id = m.case_id WHERE c.organisation_id = %s"
        " GROUP BY m.kind, m.ground",
        [_now().date(), org.pk],
    )


def raw_signoffs(org: Any) -> list[Any]:
    today = _now().date()
    states = [
        "s.status = 'pending' AND s.due_on >= %s",
        "s.status = 'pending' AND s.due_on < %s",
        "s.status = 'signed'",
        "s.status = 'objected'",
        "s.answered_late",
        "s.status = 'withdrawn'",
    ]
    return _sql(
        f"SELECT s.rule, s.label, {', '.join(_flag(c) for c in states)} FROM cases_signoff s"
        " JOIN cases_case c ON c.id = s.case_id WHERE c.organisation_id = %s"
        " GROUP BY s.rule, s.label",
        [today, today, org.pk],
    )


def _actor_sql() -> str:
    if _pg():
        return (
            "encode(substring(entry from position('\\x0a6163746f7220'::bytea in entry) + 7"
            " for 64), 'escape')"
        )
    return "CAST(substr(entry, instr(entry, X'0a6163746f7220') + 7, 64) AS TEXT)"


def _staff(org: Any) -> list[str]:
    from dueprocess.accounts.models import User
    from dueprocess.ledger.record import actor_pseudonym

    return [actor_pseudonym(u) for u in User.objects.filter(organisation=org)]


def raw_channels(org: Any) -> list[Any]:
    from dueprocess.oversight.sql import month_start, recent_months

    since = month_start(recent_months(_now().date(), 12)[0])
    found = []
    for table, column, condition in (
        ("cases_advicerequest", "requested_at", "1 = 1"),
        ("cases_approach", "occurred_at", "t.from_political_office"),
        ("cases_approach", "occurred_at", "NOT t.from_political_office"),
        ("access_emergencyaccess", "requested_at", "1 = 1"),
    ):
        found += _sql(
            f"SELECT {_month('t.' + column)} AS month, COUNT(*) FROM {table} t"
            f" JOIN cases_case c ON c.id = t.case_id WHERE c.organisation_id = %s"
            f" AND t.{column} >= %s AND {condition} GROUP BY month",
            [org.pk, _time(since)],
        )
    staff = _staff(org)
    found += _sql(
        f"SELECT {_month('recorded_at')} AS month, COUNT(*) FROM ledger_ledgerentry"
        f" WHERE action = 'access.denied' AND recorded_at >= %s"
        f" AND {_actor_sql()} IN ({', '.join(['%s'] * len(staff))}) GROUP BY month",
        [_time(since), *staff],
    )
    return found


def raw_register(org: Any) -> list[Any]:
    scope = "JOIN cases_case c ON c.id = t.case_id WHERE c.organisation_id = %s"
    return (
        _sql(
            f"SELECT COUNT(*), {_flag('t.answered_at IS NOT NULL')}, {_flag('t.closed_at IS NULL')}"
            f" FROM cases_advicerequest t {scope}",
            [org.pk],
        )
        + _sql(
            f"SELECT {_flag('t.from_political_office')}, {_flag('NOT t.from_political_office')}"
            f" FROM cases_approach t {scope}",
            [org.pk],
        )
        + _sql(
            f"SELECT COUNT(*), {_flag('t.approved_at IS NOT NULL')},"
            f" {_flag('t.refused_at IS NOT NULL')}"
            f" FROM access_emergencyaccess t {scope}",
            [org.pk],
        )
    )


def _severity(org: Any) -> str:
    ladder = sorted(org.rulebook.rules.ladder(), key=lambda s: -s.severity)
    whens = " ".join(
        f"WHEN CAST(d.sanctions AS TEXT) LIKE '%%{chr(34)}{s.key}{chr(34)}%%' THEN {s.severity}"
        for s in ladder
    )
    return f"CASE {whens} ELSE 0 END"


LATEST = (
    " AND d.finding = 'breach' AND NOT EXISTS (SELECT 1 FROM cases_decision l"
    " WHERE l.case_id = d.case_id AND l.decided_at > d.decided_at)"
)


def _bands(org: Any) -> tuple[list[Any], str, list[Any]]:
    """The spread per category, and the SQL condition (with parameters) for its outliers."""
    from dueprocess.oversight.consistency import Spread

    counts = _sql(
        f"SELECT c.category, {_severity(org)} AS severity, COUNT(*) {DECIDED}{LATEST}"
        " GROUP BY c.category, severity",
        [org.pk],
    )
    spreads: dict[str, Spread] = {}
    for category, severity, n in counts:
        spreads.setdefault(category, Spread(category, {})).counts[severity] = n
    terms, params = ["d.outside_guideline"], []
    for category, one in spreads.items():
        if one.middle is not None:
            terms.append(f"(c.category = %s AND ({_severity(org)} < %s OR {_severity(org)} > %s))")
            params += [category, *one.middle]
    return counts, " OR ".join(terms), params


def raw_consistency(org: Any) -> list[Any]:
    counts, condition, params = _bands(org)
    return counts + _sql(
        f"SELECT c.category, COUNT(*) {DECIDED}{LATEST} AND ({condition}) GROUP BY c.category",
        [org.pk, *params],
    )


def raw_outliers(org: Any) -> list[Any]:
    _, condition, params = _bands(org)
    rows = _sql(
        f"SELECT d.id, c.category, d.sanctions, d.decided_at {DECIDED}{LATEST} AND ({condition})"
        " ORDER BY d.decided_at DESC, d.id DESC LIMIT 200",
        [org.pk, *params],
    )
    ids = [r[0] for r in rows] or [0]
    panels = _sql(
        "SELECT p.decision_id, u.full_name FROM cases_decision_panel p"
        " JOIN accounts_user u ON u.id = p.user_id"
        f" WHERE p.decision_id IN ({', '.join(['%s'] * len(ids))})",
        ids,
    )
    return rows + panels


def raw_alerts(org: Any) -> list[Any]:
    window = "d.decided_at - interval '14 days'" if _pg() else "datetime(d.decided_at, '-14 days')"
    contacts = _sql(
        "SELECT d.id, d.case_id, d.direction, d.decided_at,"
        " (SELECT MAX(a.occurred_at) FROM cases_approach a WHERE a.case_id = d.case_id"
        f" AND a.occurred_at <= d.decided_at AND a.occurred_at >= {window}) AS approach,"
        " (SELECT MAX(r.requested_at) FROM cases_advicerequest r WHERE r.case_id = d.case_id"
        f" AND r.requested_at <= d.decided_at AND r.requested_at >= {window}) AS advice"
        " FROM cases_decision d JOIN cases_case c ON c.id = d.case_id"
        " WHERE c.organisation_id = %s AND d.departs",
        [org.pk],
    )
    staff = _staff(org)
    denials = _sql(
        f"SELECT {_actor_sql()} AS who, {_month('recorded_at')} AS month, COUNT(*),"
        " MAX(recorded_at)"
        f" FROM ledger_ledgerentry WHERE action = 'access.denied'"
        f" AND {_actor_sql()} IN ({', '.join(['%s'] * len(staff))})"
        " GROUP BY who, month HAVING COUNT(*) >= 3",
        [*staff],
    )
    known = _sql("SELECT rule, subject FROM oversight_alert WHERE organisation_id = %s", [org.pk])
    return [r for r in contacts if r[4] or r[5]] + denials + known


RAW: dict[str, Callable[[Any], list[Any]]] = {
    "backlog": raw_backlog,
    "deadlines": raw_deadlines,
    "decisions": raw_decisions,
    "deciders": raw_deciders,
    "interim": raw_interim,
    "signoffs": raw_signoffs,
    "channels": raw_channels,
    "register": raw_register,
    "consistency": raw_consistency,
    "outliers": raw_outliers,
    "alerts": raw_alerts,
}
