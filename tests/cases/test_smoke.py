import pytest

from dueprocess.cases.models import Case


def test_a_party_case_walks_from_received_to_closed_through_the_services(world):
    case = world.case_at("closed")
    assert case.stage == "closed"
    assert case.closed_at is not None
    assert list(case.status_changes.values_list("new_stage", flat=True)) == [
        "received",
        "triage",
        "investigation",
        "panel",
        "decided",
        "notified",
        "closed",
    ]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "stage",
    [
        "reported",
        "assessment",
        "investigation",
        "conduct_panel",
        "outcome",
        "outcome_sent",
        "review",
        "completed",
    ],
)
def test_the_university_rulebook_runs_on_the_same_code(university, stage):
    case = university.case_at(stage)
    assert case.stage == stage
    assert case.reference.startswith("M-")
