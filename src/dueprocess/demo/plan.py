"""Plan each demo case's life as timed events, so the build can replay them in time order.

Ages and delays are drawn so that old cases are mostly closed, recent ones are still moving,
and a share are stuck — a real backlog with overdue acknowledgements and slow investigations.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from dueprocess.rulebook.schema import Rulebook

SUMMARIES = {
    "antisemitism": "The respondent shared a post repeating an antisemitic conspiracy trope.",
    "islamophobia": "Remarks by the respondent at a branch meeting stereotyping Muslims.",
    "other_racism": "Racist language used by the respondent in a campaign group chat.",
    "sexual_harassment": "Unwanted sexual comments by the respondent at a regional event.",
    "bullying_harassment": "Repeated intimidating messages from the respondent to a volunteer.",
    "other_conduct": "The respondent misused branch contact data for a private mailing.",
}
CATEGORY_WEIGHTS = {
    "antisemitism": 34,
    "islamophobia": 10,
    "other_racism": 10,
    "sexual_harassment": 9,
    "bullying_harassment": 22,
    "other_conduct": 15,
}
GROUNDS = ("not_a_member", "out_of_scope", "duplicate", "no_case_to_answer", "withdrawn")
GROUND_WEIGHTS = (40, 25, 15, 15, 5)
DOWNGRADE_REASONS = (
    "The panel gave weight to the respondent's early admission, apology and clean record.",
    "The panel found the post was deleted within the hour and not repeated.",
)
UPGRADE_REASONS = ("The panel found a pattern of similar posts over two years.",)


@dataclass(order=True)
class Event:
    at: dt.datetime
    order: int
    kind: str = field(compare=False)
    case: int = field(compare=False)
    params: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass
class CasePlan:
    index: int
    category: str
    received: dt.datetime
    respondent_member: bool
    elected: bool
    events: list[Event] = field(default_factory=list)


class Planner:
    def __init__(self, rules: Rulebook, *, now: dt.datetime, seed: int) -> None:
        self.rules = rules
        self.now = now
        self.rng = random.Random(seed)
        self.counter = 0

    def days(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(days=self.rng.uniform(low, high), minutes=self.rng.randint(0, 600))

    def plan(self, count: int, *, span_days: int) -> list[CasePlan]:
        plans = [self._case(i, span_days) for i in range(count)]
        return plans

    def _add(self, plan: CasePlan, at: dt.datetime, kind: str, **params: Any) -> bool:
        if at >= self.now:
            return False
        self.counter += 1
        plan.events.append(Event(at, self.counter, kind, plan.index, params))
        return True

    def _case(self, index: int, span_days: int) -> CasePlan:
        rng = self.rng
        age = span_days * (rng.random() ** 1.4)  # more recent cases than old ones
        received = self.now - dt.timedelta(days=age, hours=rng.randint(0, 23))
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        plan = CasePlan(
            index,
            category,
            received,
            respondent_member=rng.random() > 0.12,
            elected=rng.random() < 0.1,
        )
        slow = 2.6 if rng.random() < 0.22 else 1.0
        self._add(plan, received, "open", anonymous=rng.random() < 0.15)
        t = received + self.days(0.5, 9) * slow
        if not self._add(plan, t, "acknowledge"):
            return plan
        t += self.days(2, 25) * slow
        declined = not plan.respondent_member or rng.random() < 0.14
        if declined:
            ground = (
                "not_a_member"
                if not plan.respondent_member
                else rng.choices(GROUNDS[1:], GROUND_WEIGHTS[1:])[0]
            )
            self._add(plan, t, "not_investigated", ground=ground)
            return plan
        if not self._add(plan, t, "accept"):
            return plan
        return self._investigate(plan, t, slow)

    def _investigate(self, plan: CasePlan, t: dt.datetime, slow: float) -> CasePlan:
        rng = self.rng
        t += self.days(0, 8) * slow
        investigator = rng.choice(("sam", "rhiannon", "tomasz"))
        if not self._add(plan, t, "assign_investigator", investigator=investigator):
            return plan
        interim = (
            plan.category in ("antisemitism", "sexual_harassment", "other_racism")
            and rng.random() < 0.2
        )
        if interim:
            self._add(plan, t + self.days(0.2, 3), "interim")
        for _ in range(rng.randint(1, 3)):
            self._add(plan, t + self.days(1, 30) * slow, "note", investigator=investigator)
        self._add(plan, t + self.days(2, 20) * slow, "evidence", investigator=investigator)
        t += self.days(18, 90) * slow
        outcome = self._outcome(plan.category)
        if not self._add(plan, t, "recommend", investigator=investigator, **outcome):
            return plan
        t += self.days(1, 12) * slow
        panel = rng.sample(("judith", "callum", "anita", "declan", "hannah"), 3)
        if not self._add(plan, t, "assign_panel", panel=panel):
            return plan
        t += self.days(4, 35) * slow
        decided = self._decision(plan.category, outcome)
        if not self._add(plan, t, "decide", chair=panel[0], **decided):
            return plan
        if interim:
            self._add(plan, t + dt.timedelta(minutes=5), "lift")
        t += self.days(1, 6)
        if not self._add(plan, t, "notify"):
            return plan
        if rng.random() < 0.12:
            t += self.days(5, 18)
            if not self._add(plan, t, "appeal"):
                return plan
            t += self.days(15, 40) * slow
            if not self._add(plan, t, "decide_appeal", chair=panel[1], **decided):
                return plan
            t += self.days(1, 5)
            if not self._add(plan, t, "notify"):
                return plan
        self._add(plan, t + self.days(21, 30), "close")
        return plan

    def _outcome(self, category: str) -> dict[str, Any]:
        rules, rng = self.rules, self.rng
        guide = rules.categories[category]
        ladder = [
            s
            for s in rules.ladder()
            if rules.sanctions[guide.guideline_min].severity
            <= s.severity
            <= rules.sanctions[guide.guideline_max].severity
        ]
        if rng.random() < 0.12:
            return {"finding": "no_breach", "sanctions": []}
        weights = [max(1, 6 - i * 2) for i in range(len(ladder))]
        sanction = rng.choices(ladder, weights=weights)[0].key
        extra = ["education_course"] if guide.education == "required" or rng.random() < 0.3 else []
        return {"finding": "breach", "sanctions": [sanction, *extra]}

    def _decision(self, category: str, recommended: dict[str, Any]) -> dict[str, Any]:
        rules, rng = self.rules, self.rng
        roll = rng.random()
        if recommended["finding"] != "breach" or roll > 0.16:
            return dict(recommended, reasons="")
        ladder = [s.key for s in rules.ladder()]
        current = next(s for s in recommended["sanctions"] if s in ladder)
        position = ladder.index(current)
        if roll < 0.11 and position > 0:
            lowered = [
                ladder[position - 1],
                *[s for s in recommended["sanctions"] if s not in ladder],
            ]
            return {
                "finding": "breach",
                "sanctions": lowered,
                "reasons": rng.choice(DOWNGRADE_REASONS),
            }
        if position + 1 < len(ladder):
            raised = [
                ladder[position + 1],
                *[s for s in recommended["sanctions"] if s not in ladder],
            ]
            return {
                "finding": "breach",
                "sanctions": raised,
                "reasons": rng.choice(UPGRADE_REASONS),
            }
        return dict(recommended, reasons="")
