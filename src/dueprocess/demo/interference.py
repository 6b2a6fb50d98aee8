"""Scripted demo stories for the interference safeguards, replayed among the planned events.

Every kind of event the oversight dashboard counts happens here at least once, to fictional
people, through the real services:

- an approach from the leader's office asking for "a warning letter", and a panel that then
  lowers a recommended suspension (with reasons) — an alert;
- an approach from the same office pushing the other way, and a harsher decision — an alert
  too, because pressure in either direction is the concern;
- advice formally asked of the leader's office, with an extract, answered and closed; another
  answered and left open; another still unanswered; other approaches from outside the team;
- an elected representative's suspension needing the leader's sign-off: a delay, then an
  objection with reasons — and the measure in force throughout; a recent one still delayed;
  one signed on time;
- emergency access approved by a second person, and one refused;
- the leader's office trying one case file after another within days — an alert;
- an investigator whose earlier work in the leader's office was put on record late; the
  cases they handled meanwhile are found and raised as alerts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from dueprocess.demo.interference_steps import STORIES, StorySteps
from dueprocess.demo.plan import Event

if TYPE_CHECKING:
    from dueprocess.demo.build import Builder

ORDER_BASE = 20_000_000


class InterferenceStory:
    """Adds the scripted events to the demo and performs them when the builder replays them."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.order = ORDER_BASE
        self.keys = list(STORIES)
        self.steps = StorySteps(builder)

    # ---- scheduling ------------------------------------------------------------------------

    def _at(self, days_ago: float, hour: int = 10) -> dt.datetime:
        moment = self.b.now - dt.timedelta(days=days_ago)
        return moment.replace(hour=hour, minute=0, second=0, microsecond=0)

    def _event(self, at: dt.datetime, step: str, story: str = "", **params: Any) -> Event:
        self.order += 1
        index = self.keys.index(story) if story else -1
        return Event(at, self.order, "story", index, {"step": step, "story": story, **params})

    def events(self) -> list[Event]:
        """Every scripted step, timed; the builder sorts them in with the planned ones."""
        script: list[Event] = [self._event(self._at(560), "hire_rowan")]
        script += self._decided("warning_letter", 150, ["suspension", "education_course"])
        script += self._decided(
            "expel_before_conference", 230, ["formal_warning", "education_course"]
        )
        script += self._advice_story(300)
        script += self._whip("the_whip", 112, answer=("objected", 7))
        script += self._whip("councillor_now", 8, answer=None)
        script += self._whip("councillor_signed", 192, answer=("signed", 1))
        script += self._late_record()
        script += self._denied_run()
        script.append(self._event(self.b.now - dt.timedelta(minutes=1), "sweep"))
        return [e for e in script if e.at < self.b.now]

    def _opened(self, story: str, days_ago: float) -> list[Event]:
        return [
            self._event(self._at(days_ago), "open", story),
            self._event(self._at(days_ago - 2), "acknowledge", story),
            self._event(self._at(days_ago - 9), "accept", story),
        ]

    def _decided(self, story: str, days_ago: float, recommended: list[str]) -> list[Event]:
        """A case taken to a recommendation and a panel, with an approach just before the panel
        decides; the decision departs from the recommendation (reasons given)."""
        investigator = "sam" if story == "warning_letter" else "rhiannon"
        panel = (
            ["judith", "callum", "anita"]
            if story == "warning_letter"
            else ["declan", "hannah", "callum"]
        )
        return [
            *self._opened(story, days_ago),
            self._event(self._at(days_ago - 10), "assign", story, who=investigator),
            self._event(self._at(days_ago - 30), "note", story, who=investigator),
            self._event(
                self._at(days_ago - 60), "recommend", story, who=investigator, sanctions=recommended
            ),
            self._event(self._at(days_ago - 63), "panel", story, panel=panel),
            self._event(self._at(days_ago - 66, 9), "approach", story),
            self._event(self._at(days_ago - 69), "decide", story, chair=panel[0]),
            self._event(self._at(days_ago - 70), "sweep"),
            self._event(self._at(days_ago - 73), "notify", story),
        ]

    def _advice_story(self, days_ago: float) -> list[Event]:
        story = "selection_question"
        return [
            *self._opened(story, days_ago),
            self._event(self._at(days_ago - 10), "assign", story, who="tomasz"),
            self._event(
                self._at(days_ago - 12), "ask_advice", story, who="tomasz", which="selection"
            ),
            self._event(self._at(days_ago - 14, 15), "answer_advice", story, which="selection"),
            self._event(
                self._at(days_ago - 15), "close_advice", story, who="tomasz", which="selection"
            ),
            self._event(self._at(days_ago - 20), "press_approach", story),
            self._event(
                self._at(days_ago - 40), "ask_advice", story, who="morgan", which="correspondence"
            ),
            self._event(self._at(days_ago - 43), "answer_advice", story, which="correspondence"),
            self._event(self._at(210), "emergency", story, who="rhiannon", approve=True),
            self._event(self._at(6), "ask_advice", "the_whip", who="morgan", which="unanswered"),
            self._event(
                self._at(100), "emergency", "expel_before_conference", who="sam", approve=False
            ),
        ]

    def _whip(self, story: str, days_ago: float, answer: tuple[str, int] | None) -> list[Event]:
        """An elected representative suspended pending investigation ``days_ago``, which needs
        the leader's sign-off; ``answer`` is (outcome, days after the suspension) or None."""
        events = [
            *self._opened(story, days_ago + 12),
            self._event(self._at(days_ago + 1), "assign", story, who="sam"),
            self._event(self._at(days_ago), "suspend", story),
        ]
        if answer is not None:
            outcome, after = answer
            read = self._at(days_ago - max(after - 2, 0), 18)
            events += [
                self._event(read, "read_signoff", story),
                self._event(
                    self._at(days_ago - after, 16), "answer_signoff", story, outcome=outcome
                ),
            ]
        return events

    def _late_record(self) -> list[Event]:
        events = [*self._opened("late_record", 215), *self._opened("late_record_second", 160)]
        for story, days_ago in (("late_record", 215), ("late_record_second", 160)):
            events += [
                self._event(self._at(days_ago - 10), "assign", story, who="rowan"),
                self._event(self._at(days_ago - 20), "note", story, who="rowan"),
            ]
        events += [
            self._event(self._at(60), "record_past_office"),
            self._event(self._at(59), "sweep"),
        ]
        return events

    def _denied_run(self) -> list[Event]:
        """Four refused attempts on case files by the leader's office within four days."""
        base = self._at(75).replace(day=9)
        targets = ["warning_letter", "the_whip", "selection_question", "expel_before_conference"]
        events = [
            self._event(base + dt.timedelta(days=i, hours=i), "peek", story, who="felix")
            for i, story in enumerate(targets)
        ]
        return [*events, self._event(base + dt.timedelta(days=5), "sweep")]

    # ---- performing --------------------------------------------------------------------------

    def run(self, event: Event) -> None:
        self.steps.run(event)
