"""Published transparency reports are fixed: their hash is in the ledger, a changed copy or a
changed stored file is detected, and a correction is a new version that says why."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import transaction

from dueprocess.cli import main as cli_main
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.verify import verify_state
from dueprocess.lib import clock
from dueprocess.oversight import publication
from dueprocess.oversight import transparency as tr
from dueprocess.oversight.models import ReportPublication
from tests.shared_demo import module_demo
from tests.triggers import drop_append_only

module_demo_built, demo = module_demo(cases=40, seed=5)


def test_the_demo_publishes_every_past_quarter_with_its_hash_in_the_ledger(demo, client):
    organisation = demo.organisation
    ended = [q for q in tr.quarters_with_data(organisation) if q.end <= clock.now()]
    assert ended
    for quarter in ended:
        (first,) = publication.publications(organisation, quarter)
        body = publication.published_body(organisation, quarter, 1)
        assert hashlib.sha256(body).hexdigest() == first.sha256
        assert json.loads(body)["quarter"] == str(quarter)
        entry = LedgerEntry.objects.get(seq=first.ledger_seq)
        assert entry.action == "transparency.published"
    latest = ended[0]
    (first,) = publication.publications(organisation, latest)
    page = client.get(f"/transparency/?quarter={latest}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Published versions" in text and first.sha256 in text
    download = client.get(f"/transparency/published/{latest}/v1.json")
    assert download.status_code == 200
    assert download.content == publication.published_body(organisation, latest, 1)
    assert client.get(f"/transparency/published/{latest}/v9.json").status_code == 404
    assert client.get("/transparency/published/2026Q9/v1.json").status_code == 404


def test_republishing_unchanged_is_refused_and_a_correction_must_say_why(demo):
    organisation = demo.organisation
    quarter = tr.latest_complete(organisation)
    gwen = demo.users["gwen"]
    with pytest.raises(InvalidInput, match="already says exactly this"):
        publication.publish_report(actor=gwen, quarter=quarter)
    # the figures change (a late record), so a new version is possible, with a reason
    original = publication.published_file
    try:
        publication.published_file = lambda org, q: original(org, q) + b" "  # type: ignore[assignment]
        with pytest.raises(InvalidInput, match="must say what changed"):
            publication.publish_report(actor=gwen, quarter=quarter)
        version = publication.publish_report(
            actor=gwen, quarter=quarter, correction="A decision recorded late is now counted."
        )
    finally:
        publication.published_file = original  # type: ignore[assignment]
    assert version == 2
    first, second = publication.publications(organisation, quarter)
    assert second.correction == "A decision recorded late is now counted."
    assert first.sha256 != second.sha256 and second.ledger_seq > first.ledger_seq


def test_only_the_roles_that_may_publish_can_and_a_refusal_is_recorded(demo):
    quarter = tr.latest_complete(demo.organisation)
    for who in ("priya", "sam", "judith", "ines", "felix", "ada"):
        before = LedgerEntry.objects.filter(action="access.denied").count()
        with pytest.raises(Forbidden):
            publication.publish_report(actor=demo.users[who], quarter=quarter)
        assert LedgerEntry.objects.filter(action="access.denied").count() == before + 1, who


def test_a_quarter_not_over_is_not_published(demo):
    current = tr.Quarter.containing(clock.now())
    with pytest.raises(InvalidInput, match="has ended"):
        publication.publish_report(actor=demo.users["morgan"], quarter=current)


def test_a_changed_copy_matches_no_published_report(demo, tmp_path, capsys):
    quarter = tr.latest_complete(demo.organisation)
    body = publication.published_body(demo.organisation, quarter, 1)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(body)
    bad.write_bytes(body.replace(b'"count": ', b'"count": 1', 1))
    assert cli_main(["report", "--check", str(good)]) == 0
    assert f"version 1 of the {quarter} report" in capsys.readouterr().out
    assert cli_main(["report", "--check", str(bad)]) == 1
    assert "matches no published report" in capsys.readouterr().out


def test_the_kept_file_changed_around_its_triggers_is_named_by_verify(demo):
    assert verify_state().ok
    quarter = tr.latest_complete(demo.organisation)
    with transaction.atomic():
        drop_append_only("oversight_reportpublication")
        row = ReportPublication.objects.get(quarter=str(quarter), version=1)
        ReportPublication.objects.filter(pk=row.pk).update(body=b"{}")
        report = verify_state()
        transaction.set_rollback(True)
    assert not report.ok
    assert f"oversight_reportpublication row {row.pk} differs" in report.failure


def test_publishing_from_the_command_line_names_the_person(demo, capsys):
    quarter = tr.latest_complete(demo.organisation)
    assert cli_main(["report", "--quarter", str(quarter), "--publish"]) == 2
    assert "--as EMAIL" in capsys.readouterr().err
    code = cli_main(
        ["report", "--quarter", str(quarter), "--publish", "--as", "sam@northmoor.example"]
    )
    assert code == 2
    assert capsys.readouterr().err.startswith("dueprocess report: ")
    assert ReportPublication.objects.filter(quarter=str(quarter)).count() == 1
    morgan = ["--as", "morgan@northmoor.example", "--correction", "A late decision"]
    assert cli_main(["report", "--quarter", str(quarter), "--publish", *morgan]) == 2
    assert "already says exactly this" in capsys.readouterr().err


def test_a_rulebook_that_names_only_oversight_refuses_the_head_of_complaints(demo, monkeypatch):
    import dataclasses

    from dueprocess.rulebook import models as rulebook_models

    narrowed = dataclasses.replace(
        demo.organisation.rulebook.rules, report_publishers=("oversight",)
    )
    monkeypatch.setattr(rulebook_models.RulebookVersion, "rules", property(lambda _: narrowed))
    quarter = tr.latest_complete(demo.organisation)
    before = LedgerEntry.objects.filter(action="access.denied").count()
    with pytest.raises(Forbidden):
        publication.publish_report(actor=demo.users["morgan"], quarter=quarter, correction="x")
    assert LedgerEntry.objects.filter(action="access.denied").count() == before + 1
