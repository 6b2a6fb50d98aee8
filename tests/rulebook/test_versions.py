"""A case keeps the rulebook version it was opened under; a new version rewrites no history."""

from __future__ import annotations

from pathlib import Path

from dueprocess.accounts.models import Organisation
from dueprocess.rulebook.models import RulebookVersion
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled


def test_installing_the_same_file_twice_stores_one_version(world):
    again = rulebook_install(path=bundled("party"))
    assert again.pk == world.organisation.rulebook.pk
    assert RulebookVersion.objects.filter(sha256=again.sha256).count() == 1


def test_old_cases_keep_their_version_and_its_rules(world, tmp_path: Path):
    old_case = world.case_at("triage")
    changed = bundled("party").read_text().replace('label = "Triage"', 'label = "Assessment"')
    path = tmp_path / "party-v2.toml"
    path.write_text(changed)
    version = rulebook_install(path=path)
    Organisation.objects.filter(pk=world.organisation.pk).update(rulebook=version)
    world.organisation.refresh_from_db()
    new_case = world.case_at("triage")
    old_case.refresh_from_db()
    assert old_case.rulebook.sha256 != new_case.rulebook.sha256
    assert old_case.rulebook.rules.stages["triage"].label == "Triage"
    assert new_case.rulebook.rules.stages["triage"].label == "Assessment"
