"""Case models, one module per concern."""

from dueprocess.cases.models.advice import AdviceRequest, Approach
from dueprocess.cases.models.appeals import Appeal, AppealOutcome
from dueprocess.cases.models.case import Case, ReferenceCounter, StatusChange
from dueprocess.cases.models.dossiers import Dossier, DossierRow
from dueprocess.cases.models.hearings import (
    Adjournment,
    Hearing,
    HearingPanelist,
    HearingRecord,
)
from dueprocess.cases.models.measures import InterimMeasure
from dueprocess.cases.models.outcomes import Decision, DecisionAnnouncement, Recommendation
from dueprocess.cases.models.panels import PanelConstitution, PanelSeatHolder, PanelVote
from dueprocess.cases.models.parties import Allegation, Party
from dueprocess.cases.models.records import EvidenceItem, Note
from dueprocess.cases.models.reviews import Review, Reviewer, ReviewOutcome
from dueprocess.cases.models.signoffs import SignOff
from dueprocess.cases.models.summaries import DecisionSummary, SummaryReview
from dueprocess.cases.models.work import Assignment, Recusal

__all__ = [
    "Adjournment",
    "AdviceRequest",
    "Allegation",
    "Appeal",
    "AppealOutcome",
    "Approach",
    "Assignment",
    "Case",
    "Decision",
    "DecisionAnnouncement",
    "DecisionSummary",
    "Dossier",
    "DossierRow",
    "EvidenceItem",
    "Hearing",
    "HearingPanelist",
    "HearingRecord",
    "InterimMeasure",
    "Note",
    "PanelConstitution",
    "PanelSeatHolder",
    "PanelVote",
    "Party",
    "Recommendation",
    "Recusal",
    "ReferenceCounter",
    "Review",
    "ReviewOutcome",
    "Reviewer",
    "SignOff",
    "StatusChange",
    "SummaryReview",
]
