"""``dueprocess subject-access``: the export written as a ZIP by the administrator named with
``--as``, and every bad input a clear error with a nonzero exit and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from dueprocess.cli import main
from tests.ledger.test_witnessing import policy_file, witnesses  # noqa: F401 (fixtures)
from tests.parties.helpers import entries_since, last_seq
from tests.privacy.helpers import RESPONDENT, loaded, respondent_world, unzip
from tests.world import World


def _args(world: World, out: Path, *extra: str, who: str = "admin") -> list[str]:
    return [
        "subject-access",
        "--email",
        RESPONDENT,
        "--reason",
        "Letter of 1 December",
        "--out",
        str(out),
        "--as",
        world.people[who].email,
        *extra,
    ]


def test_the_administrator_writes_the_zip_and_an_existing_file_needs_force(
    world: World,
    policy_file: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    cases = respondent_world(world)
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "rhea.zip"
    assert main(_args(world, out)) == 0
    said = capsys.readouterr().out
    assert f"wrote {out}: 2 case(s)" in said and "SHA-256" in said
    members = unzip(out.read_bytes())
    assert {c["reference"] for c in loaded(members, "data.json")["cases"]} == {
        c.reference for c in cases
    }
    first = out.read_bytes()
    before = last_seq()
    assert main(_args(world, out)) == 2
    assert "exists" in capsys.readouterr().err and out.read_bytes() == first
    assert not entries_since(before, "subject_access.requested")  # refused before asking
    assert main(_args(world, out, "--force")) == 0
    assert out.read_bytes() != first
    assert [p.name for p in out.parent.iterdir()] == ["rhea.zip"]  # no temporary file left


def test_refusals_and_unknown_people_exit_nonzero_and_write_nothing(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "x.zip"
    before = last_seq()
    assert main(_args(world, out, who="case_manager")) == 2
    assert capsys.readouterr().err.startswith("dueprocess subject-access: ")
    assert [d["attempted"] for _, d in entries_since(before, "access.denied")] == [
        "privacy.subject_access"
    ]
    assert main(_args(world, out)) == 2  # nobody with that address yet
    assert "No one is on record" in capsys.readouterr().err
    args = _args(world, out)
    args[args.index("--as") + 1] = "nobody@westfold.example"
    assert main(args) == 2
    assert "no active account" in capsys.readouterr().err
    missing = _args(world, tmp_path / "no-such-dir" / "x.zip")
    assert main(missing) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(SystemExit):  # two ways of naming the person: argparse refuses
        main([*_args(world, out), "--member", "M-1"])
