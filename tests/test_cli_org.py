"""``dueprocess org``: a second organisation on one installation, from the command line."""

from __future__ import annotations

import pytest

from tests.scratch import run, scratch_env

pytestmark = pytest.mark.slow


def test_a_second_organisation_gets_its_own_administrator_and_commands_must_name_one(tmp_path):
    with scratch_env(tmp_path) as env:
        first = run(env, "init", "--slug", "union", "--admin-email", "boss@union.example")
        assert first.returncode == 0, first.stderr
        added = run(
            env, "org", "add", "guild", "--name", "The  Guild", "--rulebook", "university",
            "--admin-email", "admin@guild.example", "--admin-password", "a long pass 2",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        assert "Added The Guild (guild)" in added.stdout
        assert "administrator: admin@guild.example / a long pass 2" in added.stdout
        assert "/report/?organisation=guild" in added.stdout

        # refused with the reason, and nothing half-made: no third organisation
        again = run(env, "org", "add", "guild", "--name", "Again", "--admin-email", "x@g.example")
        assert again.returncode == 2 and "already an organisation 'guild'" in again.stderr
        bad = run(env, "org", "add", "Bad Slug", "--name", "Bad", "--admin-email", "y@b.example")
        assert bad.returncode == 2 and "lower-case letters, digits and hyphens" in bad.stderr
        taken = run(
            env, "org", "add", "third", "--name", "Third", "--admin-email", "boss@union.example"
        )
        assert taken.returncode == 2 and "already has an account" in taken.stderr
        listed = run(env, "org", "list").stdout.splitlines()
        assert [line.split("\t")[0] for line in listed] == ["union", "guild"]  # by name
        assert len(listed) == 2 and any("rulebook" in line and "1 staff" in line for line in listed)

        # with two organisations, a command that acts for one must be told which
        unnamed = run(env, "staff", "add", "ivy@guild.example", "--name", "Ivy")
        assert unnamed.returncode == 2 and "several organisations" in unnamed.stderr
        assert "(union, guild)" in unnamed.stderr
        named = run(env, "staff", "add", "ivy@guild.example", "--name", "Ivy", "--org", "guild")
        assert named.returncode == 0, named.stderr
        staff = run(env, "staff", "list", "--org", "guild").stdout
        assert "ivy@guild.example" in staff and "boss@union.example" not in staff
        report = run(env, "report", "--format", "json")
        assert report.returncode == 2 and "name one with --org" in report.stderr
        assert run(env, "report", "--format", "json", "--org", "guild").returncode == 0
