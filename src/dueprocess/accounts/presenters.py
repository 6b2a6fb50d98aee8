"""The staff records as one read shape, for the API and the staff web pages alike.

A person with their dated roles and training, and a declaration of interest with its review:
the API returns these dictionaries as they are and the web pages draw them, so the two
channels cannot disagree about what an administrator or a reviewer is shown.
"""

from __future__ import annotations

from typing import Any

from dueprocess.accounts.models import InterestDeclaration, RoleMembership, User


def staff_person(user: User) -> dict[str, Any]:
    """``user`` (loaded with ``with_history``) with every role, current or ended, and training."""
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.full_name,
        "active": user.is_active,
        "roles": [
            {
                "id": m.pk,
                "role": m.role,
                "unit": m.unit.slug if m.unit else None,
                "starts_on": m.starts_on,
                "ends_on": m.ends_on,
            }
            for m in sorted(user.roles.all(), key=lambda m: (m.starts_on, m.pk))
        ],
        "training": [
            {"course": t.course, "completed_on": t.completed_on, "expires_on": t.expires_on}
            for t in sorted(user.training.all(), key=lambda t: (t.completed_on, t.pk))
        ],
    }


def interest_record(d: InterestDeclaration) -> dict[str, Any]:
    """A declaration with its review: who reviewed it (their id and name) and when, so that the
    declarant and the head of complaints both read who took the decision, not only that one
    was taken. Load ``user`` and ``reviewed_by`` with it."""
    reviewer = d.reviewed_by
    return {
        "id": d.pk,
        "person": d.user_id,
        "person_name": d.user.full_name,
        "kind": d.kind,
        "description": d.description,
        "member": d.member_id,
        "starts_on": d.starts_on,
        "ends_on": d.ends_on,
        "declared_at": d.declared_at,
        "outcome": d.outcome,
        "review_note": d.review_note,
        "reviewed_by": d.reviewed_by_id,
        "reviewed_by_name": reviewer.full_name if reviewer is not None else None,
        "reviewed_at": d.reviewed_at,
    }


def with_history(user: User) -> User:
    """``user`` read afresh with the roles and training ``staff_person`` lists."""
    return User.objects.prefetch_related("roles__unit", "training").get(pk=user.pk)


def current_role_ids(user_ids: list[int]) -> set[int]:
    """Which of these people's roles are held today, by the one rule of
    ``RoleMembership.objects.current()`` (the rest have ended or not yet begun)."""
    current = RoleMembership.objects.current().filter(user_id__in=user_ids)
    return set(current.values_list("pk", flat=True))
