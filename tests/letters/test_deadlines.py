"""The deadline engine: reminders before, escalations after, lapses — each once per deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import InterimMeasure
from dueprocess.cases.services.interim import interim_measure_continue
from dueprocess.cases.timeline import case_timeline
from dueprocess.errors import InvalidInput, ReasonRequired
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.letters.models import Letter, Notice
from dueprocess.letters.services import feedback_give
from dueprocess.lib import clock


def _actions(case, action):
    return [i.details for i in reversed(case_timeline(case)) if i.action == action]


def _at(days: int):
    return clock.frozen(clock.now() + dt.timedelta(days=days))


def impose(world, case):
    return svc.interim_measure_impose(
        actor=world.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats made to the complainant.",
    )


def test_an_unacknowledged_case_is_reminded_before_and_escalated_after(world):
    case = world.open_case()  # acknowledge by 7 days, reminders 2 days before
    with _at(4):
        assert deadlines_run().reminders == 0
    with _at(5):
        assert deadlines_run().reminders >= 1
    (reminded,) = [d for d in _actions(case, "deadline.reminded") if d["deadline"] == "acknowledge"]
    assert reminded["due_on"] == case.acknowledge_by.isoformat()
    notice = Notice.objects.get(case=case, deadline="acknowledge", kind="reminder")
    assert notice.person == world.case_manager  # nobody is assigned: the head of complaints
    with _at(8):
        deadlines_run()
        deadlines_run()  # a second tick the same day does nothing again
    escalated = [d for d in _actions(case, "deadline.escalated") if d["deadline"] == "acknowledge"]
    assert len(escalated) == 1
    assert Notice.objects.filter(case=case, deadline="acknowledge", kind="escalation").count() == 1


def test_an_acknowledged_case_has_no_acknowledgement_deadline(world):
    case = world.case_at("triage")
    with _at(8):
        deadlines_run()
    assert not [d for d in _actions(case, "deadline.escalated") if d["deadline"] == "acknowledge"]


def test_reminders_go_to_the_assigned_people(world):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")  # assigns the investigator
    with _at(41):  # the investigation is due in 42 days
        deadlines_run()
    notice = Notice.objects.get(case=case, deadline="stage", kind="reminder")
    assert notice.person == world.investigator
    assert "Investigation is due" in notice.text


def test_feedback_given_stops_the_feedback_clock(world):
    case = world.case_at("investigation")
    feedback_give(actor=world.case_manager, case=case, text="The investigation has started.")
    (given,) = _actions(case, "case.feedback_given")
    assert given["text"] == "The investigation has started."
    letter = Letter.objects.get(case=case, template="feedback")
    assert "The investigation has started." in letter.text
    with _at(120):
        deadlines_run()
    assert not [d for d in _actions(case, "deadline.escalated") if d["deadline"] == "feedback"]


def test_without_feedback_the_three_month_date_is_escalated(world):
    case = world.case_at("investigation")
    with _at(100):
        deadlines_run()
    (escalated,) = [d for d in _actions(case, "deadline.escalated") if d["deadline"] == "feedback"]
    assert escalated["due_on"] == case.feedback_by.isoformat()


def test_an_unreviewed_interim_measure_lapses_per_the_rulebook(world):
    case = world.case_at("investigation")
    measure = impose(world, case)
    with _at(27):
        deadlines_run()
    assert Notice.objects.filter(case=case, deadline="interim_review", kind="reminder").exists()
    with _at(28):
        deadlines_run()
        assert InterimMeasure.objects.get(pk=measure.pk).is_active  # due today, not yet passed
    with _at(29):
        assert deadlines_run().lapsed == 1
        assert deadlines_run().lapsed == 0
    measure.refresh_from_db()
    assert not measure.is_active and measure.lifted_by is None
    assert measure.lift_reason.startswith("lapsed")
    (lapsed,) = _actions(case, "interim_measure.lapsed")
    assert lapsed["review_on"] == measure.review_on.isoformat()
    ended = Letter.objects.get(case=case, template="interim_measure_ended")
    assert "lapsed" in ended.text


def test_a_measure_continued_with_reasons_gets_a_new_review_date_and_does_not_lapse(world):
    case = world.case_at("investigation")
    measure = impose(world, case)
    with _at(27):
        new_date = clock.today() + dt.timedelta(days=14)
        with pytest.raises(InvalidInput):
            interim_measure_continue(
                actor=world.case_manager, measure=measure, reasons=" ", review_on=new_date
            )
        interim_measure_continue(
            actor=world.case_manager,
            measure=measure,
            reasons="The witnesses have not yet been interviewed.",
            review_on=new_date,
        )
    with _at(29):
        assert deadlines_run().lapsed == 0
    assert InterimMeasure.objects.get(pk=measure.pk).is_active
    (continued,) = _actions(case, "interim_measure.continued")
    assert continued["review_on"] == new_date.isoformat()
    assert Letter.objects.filter(case=case, template="interim_measure_continued").count() == 1


def test_a_measure_the_rulebook_escalates_stays_in_force_and_is_escalated(world, monkeypatch):
    import dataclasses

    import dueprocess.rulebook.versions as versions

    original = versions.rules_for

    def escalating(version):  # the same rulebook, with unreviewed = "escalate"
        rules = original(version)
        measures = {
            key: dataclasses.replace(kind, unreviewed="escalate")
            for key, kind in rules.interim_measures.items()
        }
        return dataclasses.replace(rules, interim_measures=measures)

    monkeypatch.setattr(versions, "rules_for", escalating)
    case = world.case_at("investigation")
    measure = impose(world, case)
    with _at(29):
        report = deadlines_run()
    assert report.lapsed == 0
    assert InterimMeasure.objects.get(pk=measure.pk).is_active
    notice = Notice.objects.get(case=case, deadline="interim_review", kind="escalation")
    assert notice.person == world.case_manager and "review" in notice.text


def test_closing_during_the_appeal_window_needs_a_reason(world):
    case = world.case_at("notified")
    with pytest.raises(ReasonRequired, match="appeal window is open"):
        svc.case_close(actor=world.case_manager, case=case)
    assert case.stage == "notified"
    case = svc.case_close(actor=world.case_manager, case=case, reason="Both parties waived it.")
    assert case.stage == "closed"
    (change,) = [d for d in _actions(case, "case.transitioned") if d["transition"] == "close"]
    assert change["reason"] == "Both parties waived it."


def test_after_the_appeal_window_a_case_closes_without_a_reason(world):
    case = world.case_at("notified")
    with _at(22):
        case = svc.case_close(actor=world.case_manager, case=case)
    assert case.stage == "closed"
