"""Possible duplicates: earlier cases the viewer may see about the same respondent that say
much the same thing (or give the same source link), and the link both ways once triage
closes a case as a duplicate."""

from __future__ import annotations

from dueprocess.cases import services as svc
from dueprocess.cases.duplicates import (
    complaint,
    complaint_words,
    earlier_repeats,
    first_earlier_repeats,
    possible_duplicates,
    repeat_of,
    respondent_key,
    source_link,
)
from dueprocess.cases.presenters import case_file
from dueprocess.cases.queries import case_detail_for
from dueprocess.members.models import Member

POST = "Posted that the treasurer stole the branch funds and should be expelled at once."


def _open(  # type: ignore[no-untyped-def]
    world,
    name: str = "",
    summary: str = POST,
    *,
    source: str = "",
    by: str = "intake",
    unit=None,
    respondent: svc.PartyInput | None = None,
    allegations: list[svc.AllegationInput] | None = None,
):
    return svc.case_open(
        actor=world.people[by],
        unit=unit or world.unit,
        category=next(iter(world.rules.categories)),
        summary=summary,
        complainant=svc.PartyInput(name="Ola Complainant", email="ola@public.example"),
        respondent=respondent or svc.PartyInput(name=name),
        allegations=allegations or [svc.AllegationInput(summary=summary, source=source)],
    )


def _suggested(world, persona: str, case) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        s.reference
        for s in possible_duplicates(case_detail_for(world.people[persona], case.reference))
    ]


def test_names_compare_without_case_accents_or_spaces():
    assert respondent_key("  Ánna  O'Neill ") == respondent_key("ANNA ONEILL") == "annaoneill"
    assert respondent_key("AnnaOneill") == "annaoneill"
    assert complaint_words("The post, THE post!") == frozenset({"post"})
    assert source_link("HTTPS://www.Social.example/p/1/") == "social.example/p/1"
    assert source_link("screenshots held") == ""


def test_similarity_is_a_jaccard_index_of_at_least_a_half():
    earlier = complaint(members=[], names=["Rex"], texts=["alpha bravo charlie delta"], sources=[])
    close = complaint(members=[], names=["rex"], texts=["alpha bravo charlie echo"], sources=[])
    far = complaint(members=[], names=["rex"], texts=["alpha bravo foxtrot golf"], sources=[])
    assert repeat_of(close, earlier).similarity == 0.6  # 3 shared of 5
    assert repeat_of(far, earlier) is None  # 2 of 6
    other_person = complaint(
        members=[], names=["Rita"], texts=["alpha bravo charlie delta"], sources=[]
    )
    assert repeat_of(other_person, earlier) is None


def test_an_earlier_case_about_the_same_respondent_saying_the_same_is_suggested(world):
    first = _open(world, "Gwenllian Prys")
    _open(world, "Gwenllian Prys", "Shouted at a volunteer during the jumble sale.")  # other words
    _open(world, "Tegwen Morgan")  # same words, another person
    later = _open(world, "  GWENLLIAN  prys ", POST.replace("at once", "immediately"))
    shown = possible_duplicates(case_detail_for(world.intake, later.reference))
    assert [s.reference for s in shown] == [first.reference]
    assert "the same name" in shown[0].reason and "alike" in shown[0].reason
    # only earlier cases: the first is repeated by nothing
    assert _suggested(world, "intake", first) == []


def test_the_same_member_or_the_same_source_link_is_enough(world):
    member = Member.objects.create(
        organisation=world.organisation, number="M-7", full_name="Idris Bowen"
    )
    by_member = _open(world, respondent=svc.PartyInput(member_number="M-7", name="I. ap Bowen"))
    link = "https://social.example/posts/991"
    by_link = _open(world, "Idris Bowen", "A video mocking a new member.", source=link)
    later = _open(
        world,
        respondent=svc.PartyInput(member_number=member.number, name="Idris Bowen"),
        allegations=[
            svc.AllegationInput(summary=POST),
            svc.AllegationInput(summary="Another post.", source=link.upper() + "/"),
        ],
        summary="Two posts.",
    )
    shown = {
        s.reference: s.reason
        for s in possible_duplicates(case_detail_for(world.intake, later.reference))
    }
    assert set(shown) == {by_member.reference, by_link.reference}
    assert shown[by_member.reference].startswith("the same member of the register")
    assert "the same source link" in shown[by_link.reference]


def test_closed_cases_are_suggested_but_never_one_the_viewer_may_not_see(world):
    closed = world.advance(_open(world, "Bryn Howells"), "closed")
    hidden = _open(world, "Bryn Howells", by="other_manager", unit=world.other_unit)
    later = _open(world, "Bryn Howells")
    # the reviewer may see every unit; the case manager only the main one
    assert _suggested(world, "reviewer", later) == [closed.reference, hidden.reference]
    assert _suggested(world, "case_manager", later) == [closed.reference]
    # the intake officer sees neither: one is closed (out of intake), the other in another unit
    assert _suggested(world, "intake", later) == []


def test_suggestions_are_part_of_the_case_file_only_while_it_awaits_triage(world):
    first = _open(world, "Ffion Rees")
    later = _open(world, "Ffion Rees")
    for stage in ("received", "triage"):  # both stages are left by a triage step
        later = world.advance(later, stage)
        shown = case_file(case_detail_for(world.intake, later.reference))
        assert [s.reference for s in shown.possible_duplicates] == [first.reference]
    later = world.advance(later, "investigation")
    accepted = case_file(case_detail_for(world.case_manager, later.reference))
    assert accepted.possible_duplicates == []


def test_a_case_closed_as_a_duplicate_is_listed_on_the_original_for_those_who_may_see_it(world):
    original = world.case_at("triage")
    repeat = world.case_at("triage")
    svc.case_triage(
        actor=world.intake,
        case=repeat,
        answers={"in_scope": True, "respondent_is_member": False, "not_duplicate": False},
        ground="duplicate",
        transition="not_investigated",
        duplicate_of=original.reference,
        reason="The same post.",
    )
    assert case_file(case_detail_for(world.case_manager, original.reference)).repeated_by == [
        repeat.reference
    ]
    # the intake officer no longer sees the closed repeat: the original lists nothing to them
    assert case_file(case_detail_for(world.intake, original.reference)).repeated_by == []
    assert case_file(case_detail_for(world.case_manager, repeat.reference)).repeated_by == []


def test_many_complaints_at_once_find_what_each_would_find_alone(world):
    """The dossier's batched look-up gives, complaint by complaint, the first of what
    ``earlier_repeats`` gives one complaint at a time: same cases, same order, same reasons."""
    member = Member.objects.create(
        organisation=world.organisation, number="M-9", full_name="Siân Llewelyn"
    )
    link = "https://social.example/posts/5"
    _open(world, "Siân Llewelyn")
    _open(world, "SIAN LLEWELYN", "Shouted at a volunteer during the jumble sale.")
    _open(world, respondent=svc.PartyInput(member_number="M-9", name="S. Llewelyn"))
    _open(world, "Owain Rees", "A video mocking a new member.", source=link)
    world.advance(_open(world, "Owain Rees"), "closed")
    _open(world, "Owain Rees", by="other_manager", unit=world.other_unit)
    _open(world, "Ceri O'Brien")
    wanted = [
        complaint(members=[], names=["sian llewelyn"], texts=[POST], sources=[]),
        complaint(members=[member.pk], names=["Someone Else"], texts=[POST], sources=[]),
        complaint(members=[], names=["Owain Rees"], texts=["Other words."], sources=[link]),
        complaint(members=[], names=["Owain Rees"], texts=[POST], sources=[]),
        complaint(members=[], names=["Ceri OBrien"], texts=[POST], sources=[]),
        complaint(members=[], names=["Nobody Known"], texts=[POST], sources=[]),
        complaint(members=[], names=["Siân"], texts=["Shouted at a volunteer."], sources=[]),
    ]
    for persona in ("intake", "case_manager", "reviewer"):
        actor = world.people[persona]
        alone = []
        for w in wanted:
            found = earlier_repeats(actor, world.organisation.pk, w)
            alone.append((found[0][0].pk, found[0][1]) if found else None)
        at_once = [
            (f[0].pk, f[1]) if f else None
            for f in first_earlier_repeats(actor, world.organisation.pk, wanted)
        ]
        assert at_once == alone, persona
    # the fixture is worth comparing: some complaints repeat a case, some do not
    found = first_earlier_repeats(world.reviewer, world.organisation.pk, wanted)
    assert None in found and sum(f is not None for f in found) >= 4


def test_many_complaints_at_once_take_as_many_queries_as_few(world):
    """The look-up behind a dossier's import costs a few queries whatever its number of rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(12):
        _open(world, f"Quentin Outsider {i:03d}")

    def queries(count: int) -> int:
        wanted = [
            complaint(members=[], names=[f"Quentin Outsider {i:03d}"], texts=[POST], sources=[])
            for i in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            found = first_earlier_repeats(world.intake, world.organisation.pk, wanted)
        assert sum(f is not None for f in found) == min(count, 12)
        return len(captured.captured_queries)

    few, many = queries(3), queries(30)
    assert many == few, (few, many)
    # a handful, never one per row: 12 when this module runs alone, 13 after the dossier
    # modules have run in the same process
    assert few <= 16, few
