"""The dossier scenario, end to end: a register of 100 members and a dossier of 252 complaints,
184 of them about people who are not members and 20 repeating an earlier row.

The preview page, the command line and ``GET /api/v1/dossiers/{id}`` must all say exactly
that: 252 cases, 184 respondents not members, 68 linked to their member, and 20 rows that
repeat an earlier complaint, each naming the row it repeats. The data are built here with a
seeded generator; every name is made up of invented syllables.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dueprocess.cases.models import Case, DossierRow, Party
from dueprocess.commands.dossier import run_import
from dueprocess.members.matching import candidates
from dueprocess.members.models import Member
from tests.api.client import ApiClient
from tests.signing_in import signer_in

pytestmark = pytest.mark.slow

SEED = 20261203
MEMBERS = 100
ROWS = 252
NOT_MEMBERS = 184
REPEATS = 20

_SYLLABLES = [
    "ba",
    "be",
    "bo",
    "du",
    "fa",
    "fi",
    "ko",
    "ku",
    "la",
    "le",
    "mi",
    "mo",
    "na",
    "ne",
    "pa",
    "pi",
    "ra",
    "ro",
    "sa",
    "si",
    "ta",
    "tu",
    "va",
    "vo",
    "za",
]
_OTHER_SYLLABLES = ["gry", "hax", "jyl", "kwe", "qor", "tsu", "wix", "yvv", "xem", "zhu", "ghr"]


@dataclass
class Row:
    values: dict[str, str]
    repeats: int | None = None  # index of the original it repeats, in the list being built


def _word(rng: random.Random, syllables: list[str], parts: int) -> str:
    return "".join(rng.choice(syllables) for _ in range(parts))


def _vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < 3000:
        words.add(_word(rng, _SYLLABLES, 3))
    return sorted(words)


def _register(world, rng: random.Random) -> list[Member]:  # type: ignore[no-untyped-def]
    names: set[str] = set()
    while len(names) < MEMBERS:
        names.add(f"{_word(rng, _SYLLABLES, 2).title()} {_word(rng, _SYLLABLES, 3).title()}")
    return Member.objects.bulk_create(
        Member(
            organisation=world.organisation,
            number=f"M{i:03d}",
            full_name=name,
            postcode=f"ZX{i % 9} {i % 7}QQ",
        )
        for i, name in enumerate(sorted(names))
    )


def _outsider(world, rng: random.Random) -> str:  # type: ignore[no-untyped-def]
    """A made-up name no member of the register comes near (checked, not hoped)."""
    while True:
        name = (
            f"{_word(rng, _OTHER_SYLLABLES, 2).title()} {_word(rng, _OTHER_SYLLABLES, 2).title()}"
        )
        found = candidates(world.organisation, name=name)
        if not found or found[0].score < 0.5:
            return name


def _summary(rng: random.Random, vocabulary: list[str]) -> list[str]:
    return rng.sample(vocabulary, 10)


def _dossier(world, rng: random.Random, members: list[Member]) -> list[Row]:  # type: ignore[no-untyped-def]
    vocabulary = _vocabulary(rng)
    originals: list[Row] = []
    # 68 rows about members (some members twice, about different things), 184 about outsiders;
    # the 20 repeats are split the same way: 6 of members' rows, 14 of outsiders' rows
    outsiders = [_outsider(world, rng) for _ in range(150)]
    for i in range(ROWS - REPEATS):
        member = i < 68 - 6
        words = _summary(rng, vocabulary)
        values = {
            "respondent_name": rng.choice(members).full_name if member else rng.choice(outsiders),
            "category": "other_conduct",
            "summary": " ".join(words).capitalize() + ".",
            "evidence": f"https://social.example/p/{i}" if i % 3 == 0 else "",
            "unit": "complaints",
        }
        originals.append(Row(values))
    member_rows = [i for i in range(68 - 6)]
    outsider_rows = [i for i in range(68 - 6, ROWS - REPEATS)]
    repeated = rng.sample(member_rows, 6) + rng.sample(outsider_rows, 14)
    rows = list(originals)
    for n, index in enumerate(repeated):
        original = originals[index].values
        words = original["summary"].rstrip(".").split()
        if n % 4 == 3 and original["evidence"]:
            # the same link, about the same person, in other words entirely
            summary = " ".join(_summary(rng, vocabulary)).capitalize() + "."
        else:
            words[rng.randrange(len(words))] = rng.choice(vocabulary)  # one word changed
            summary = " ".join([*words, rng.choice(vocabulary)]) + "."  # one word added
        name = original["respondent_name"]
        name = name.upper() if n % 2 else f"  {name.lower()}  "  # case and spacing differ
        copy = Row(original | {"respondent_name": name, "summary": summary}, repeats=index)
        # somewhere after its original
        at = rng.randrange(rows.index(originals[index]) + 1, len(rows) + 1)
        rows.insert(at, copy)
    return rows


def _csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].values))
    writer.writeheader()
    writer.writerows(r.values for r in rows)
    return buffer.getvalue().encode()


def _expected_repeats(rows: list[Row]) -> dict[int, int]:
    """Row number (from 1) -> the row number it repeats."""
    number = {id(r.values): n for n, r in enumerate(rows, start=1)}
    originals = [r for r in rows if r.repeats is None]
    return {
        n: number[id(originals[r.repeats].values)]
        for n, r in enumerate(rows, start=1)
        if r.repeats is not None
    }


def test_252_rows_184_not_members_20_repeats_counted_and_named_on_every_channel(
    world, tmp_path, capsys
):
    rng = random.Random(SEED)
    members = _register(world, rng)
    rows = _dossier(world, rng, members)
    assert len(rows) == ROWS
    expected = _expected_repeats(rows)
    assert len(expected) == REPEATS
    data = _csv(rows)
    named = {f"row {later} repeats row {earlier}" for later, earlier in expected.items()}

    # the page: the preview counts and names them, and writes nothing
    intake = signer_in(world)("intake")
    upload = SimpleUploadedFile("campaign.csv", data, content_type="text/csv")
    html = intake.post("/dossiers/import/", {"file": upload, "encoding": ""}).content.decode()
    assert f"{NOT_MEMBERS} of {ROWS} respondents are not members" in html
    assert f"{REPEATS} rows repeat an earlier complaint: " in html
    assert all(f"{phrase}," in html or f"{phrase}." in html for phrase in named)
    assert not Case.objects.exists()

    # the command line
    path = tmp_path / "campaign.csv"
    path.write_bytes(data)
    capsys.readouterr()
    args = argparse.Namespace(
        file=str(path), as_email=world.intake.email, dry_run=False, encoding=""
    )
    assert run_import(args) == 0
    printed = capsys.readouterr().out
    assert f"{ROWS} case(s) opened" in printed
    assert f"{NOT_MEMBERS} of {ROWS} respondents are not members" in printed
    summary = next(line for line in printed.splitlines() if "repeat an earlier complaint" in line)
    assert summary.startswith(f"{REPEATS} rows repeat an earlier complaint: ")
    assert {p.strip().rstrip(".") for p in summary.split(": ", 1)[1].split(", ")} == named

    # what was stored: 252 cases, 184 not members, 68 linked to their member, 20 flagged
    cases = Case.objects.filter(source="dossier")
    assert cases.count() == ROWS
    assert cases.filter(respondent_is_member=False).count() == NOT_MEMBERS
    linked = Party.objects.filter(case__in=cases, role="respondent", member__isnull=False)
    assert linked.count() == ROWS - NOT_MEMBERS
    flagged = {r.number: r.repeats_id for r in DossierRow.objects.filter(repeats__isnull=False)}
    by_case = dict(DossierRow.objects.values_list("case_id", "number"))
    assert {n: by_case[c] for n, c in flagged.items()} == expected

    # the API, read by the head of complaints
    dossier = DossierRow.objects.first().dossier
    api = ApiClient(world.people)
    body = api.get(f"/dossiers/{dossier.pk}", "case_manager").json()
    assert (body["rows"], body["created"]) == (ROWS, ROWS)
    assert (body["respondents"], body["non_members"]) == (ROWS, NOT_MEMBERS)
    assert sum(1 for item in body["items"] if item["is_member"]) == ROWS - NOT_MEMBERS
    assert body["duplicates"] == REPEATS
    assert body["duplicates_summary"].startswith(f"{REPEATS} rows repeat an earlier complaint:")
    shown = {item["row"]: item["repeats"] for item in body["items"] if item["repeats"]}
    assert shown == {later: f"row {earlier}" for later, earlier in expected.items()}
