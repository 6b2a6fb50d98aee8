"""Hearings: scheduled with notice, adjourned with reasons, and recorded once held.

Every row is written once and never changed, like the rest of the case record: a hearing's
date moves only by an adjournment (a new row saying why, when and by whom), so the date the
parties were first given stays on the record beside every later one. Where a hearing stands
now is read from its rows (``starts_at_now``, ``held``), never stored twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class Hearing(ImmutableModel):
    """A hearing as scheduled: when, where, before whom, and any agreement to short notice."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="hearings")
    starts_at = models.DateTimeField(help_text="The date and time first given in the notice.")
    place = models.TextField(help_text="A room and its address, or the link to join remotely.")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField(help_text="When the hearing was scheduled and noticed.")
    short_notice_agreement = models.TextField(
        blank=True,
        help_text="Who agreed for the respondent to less than the rulebook's notice, how and when.",
    )

    class Meta:
        ordering = ["scheduled_at", "id"]

    def __str__(self) -> str:
        return f"hearing {self.pk} on case {self.case_id}"

    @property
    def starts_at_now(self) -> dt.datetime:
        """The date the hearing stands at: the latest adjournment's, else the first one."""
        latest = self.latest_adjournment
        return latest.starts_at if latest is not None else self.starts_at

    @property
    def place_now(self) -> str:
        """The place the hearing stands at: the last one an adjournment gave, else the first."""
        places = [a.place for a in self.adjournments_in_order if a.place]
        return places[-1] if places else self.place

    @property
    def adjournments_in_order(self) -> list[Adjournment]:
        return sorted(self.adjournments.all(), key=lambda a: (a.at, a.pk))

    @property
    def latest_adjournment(self) -> Adjournment | None:
        adjournments = self.adjournments_in_order  # prefetched by the read model
        return adjournments[-1] if adjournments else None

    @property
    def held(self) -> bool:
        return hasattr(self, "record")


class HearingPanelist(ImmutableModel):
    """One member of a hearing's panel, as named in its notice."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="panelists")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["hearing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hearing", "user"], name="one_seat_per_panelist")
        ]

    def __str__(self) -> str:
        return f"panelist {self.user_id} of hearing {self.hearing_id}"


class Adjournment(ImmutableModel):
    """A hearing put off to a new date (and, optionally, a new place), with the reason."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="adjournments")
    reason = models.TextField()
    starts_at = models.DateTimeField(help_text="The new date and time.")
    place = models.TextField(blank=True, help_text="A new place, if it changes.")
    short_notice_agreement = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"adjournment {self.pk} of hearing {self.hearing_id}"


class HearingRecord(ImmutableModel):
    """What happened at a hearing, recorded once, after it was held."""

    hearing = models.OneToOneField(Hearing, on_delete=models.PROTECT, related_name="record")
    held_at = models.DateTimeField()
    respondent_attended = models.BooleanField()
    representation = models.CharField(
        max_length=200,
        blank=True,
        help_text='Who represented or accompanied the respondent ("a friend", "a lawyer"); '
        "blank for no one.",
    )
    account = models.TextField(help_text="The record of what happened at the hearing.")
    outcome = models.TextField(help_text="What the hearing concluded, or what happens next.")
    recording_made = models.BooleanField(default=False)
    #: anyone else present besides the panel, the respondent and their representative (a
    #: recording needs each one's consent too)
    others_present = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"record of hearing {self.hearing_id}"
