"""Letter templates: named by the rulebook, checked when it loads, overridable, rendered."""

from __future__ import annotations

import shutil

import pytest

from dueprocess.cases import services as svc
from dueprocess.letters.models import Letter
from dueprocess.letters.outbox import letter_facts
from dueprocess.letters.render import load_template, render
from dueprocess.lib import clock
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.letters import check_template, fill, parse_template
from dueprocess.rulebook.loader import load_rulebook
from dueprocess.rulebook.versions import letter_template_dirs
from dueprocess.rulebooks import RULEBOOK_DIR, bundled

PARTY_LETTERS = {
    "acknowledgement",
    "notice_of_allegations",
    "interim_suspension_notice",
    "interim_measure_continued",
    "interim_measure_ended",
    "hearing_referral",
    "hearing_notice",
    "hearing_adjourned",
    "outcome",
    "warning_letter",
    "suspension_letter",
    "appeal_outcome",
    "feedback",
}


def test_the_party_rulebook_names_its_letters():
    rules = load_rulebook(bundled("party"))
    assert set(rules.letters) == PARTY_LETTERS
    assert rules.letters["acknowledgement"].on == ("acknowledge",)
    assert rules.letters["suspension_letter"].sanctions == ("suspension",)


def test_an_unknown_placeholder_is_refused_on_load_with_file_line_and_name(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    bad = folder / "outcome.txt"
    bad.write_text("Subject: {{ reference }}\n\nDear {{ recipient_name }},\n\n{{ verdict }}\n")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(bundled("party"), letters_override=tmp_path)
    (issue,) = caught.value.issues
    assert issue.source == str(bad) and issue.key == "line 5"
    assert "'verdict'" in issue.message
    assert str(bad) in str(caught.value) and "line 5" in str(caught.value)


def test_a_rulebook_letter_must_name_a_known_step_and_recipient(tmp_path):
    source = bundled("party").read_text()
    source += '\n[[letters]]\nkey = "x"\nlabel = "X"\ntemplate = "letters/x.txt"\n'
    source += 'to = ["neighbour"]\non = ["celebrate"]\n'
    path = tmp_path / "party.toml"
    path.write_text(source)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    text = str(caught.value)
    assert "letters[13].to[0]: unknown recipient 'neighbour'" in text
    assert "letters[13].on[0]: 'celebrate' is neither a transition nor an event" in text


def test_a_missing_subject_and_a_stray_brace_are_problems():
    issues = check_template("Dear {{ recipient_name },\n", "t.txt")
    assert [i.key for i in issues] == ["line 1", "line 1"]
    assert "Subject" in issues[0].message and "unclosed" in issues[1].message


def test_facts_are_escaped_in_the_html_and_kept_as_typed_in_the_text():
    template = parse_template("Subject: {{ reference }}\n\nDear {{ recipient_name }},\n")
    values = {"reference": "C-1", "recipient_name": "<script>Ann</script>"}
    made = render(template, values, written_at=clock.now())
    assert made.text == "Dear <script>Ann</script>,\n"
    assert "&lt;script&gt;Ann&lt;/script&gt;" in made.html and "<script>" not in made.html
    assert fill("{{ a }}-{{ b }}", {"a": "1"}) == "1-"


def test_the_organisations_own_template_is_used_instead(world, settings, tmp_path):
    ours = tmp_path / "letters"
    ours.mkdir()
    (ours / "acknowledgement.txt").write_text(
        "Subject: Thanks, {{ reference }}\n\nWe have your complaint, {{ recipient_name }}.\n"
    )
    import dueprocess.rulebook.versions as versions

    original = versions.data_dir
    versions.data_dir = lambda: tmp_path  # type: ignore[assignment]
    try:
        case = world.case_at("triage")
    finally:
        versions.data_dir = original
    letter = Letter.objects.get(case=case, template="acknowledgement")
    assert letter.subject == f"Thanks, {case.reference}"
    assert letter.text == "We have your complaint, Ola Complainant.\n"


def test_every_letter_renders_for_a_real_case(world):
    case = world.case_at("notified")
    svc.interim_measure_impose(
        actor=world.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats made.",
    )
    measure = case.interim_measures.get()
    rules = case.rulebook.rules
    dirs = letter_template_dirs(case.rulebook)
    party = case.parties.get(role="respondent")
    decision = case.decisions.last()
    for letter in rules.letters.values():
        template = load_template(letter.template, dirs)
        values = letter_facts(
            case,
            rules,
            party,
            reason="Reasons.",
            measure=measure,
            decision=decision,
            now=clock.now(),
        )
        made = render(template, values, written_at=clock.now())
        assert case.reference in made.subject, letter.key
        assert "{{" not in made.text and "{{" not in made.html
        assert "Rex Respondent" in made.text and "Rex Respondent" in made.html
        assert made.pdf.startswith(b"%PDF-") and made.pdf.rstrip().endswith(b"%%EOF")
        assert len(made.content_sha256) == 64


def test_the_same_letter_renders_to_the_same_pdf(world):
    template = load_template("letters/acknowledgement.txt", (RULEBOOK_DIR,))
    moment = clock.now()
    values = {"reference": "C-1", "recipient_name": "Ana Ébano", "organisation": "Westfold"}
    first = render(template, values, written_at=moment)
    assert first.pdf == render(template, values, written_at=moment).pdf


def test_a_copied_rulebook_without_letters_uses_the_bundled_templates(tmp_path):
    shutil.copy(bundled("party"), tmp_path / "party.toml")
    assert len(load_rulebook(tmp_path / "party.toml").letters) == len(PARTY_LETTERS)
