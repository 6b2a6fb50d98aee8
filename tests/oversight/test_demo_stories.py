"""The demo organisation holds a fictional example of every event the oversight counts."""

from __future__ import annotations

from dueprocess.access.models import EmergencyAccess
from dueprocess.cases.models import AdviceRequest, Approach, Decision, SignOff
from dueprocess.demo.build import Builder
from dueprocess.lib import clock
from dueprocess.oversight.models import Alert
from dueprocess.oversight.queries import dashboard_for
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled


def test_the_demo_tells_every_interference_story(db):
    version = rulebook_install(path=bundled("party"))
    built = Builder(version, cases=3, seed=7, now=clock.now()).build()
    advice = AdviceRequest.objects.all()
    assert advice.filter(answered_at__isnull=False, closed_at__isnull=False).exists()
    assert advice.filter(answered_at__isnull=False, closed_at__isnull=True).exists()
    assert advice.filter(answered_at__isnull=True).exists()
    assert set(advice.values_list("adviser__full_name", flat=True)) == {"Felix Hartley"}
    assert {True, False} <= set(Approach.objects.values_list("from_political_office", flat=True))
    assert {"lighter", "harsher", "neither"} <= set(
        Approach.objects.values_list("direction", flat=True)
    )
    assert {"downgrade", "upgrade"} <= set(
        Decision.objects.filter(case__approaches__isnull=False).values_list("direction", flat=True)
    )
    signoffs = SignOff.objects.all()
    assert signoffs.filter(status="objected", answered_late=True).exists()
    assert signoffs.filter(status="signed", answered_late=False).exists()
    assert any(s.is_delayed(clock.today()) for s in signoffs)
    assert EmergencyAccess.objects.filter(approved_at__isnull=False).exclude(approver=None).exists()
    assert EmergencyAccess.objects.filter(refused_at__isnull=False).exists()
    assert set(Alert.objects.values_list("rule", flat=True)) == set(Alert.Rule.values)
    board = dashboard_for(built.users["gwen"])
    assert board.figures["alerts"].total(1) >= 5
    assert board.figures["signoffs"].total(4) >= 1  # an objection
