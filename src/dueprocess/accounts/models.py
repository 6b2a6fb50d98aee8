"""Who works here, in which role, and what interests they have declared.

Role memberships are rows with start and end dates rather than flags on the user, because
the conflict rules ask questions about the past ("worked in the political office within the
last 24 months"), and because a role grant is itself a fact an auditor wants to see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q

from dueprocess.rulebook.schema import ROLES

ROLE_CHOICES = [(role, role.replace("_", " ").capitalize()) for role in ROLES]


class Organisation(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    rulebook = models.ForeignKey(
        "rulebook.RulebookVersion", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A team that owns cases (e.g. the complaints unit); case managers manage a unit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    slug = models.SlugField()
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="unit_slug")]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Parties to cases are not users (they are Parties on the case)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class RoleMembershipQuerySet(models.QuerySet["RoleMembership"]):
    def current(self, on: dt.date | None = None) -> RoleMembershipQuerySet:
        from dueprocess.lib import clock

        day = on or clock.today()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class RoleMembership(models.Model):
    """A role held by a user from ``starts_on`` until ``ends_on`` (inclusive, open if null)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleMembershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class ReviewOutcome(models.TextChoices):
    """What the head of complaints made of a declaration of interest."""

    NOTED = "noted", "Noted: the conflict rules keep the person out of the cases it touches"
    RESTRICTED = "restricted", "Restricted: the person is kept off related work beyond the rules"
    NO_CONFLICT = "no_conflict", "No conflict: nothing further is needed"


class InterestDeclaration(models.Model):
    """Something a member of staff declares that may conflict them out of cases."""

    class Kind(models.TextChoices):
        RELATIONSHIP = "relationship", "Personal or professional relationship with a member"
        ROLE_HELD = "role_held", "Role held (e.g. in a faction, campaign or other body)"
        POLITICAL_OFFICE = "political_office", "Past or present work in the political office"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="interests")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField()
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    declared_at = models.DateTimeField()
    # The head of complaints' review of the declaration (empty until reviewed).
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class TrainingRecord(models.Model):
    """Completed training; case handlers without current training cannot be assigned."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training")
    course = models.CharField(max_length=120)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
