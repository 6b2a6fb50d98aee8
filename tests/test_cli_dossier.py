"""``dueprocess dossier import``: the example file through a fresh installation's command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scratch import run, scratch_env

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "dossier.csv"


def test_the_example_dossier_is_previewed_imported_and_refused_the_second_time(tmp_path):
    with scratch_env(tmp_path) as env:

        def ok(*args: str) -> str:
            result = run(env, *args)
            assert result.returncode == 0, (args, result.stderr)
            return result.stdout

        ok("init", "--admin-email", "boss@example.org", "--admin-password", "a long pass 1")
        # nobody may import yet: the command says whom to name
        assert "--as EMAIL" in run(env, "dossier", "import", str(EXAMPLE)).stderr
        ok("staff", "add", "ivy@example.org", "--name", "Ivy Intake")
        ok("staff", "grant", "ivy@example.org", "intake_officer", "--unit", "complaints")
        preview = ok("dossier", "import", str(EXAMPLE), "--dry-run")
        assert "dry run: 3 case(s) would be opened" in preview
        assert "3 of 3 respondents are not members" in preview
        imported = ok("dossier", "import", str(EXAMPLE), "--as", "ivy@example.org")
        assert "3 case(s) opened" in imported and "row 1: created" in imported
        again = run(env, "dossier", "import", str(EXAMPLE))
        assert again.returncode == 2 and "already imported as dossier 1" in again.stderr
        latin = tmp_path / "latin.csv"
        latin.write_bytes(EXAMPLE.read_bytes().replace(b"Rex", "Zoë".encode("latin-1")))
        refused = run(env, "dossier", "import", str(latin))
        assert refused.returncode == 2 and "looks like Latin-1" in refused.stderr
        # every case row the import wrote is committed on the ledger
        assert "each match the ledger's latest commitment" in ok("verify")
