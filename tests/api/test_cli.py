"""``dueprocess api token``: the secret printed once, lists without secrets, revocation."""

from __future__ import annotations

import datetime as dt

from dueprocess.api.models import ApiToken
from dueprocess.api.tokens import digest
from dueprocess.cli import main
from tests.api.client import enrol


def test_create_prints_the_secret_once_and_list_never_shows_it(world, capsys):
    enrol(world.case_manager)
    code = main(
        [
            "api",
            "token",
            "create",
            "--email",
            world.case_manager.email,
            "--name",
            "bridge",
            "--scopes",
            "cases:read, cases:write",
            "--days",
            "30",
        ]
    )
    assert code == 0
    printed = capsys.readouterr()
    secret = printed.out.strip()
    assert secret.startswith("dp_") and printed.out.count("\n") == 1
    token = ApiToken.objects.get()
    assert token.secret_sha256 == digest(secret)
    assert token.scopes == ["cases:read", "cases:write"]
    assert abs(token.expires_at - token.created_at - dt.timedelta(days=30)) < dt.timedelta(
        minutes=1
    )
    assert main(["api", "token", "list", "--email", world.case_manager.email]) == 0
    listing = capsys.readouterr().out
    assert token.prefix in listing and "live" in listing and secret not in listing


def test_create_refuses_a_case_worker_without_an_authenticator_app(world, capsys):
    code = main(
        [
            "api",
            "token",
            "create",
            "--email",
            world.investigator.email,
            "--name",
            "x",
            "--scopes",
            "cases:read",
        ]
    )
    assert code == 2
    assert "authenticator app" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_revoke_by_prefix(world, capsys):
    enrol(world.case_manager)
    main(
        [
            "api",
            "token",
            "create",
            "--email",
            world.case_manager.email,
            "--name",
            "x",
            "--scopes",
            "cases:read",
        ]
    )
    prefix = ApiToken.objects.get().prefix
    assert (
        main(["api", "token", "revoke", "--email", world.case_manager.email, "--prefix", prefix])
        == 0
    )
    assert ApiToken.objects.get().revoked_at is not None
    assert (
        main(["api", "token", "revoke", "--email", "nobody@example.org", "--prefix", prefix]) == 2
    )
