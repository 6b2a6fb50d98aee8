"""Sign-off rules in a rulebook: each mistake is reported with the file, the key and the problem."""

from __future__ import annotations

import pytest

from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import load_rulebook, parse_rulebook
from dueprocess.rulebooks import bundled

PARTY = bundled("party").read_text()
SECTION = """[[sign_offs]]
key = "leader_suspension"
label = "Leader's sign-off to suspend an elected representative"
applies_to_measure = "administrative_suspension"
when = "respondent_is_elected_representative"
signer_role = "political_office"
due_days = 2
"""


def with_section(section: str) -> str:
    assert SECTION in PARTY
    return PARTY.replace(SECTION, section)


def problems(text: str) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text.encode(), source="broken.toml")
    return [str(issue) for issue in caught.value.issues]


def test_the_party_rulebook_needs_the_leaders_sign_off_to_suspend_an_elected_representative():
    rule = load_rulebook(bundled("party")).sign_offs["leader_suspension"]
    assert rule.applies_to_measure == "administrative_suspension"
    assert rule.when == "respondent_is_elected_representative"
    assert (rule.signer_role, rule.due_days) == ("political_office", 2)


def test_a_rulebook_without_sign_offs_is_valid_and_asks_for_none():
    rules = parse_rulebook(with_section("").encode())
    assert rules.sign_offs == {}


def test_when_defaults_to_always():
    rules = parse_rulebook(
        with_section(
            SECTION.replace('when = "respondent_is_elected_representative"\n', "")
        ).encode()
    )
    assert rules.sign_offs["leader_suspension"].when == "always"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'applies_to_measure = "administrative_suspension"',
            'applies_to_measure = "house_arrest"',
            "broken.toml: sign_offs[0].applies_to_measure: unknown interim measure 'house_arrest'",
        ),
        (
            'signer_role = "political_office"',
            'signer_role = "the_leader"',
            "broken.toml: sign_offs[0].signer_role: unknown role 'the_leader'",
        ),
        (
            'signer_role = "political_office"',
            'signer_role = "administrator"',
            "broken.toml: sign_offs[0].signer_role: administrators never take part in cases",
        ),
        (
            'when = "respondent_is_elected_representative"',
            'when = "whenever_convenient"',
            "broken.toml: sign_offs[0].when: must be one of always, "
            "respondent_is_elected_representative, not 'whenever_convenient'",
        ),
        ("due_days = 2", "due_days = 0", "broken.toml: sign_offs[0].due_days: must be at least 1"),
        ("due_days = 2", 'due_days = "two"', "broken.toml: sign_offs[0].due_days: must be a whole"),
        ("due_days = 2\n", "", "broken.toml: sign_offs[0].due_days: is required but missing"),
        (
            'key = "leader_suspension"',
            'key = "Leader Suspension"',
            "broken.toml: sign_offs[0].key: 'Leader Suspension' must be lower_snake_case",
        ),
        (
            "due_days = 2",
            "due_days = 2\nveto = true",
            "broken.toml: sign_offs[0].veto: is not a known key",
        ),
    ],
)
def test_each_sign_off_mistake_names_the_file_the_key_and_the_problem(old, new, expected):
    found = problems(with_section(SECTION.replace(old, new)))
    assert any(issue.startswith(expected) for issue in found), found


def test_a_sign_off_key_defined_twice_is_an_error():
    found = problems(with_section(SECTION + "\n" + SECTION))
    assert any("sign_offs[1].key: 'leader_suspension' is defined twice" in i for i in found), found


def test_sign_offs_must_be_an_array_of_tables():
    text = with_section("").replace(
        'schema = "dueprocess.rulebook/1"\n',
        'schema = "dueprocess.rulebook/1"\nsign_offs = "leader"\n',
    )
    found = problems(text)
    assert any("sign_offs: must be an array of tables" in i for i in found), found
