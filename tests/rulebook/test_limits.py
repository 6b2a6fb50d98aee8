"""A rulebook too deep or with absurd keys is refused at once with a clear error, before the
TOML parser can exhaust the stack or the memory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dueprocess.cli import main
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import MAX_BYTES, load_rulebook, parse_rulebook
from dueprocess.rulebooks import bundled

PARTY = bundled("party").read_text()


def refused(tmp_path: Path, text: str) -> str:
    path = tmp_path / "hostile.toml"
    path.write_text(text)
    started = time.monotonic()
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    assert time.monotonic() - started < 2.0
    [issue] = caught.value.issues
    assert str(issue).startswith(f"{path}: ")
    return str(issue)


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path):
    message = refused(tmp_path, PARTY + "\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "nest more than 32 deep" in message and "line " in message
    message = refused(tmp_path, "x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n")
    assert "nest more than 32 deep" in message


def test_a_key_of_very_many_parts_is_refused(tmp_path: Path):
    message = refused(tmp_path, ".".join(["a"] * 50_000) + " = 1\n")
    assert "line 1: a key has more than 16 dotted parts" in message
    message = refused(tmp_path, "[" + ".".join(['"a"'] * 50_000) + "]\n")
    assert "more than 16 dotted parts" in message


def test_a_very_long_key_and_a_huge_file_are_refused(tmp_path: Path):
    assert "a key is longer than 256 characters" in refused(tmp_path, "a" * 10_000 + " = 1\n")
    with pytest.raises(RulebookError, match="is larger than 1024 KiB"):
        parse_rulebook(b"#" * (MAX_BYTES + 1), source="big.toml")


def test_strings_comments_and_numbers_do_not_count(tmp_path: Path):
    nested = "[" * 40 + "." * 40
    text = PARTY + f"\n# {nested}\n"
    text = text.replace("[rulebook]\n", f"[rulebook]\n# {nested}\n", 1)
    path = tmp_path / "fine.toml"
    path.write_text(text)
    assert load_rulebook(path).name  # comments with brackets and dots are fine
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(f'x = "{nested}"\ny = """{nested}\n"""\nz = 1.5\n'.encode())
    assert not any("nest" in str(i) or "dotted" in str(i) for i in caught.value.issues)


def test_rulebook_check_reports_it_without_a_traceback(tmp_path: Path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert main(["rulebook", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: 1 problem" in err and "nest more than 32 deep" in err
    assert "Traceback" not in err and "RecursionError" not in err
