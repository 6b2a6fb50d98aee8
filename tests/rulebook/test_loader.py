"""Every kind of rulebook mistake gets an error that names the file, the key and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import load_rulebook, parse_rulebook
from dueprocess.rulebooks import bundled

PARTY = bundled("party").read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text.encode(), source="broken.toml")
    return [str(issue) for issue in caught.value.issues]


def edit(old: str, new: str, *, count: int = 1) -> str:
    assert old in PARTY, old
    return PARTY.replace(old, new, count)


@pytest.mark.parametrize("name", ["party", "university"])
def test_the_bundled_rulebooks_are_valid(name):
    rules = load_rulebook(bundled(name))
    assert rules.sha256 and len(rules.sha256) == 64
    assert rules.initial_stage == next(iter(rules.stages))


def test_the_party_rulebook_models_the_process_in_the_brief():
    rules = load_rulebook(bundled("party"))
    assert set(rules.categories) == {
        "antisemitism",
        "islamophobia",
        "other_racism",
        "sexual_harassment",
        "bullying_harassment",
        "other_conduct",
    }
    assert [s.key for s in rules.ladder()] == [
        "no_further_action",
        "reminder_of_conduct",
        "formal_warning",
        "suspension",
        "expulsion",
    ]
    assert rules.sanctions["education_course"].combinable
    assert rules.sanctions["formal_warning"].expiry_months == 18
    assert rules.deadlines.acknowledge_days == 7 and rules.deadlines.feedback_months == 3
    assert rules.conflicts.political_office_months == 24
    grounds = {g.key for g in rules.interim_measures["administrative_suspension"].grounds}
    assert "press_interest" not in grounds and grounds
    assert {"triage", "investigation", "panel", "hearing", "notified", "appeal", "closed"} <= set(
        rules.stages
    )


def test_a_file_that_is_not_toml_is_reported_with_its_line():
    [issue] = problems(PARTY + "\n[[stages]\n")
    assert issue.startswith("broken.toml: is not valid TOML") and "line" in issue


def test_a_file_that_is_not_utf8_is_reported():
    with pytest.raises(RulebookError, match="not valid UTF-8"):
        parse_rulebook(b"schema = '\xff'", source="broken.toml")


def test_a_missing_file_is_reported_by_name(tmp_path: Path):
    with pytest.raises(RulebookError, match=r"nowhere\.toml: cannot read file"):
        load_rulebook(tmp_path / "nowhere.toml")


def test_an_unknown_key_is_named_with_its_path():
    text = edit('[rulebook]\nname = "', '[rulebook]\ncolour = "red"\nname = "')
    assert any("broken.toml: rulebook.colour: is not a known key" in p for p in problems(text))


def test_a_missing_required_key_is_named():
    text = edit('name = "Complaints and Disciplinary Procedure (party)"\n', "")
    assert "broken.toml: rulebook.name: is required but missing" in problems(text)


def test_a_value_of_the_wrong_type_is_named():
    text = edit("acknowledge_days = 7", 'acknowledge_days = "seven"')
    assert (
        "broken.toml: deadlines.acknowledge_days: must be a whole number, not 'seven'"
        in problems(text)
    )


def test_a_negative_deadline_is_refused():
    text = edit("acknowledge_days = 7", "acknowledge_days = 0")
    assert "broken.toml: deadlines.acknowledge_days: must be at least 1, not 0" in problems(text)


def test_an_unknown_role_is_refused():
    text = edit("[roles.intake_officer]", "[roles.spin_doctor]")
    assert any("roles.spin_doctor: unknown role 'spin_doctor'" in p for p in problems(text))


def test_a_transition_granted_to_a_role_that_cannot_act_on_cases_is_refused():
    text = edit('roles = ["intake_officer", "case_manager"]', 'roles = ["political_office"]')
    found = problems(text)
    assert any(
        re.search(r"transitions\[0\]\.roles\[0\]: 'political_office' cannot act on cases", p)
        for p in found
    )


def test_a_transition_to_an_unknown_stage_is_refused():
    text = edit('to = "triage"', 'to = "limbo"')
    assert any("transitions[0].to: unknown stage 'limbo'" in p for p in problems(text))


def test_a_transition_from_an_unknown_stage_is_refused():
    text = edit('from = ["received"]', 'from = ["nowhere"]')
    assert any("transitions[0].from[0]: unknown stage 'nowhere'" in p for p in problems(text))


def test_an_unknown_phase_is_refused():
    text = edit('phase = "intake"', 'phase = "purgatory"')
    assert any("stages[0].phase: must be one of" in p for p in problems(text))


def test_press_interest_is_never_a_ground_for_an_interim_measure():
    text = edit(
        '[[interim_measures.grounds]]\nkey = "risk_of_harm"',
        '[[interim_measures.grounds]]\nkey = "press_interest"\nlabel = "Likely press interest"\n'
        '[[interim_measures.grounds]]\nkey = "risk_of_harm"',
    )
    assert any("'press_interest' looks like press or media interest" in p for p in problems(text))


def test_a_media_ground_under_another_name_is_refused_too():
    text = edit(
        'label = "Risk of harm to members, staff or the public"',
        'label = "Risk of embarrassing media coverage"',
    )
    assert any("looks like press or media interest" in p for p in problems(text))


def test_a_stage_that_cannot_be_reached_is_refused():
    text = PARTY + '\n[[stages]]\nkey = "orphan"\nlabel = "Orphan"\nphase = "decision"\n'
    assert any("'orphan' cannot be reached from 'received'" in p for p in problems(text))


def test_a_stage_with_no_way_out_is_refused():
    text = edit('from = ["notified"]\nto = "closed"', 'from = ["appeal"]\nto = "closed"')
    text = text.replace(
        'key = "request_hearing"\nlabel = "Respondent requests a hearing"\nfrom = ["notified"]',
        'key = "request_hearing"\nlabel = "Respondent requests a hearing"\nfrom = ["appeal"]',
    ).replace(
        'key = "lodge_appeal"\nlabel = "Lodge an appeal"\nfrom = ["notified"]',
        'key = "lodge_appeal"\nlabel = "Lodge an appeal"\nfrom = ["appeal"]',
    )
    assert any("'notified' is not terminal but has no way out" in p for p in problems(text))


def test_a_process_without_a_terminal_stage_is_refused():
    text = edit("terminal = true", "terminal = false")
    assert "broken.toml: stages: needs at least one terminal stage (terminal = true)" in problems(
        text
    )


def test_a_guideline_range_upside_down_is_refused():
    text = edit(
        'guideline_min = "formal_warning"\nguideline_max = "expulsion"',
        'guideline_min = "expulsion"\nguideline_max = "formal_warning"',
    )
    assert any(
        "categories[0].guideline_min: 'expulsion' is more severe" in p for p in problems(text)
    )


def test_a_guideline_naming_an_unknown_sanction_is_refused():
    text = edit('guideline_max = "expulsion"', 'guideline_max = "banishment"')
    assert any(
        "categories[0].guideline_max: unknown sanction 'banishment'" in p for p in problems(text)
    )


def test_a_key_defined_twice_is_refused():
    text = edit('key = "islamophobia"', 'key = "antisemitism"')
    assert any("categories[1].key: 'antisemitism' is defined twice" in p for p in problems(text))


def test_a_key_that_is_not_snake_case_is_refused():
    text = edit('key = "islamophobia"', 'key = "Islamo Phobia"')
    assert any("must be lower_snake_case" in p for p in problems(text))


def test_two_ranked_sanctions_with_the_same_severity_are_refused():
    text = edit("severity = 1", "severity = 0")
    assert any("ranked sanctions need distinct severities" in p for p in problems(text))


def test_not_investigated_without_required_reasons_is_refused():
    text = edit(
        'kind = "not_investigated"\nreasons = "required"',
        'kind = "not_investigated"\nreasons = "optional"',
    )
    assert any("a 'not_investigated' transition must require reasons" in p for p in problems(text))


def test_a_process_without_a_decision_step_is_refused():
    text = PARTY.replace('kind = "decide"', 'kind = "move"')
    assert "broken.toml: transitions: needs at least one transition of kind 'decide'" in problems(
        text
    )


def test_a_bad_reference_prefix_is_refused():
    text = edit('reference_prefix = "C"', 'reference_prefix = "case"')
    assert (
        "broken.toml: rulebook.reference_prefix: 'case' must be 1 to 4 capital letters"
        in problems(text)
    )


def test_a_panel_quorum_larger_than_the_panel_is_refused():
    text = edit("size = 3\nquorum = 3", "size = 3\nquorum = 4")
    assert "broken.toml: panel.quorum: 4 exceeds the panel size 3" in problems(text)


def test_a_wrong_schema_identifier_is_refused():
    text = edit('schema = "dueprocess.rulebook/1"', 'schema = "something/else"')
    assert "broken.toml: schema: must be 'dueprocess.rulebook/1'" in problems(text)


def test_every_problem_is_reported_at_once():
    text = edit("acknowledge_days = 7", "acknowledge_days = -1").replace(
        'to = "triage"', 'to = "x"', 1
    )
    found = problems(text)
    assert len(found) >= 2


def test_the_hash_changes_with_any_byte_and_names_the_version():
    first = parse_rulebook(PARTY.encode())
    second = parse_rulebook((PARTY + "\n# a comment\n").encode())
    assert first.sha256 != second.sha256


def test_the_suppression_threshold_comes_from_the_rulebook_and_defaults_to_five():
    assert parse_rulebook(PARTY.encode(), source="p.toml").suppression_threshold == 5
    text = PARTY + "\n[transparency]\nsuppression_threshold = 10\n"
    assert parse_rulebook(text.encode(), source="p.toml").suppression_threshold == 10
    too_low = PARTY + "\n[transparency]\nsuppression_threshold = 1\n"
    assert problems(too_low) == [
        "broken.toml: transparency.suppression_threshold: must be at least 2, not 1"
    ]
    unknown = PARTY + "\n[transparency]\nthreshold = 10\n"
    assert any("transparency.threshold" in p for p in problems(unknown))


def test_the_report_publishers_come_from_the_rulebook_and_can_only_narrow_the_policy():
    rules = parse_rulebook(PARTY.encode(), source="p.toml")
    assert rules.report_publishers == ("case_manager", "oversight")
    narrowed = PARTY + '\n[transparency]\npublishers = ["oversight"]\n'
    assert parse_rulebook(narrowed.encode(), source="p.toml").report_publishers == ("oversight",)
    widened = PARTY + '\n[transparency]\npublishers = ["oversight", "investigator"]\n'
    assert problems(widened) == [
        "broken.toml: transparency.publishers: 'investigator' may not publish the report"
        " (choose among case_manager, oversight)"
    ]


def _without_parties(text: str) -> str:
    return text[: text.index("[parties]")]


def test_a_rulebook_without_a_parties_table_still_loads_with_the_stage_labels():
    rules = parse_rulebook(_without_parties(PARTY).encode())
    assert rules.parties.response_days == 14
    assert rules.parties.stage_words == {key: st.label for key, st in rules.stages.items()}
    assert rules.parties.hearing_request == "" and rules.parties.appeal == ""


def test_the_response_window_is_required_and_positive():
    text = PARTY.replace("response_days = 14", "")
    assert "broken.toml: parties.response_days: is required but missing" in problems(text)
    text = PARTY.replace("response_days = 14", "response_days = 0")
    assert any("parties.response_days: must be at least 1" in p for p in problems(text))


def test_every_stage_needs_words_for_the_parties_and_only_real_stages_have_them():
    missing = PARTY.replace('appeal = "Under appeal."\n', "")
    assert (
        "broken.toml: parties.stage_words.appeal: the stage 'appeal' needs words for the parties"
        in problems(missing)
    )
    unknown = PARTY + 'apeal = "Under apeal."\n'
    assert "broken.toml: parties.stage_words.apeal: unknown stage 'apeal'" in problems(unknown)


def test_an_unknown_key_in_parties_is_a_load_error():
    text = PARTY.replace("response_days = 14", "response_days = 14\nrespons_days = 3")
    assert any("parties.respons_days: is not a known key here" in p for p in problems(text))


def test_the_respondents_own_steps_must_be_plain_steps_of_the_rulebook():
    text = PARTY.replace('appeal = "lodge_appeal"', 'appeal = "lodge_apeal"')
    assert "broken.toml: parties.appeal: unknown transition 'lodge_apeal'" in problems(text)
    text = PARTY.replace('hearing_request = "request_hearing"', 'hearing_request = "decide"')
    assert "broken.toml: parties.hearing_request: 'decide' must be a plain step (kind 'move')" in (
        problems(text)
    )
    # an appeal must start from a stage with a window, or "within the window" means nothing
    text = PARTY.replace('appeal = "lodge_appeal"', 'appeal = "acknowledge"')
    found = problems(text)
    assert any("'acknowledge' starts at 'received', a stage with no window" in p for p in found)


def test_the_bundled_rulebooks_give_the_parties_words_for_every_stage():
    for name in ("party", "university"):
        rules = parse_rulebook(bundled(name).read_bytes())
        assert set(rules.parties.stage_words) == set(rules.stages)
        assert rules.parties.response_days >= 1
