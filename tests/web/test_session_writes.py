"""A page view writes no session row unless the session changed or its idle timeout is due for
renewal (at most once a ``SESSION_TOUCH_SECONDS``), and the idle timeout still works."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueprocess.web.sessions import TOUCHED_AT
from tests.world import World

pytestmark = pytest.mark.django_db


def _session_writes(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_repeated_reads_write_no_session_row(world: World, signed_in) -> None:
    client = signed_in("case_manager")
    client.get("/queue/")  # the first view after sign-in may renew
    assert _session_writes(client, "/queue/") == 0
    assert _session_writes(client, "/cases/") == 0


def test_the_idle_timeout_is_renewed_once_the_touch_interval_has_passed(
    world: World, signed_in
) -> None:
    client = signed_in("case_manager")
    client.get("/queue/")
    session = client.session
    session[TOUCHED_AT] = int(time.time()) - 61
    session.save()
    key = session.session_key
    before = Session.objects.get(session_key=key).expire_date
    assert _session_writes(client, "/queue/") == 1
    assert Session.objects.get(session_key=key).expire_date >= before
    assert _session_writes(client, "/queue/") == 0


def test_the_deploy_check_requires_the_idle_timeout_to_be_renewed() -> None:
    from django.test import override_settings

    from dueprocess.web.checks import check_session_lifetime

    assert not [p for p in check_session_lifetime() if p.id == "dueprocess.W001"]
    with override_settings(SESSION_TOUCH_SECONDS=0, SESSION_SAVE_EVERY_REQUEST=False):
        assert [p.id for p in check_session_lifetime()] == ["dueprocess.W001"]
    with override_settings(SESSION_TOUCH_SECONDS=3600):
        assert [p.id for p in check_session_lifetime()] == ["dueprocess.W001"]
