"""The done-when of the subject access export: for a respondent of the demo organisation, the
export lists every view of their data the ledger holds — compared with the entries directly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.db.models import Count

from dueprocess.cases.models import Party
from dueprocess.ledger.bundle import check_bundle
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import case_pseudonym
from dueprocess.privacy.subject_access import subject_access_export
from dueprocess.tlog.policy import parse_policy
from tests.ledger.test_witnessing import policy_file, witnesses  # noqa: F401 (fixtures)
from tests.parties.helpers import entries_since, last_seq
from tests.privacy.helpers import loaded, unzip
from tests.shared_demo import module_demo

module_demo_built, demo = module_demo(cases=40, seed=7)

READS = ("case.viewed", "evidence.downloaded", "advice.viewed", "signoff.viewed")


def _most_read_respondent() -> Party:
    """The demo respondent (a member) whose cases were read most often."""
    tags = {}
    for party in Party.objects.filter(role="respondent", member__isnull=False):
        tags.setdefault(party.member_id, []).append(case_pseudonym(party.case_id))
    counts = {
        member: LedgerEntry.objects.filter(case_tag__in=found, action__in=READS).count()
        for member, found in tags.items()
    }
    member = max(sorted(counts), key=lambda m: counts[m])
    return Party.objects.filter(role="respondent", member_id=member).select_related("member")[0]


def test_a_demo_respondents_export_lists_every_view_of_their_data(
    demo,  # type: ignore[no-untyped-def]
    policy_file: Path,  # noqa: F811
):
    respondent = _most_read_respondent()
    member = respondent.member
    assert member is not None
    cases = list(
        Party.objects.filter(member=member).values_list("case__reference", "case_id").distinct()
    )
    tags = [case_pseudonym(case_id) for _, case_id in cases]
    before = last_seq()
    admin = demo.users["ada"]
    export = subject_access_export(actor=admin, member=member.number, reason="Demo request")
    members = unzip(export.archive)
    views = loaded(members, "views.json")["views"]
    # every read of their cases' files, straight from the ledger, each listed once
    expected = sorted(
        LedgerEntry.objects.filter(
            case_tag__in=tags, action__in=READS, seq__lte=before
        ).values_list("seq", flat=True)
    )
    assert expected  # the demo reads its cases
    assert sorted(v["seq"] for v in views if v["action"] in READS) == expected
    # every list of cases that showed one of them (their details opened directly)
    references = {reference for reference, _ in cases}
    shown = [
        entry.seq
        for entry, details in entries_since(-1, "case_list.viewed")
        if entry.seq <= before and references & set(details.get("shown", []))
    ]
    listed = sorted({v["seq"] for v in views if v["action"] == "case_list.viewed"})
    assert listed == sorted(shown)
    # and the bundles prove every read of the file
    policy = parse_policy(policy_file.read_bytes())
    proved = set()
    for reference, _ in cases:
        proved |= {
            e.seq
            for e in check_bundle(members[f"proof/{reference}.json"], None, policy=policy).entries
        }
    assert set(expected) <= proved
    data = loaded(members, "data.json")
    assert [m["number"] for m in data["register"]] == [member.number]
    assert Counter(tuple(c["you_are"]) for c in data["cases"])[("respondent",)] >= 1
    assert Party.objects.filter(member=member).aggregate(n=Count("case", distinct=True))["n"] == (
        len(data["cases"])
    )
