"""The demo's independent reviews: a decision the rulebook sends to review (a suspension or an
expulsion under the party rulebook) is verified by the reviewer drawn for it when the outcome
is about to be sent, so the demo's decided cases show verified reviews and its most recent
decisions, whose outcome is not sent yet, show decisions awaiting review."""

from __future__ import annotations

from dueprocess.accounts.models import User
from dueprocess.cases.models import Case
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.reviews import awaiting_review, review_verify


def verify_before_notice(case: Case) -> None:
    """Have the drawn reviewer read the case and verify its decision, if it awaits review."""
    pending = awaiting_review(case)
    if pending is None:
        return
    reviewer = next(iter(pending.reviewers.all()), None)
    if reviewer is None:
        return
    user = User.objects.get(pk=reviewer.user_id)
    case_detail_for(user, case.reference)
    review_verify(actor=user, case=case, review=pending.pk)
