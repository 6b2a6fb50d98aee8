"""A respondent with two cases, one complained of anonymously, read by several people."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.cases.queries import case_detail_for
from dueprocess.evidence.files import evidence_add
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import case_pseudonym
from dueprocess.parties import redactions
from tests.world import World

RESPONDENT = "rhea.respondent@members.example"
HIDDEN = "hidden.complainant@public.example"
WITHHOLDING = "Names a witness who asked not to be named."


def open_case(world: World, *, anonymous: bool) -> Case:
    return svc.case_open(
        actor=world.intake,
        unit=world.unit,
        category=next(iter(world.rules.categories)),
        summary="A post repeating a conspiracy trope.",
        complainant=svc.PartyInput(
            name="" if anonymous else "Ola Complainant",
            email=HIDDEN if anonymous else "ola@public.example",
            anonymous=anonymous,
        ),
        respondent=svc.PartyInput(name="Rhea Respondent", email=RESPONDENT),
        allegations=[svc.AllegationInput(summary="Shared the post on 3 March.")],
    )


def respondent_world(world: World) -> list[Case]:
    """Two cases about the same respondent: the first anonymous, with evidence withheld from
    her and read by the case manager (twice) and the independent reviewer; the second read by
    the case manager once. A third case about someone else is read too (not hers)."""
    first = world.advance(open_case(world, anonymous=True), "investigation")
    item = evidence_add(
        actor=world.case_manager,
        case=first,
        title="Screenshot",
        kind="screenshot",
        content=b"%PDF-1.4\n%fictional\n",
    )
    redactions.evidence_withhold(
        actor=world.case_manager, case=first, item_id=item.pk, reason=WITHHOLDING
    )
    second = open_case(world, anonymous=False)
    other = world.open_case()
    for person, case in (
        (world.case_manager, first),
        (world.case_manager, first),
        (world.reviewer, first),
        (world.case_manager, second),
        (world.case_manager, other),
    ):
        case_detail_for(person, case.reference)
    return [first, second]


def ledger_reads(cases: list[Case], below: int) -> list[int]:
    """The seqs of every read of these cases' files, straight from the ledger."""
    tags = [case_pseudonym(case.pk) for case in cases]
    rows = LedgerEntry.objects.filter(
        case_tag__in=tags, action__in=["case.viewed", "evidence.downloaded"], seq__lt=below
    )
    return sorted(parse_entry(bytes(raw)).seq for raw in rows.values_list("entry", flat=True))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def loaded(members: dict[str, bytes], name: str) -> Any:
    return json.loads(members[name])
