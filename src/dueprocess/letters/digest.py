"""The daily e-mail digest: once a day, to each person who asked for it, what needs them.

It goes through the outbox like every letter (written in a transaction, delivered after commit
by the sender, retried, bounced, each step an entry). What it says is what the person's own
queue and notices say — the same queries, so it never names a case they may not see — and it
carries case references, stages and dates only: no party's name and no allegation leaves the
system by e-mail. A day's digest is claimed by its row (one per person and day, a unique
constraint), so two ticks running at once write it once, and a tick killed halfway has either
written it whole or not at all. Nothing waiting and nothing to remind of means no e-mail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dueprocess.accounts.models import User
from dueprocess.cases.worklists import rulebooks, waiting_cases
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger import keys
from dueprocess.ledger.record import record
from dueprocess.letters.models import DigestSubscription, Letter
from dueprocess.letters.queries import recent_notices
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.cases.models import Case
    from dueprocess.letters.models import Notice
    from dueprocess.rulebook.schema import Rulebook

#: Digests are written on the first tick at or after this hour (the installation's time zone),
#: so that they arrive before the working day rather than at midnight.
DIGEST_FROM_HOUR = 6
#: At most this many lines per section; the rest is counted ("and 12 more").
MAX_LINES = 40
#: Identifies how the digest is laid out, in place of a template's hash.
LAYOUT = "dueprocess/digest/v1"


@dataclass(frozen=True)
class DigestLine:
    reference: str
    text: str


@dataclass(frozen=True)
class Digest:
    waiting: list[DigestLine]
    waiting_total: int
    notices: list[DigestLine]
    notices_total: int

    @property
    def empty(self) -> bool:
        return not (self.waiting_total or self.notices_total)

    @property
    def references(self) -> list[str]:
        return sorted({line.reference for line in self.waiting + self.notices})


@dataclass(frozen=True)
class DigestChoice:
    """A person's standing choice: whether they get the digest, and since when (None: never
    chosen)."""

    on: bool
    changed_at: dt.datetime | None


def digest_subscription_of(person: User) -> DigestChoice:
    """Whether ``person`` receives the daily digest, and when they last chose: the one read
    behind the account page and ``GET /api/v1/me/digest``."""
    row = DigestSubscription.objects.filter(person=person).only("on", "changed_at").first()
    return DigestChoice(on=bool(row and row.on), changed_at=row.changed_at if row else None)


def digest_subscribe(*, actor: User | None, person: User, on: bool) -> DigestSubscription:
    """Switch ``person``'s daily digest on or off. A person sets their own; ``actor`` None is
    the operator (the command line). Setting it as it already is writes nothing."""
    if actor is not None and actor.pk != person.pk:
        raise Forbidden("Only the person themselves chooses whether they get the daily digest.")
    if on and not person.email:
        raise InvalidInput(
            "This account has no e-mail address to send the digest to.",
            fields={"on": "Add an e-mail address first."},
        )
    with transaction.atomic():
        subscription, created = DigestSubscription.objects.select_for_update().get_or_create(
            person=person, defaults={"on": on, "changed_at": clock.now()}
        )
        if not created and subscription.on == on:
            return subscription
        subscription.on = on
        subscription.changed_at = clock.now()
        subscription.save(update_fields=["on", "changed_at"])
        record(
            actor=actor,
            action="digest.subscribed" if on else "digest.unsubscribed",
            details={"person": keys.pseudonym("user", person.pk)},
        )
        return subscription


def digest_of(person: User) -> Digest:
    """What ``person``'s digest says today: their queue (oldest first, with the stage and its
    due date) and their recent reminders and escalations."""
    versions = rulebooks()
    waiting = (
        waiting_cases(person, versions=versions)
        .only("reference", "stage", "stage_due_on", "rulebook_id")
        .order_by("received_at", "pk")
    )
    today = clock.today()
    waiting_lines = [
        DigestLine(case.reference, _waiting_text(case, versions, today))
        for case in waiting[:MAX_LINES]
    ]
    notices = recent_notices(person)
    notice_lines = [
        DigestLine(notice.case.reference, _notice_text(notice)) for notice in notices[:MAX_LINES]
    ]
    return Digest(
        waiting=waiting_lines,
        waiting_total=waiting.count() if len(waiting_lines) == MAX_LINES else len(waiting_lines),
        notices=notice_lines,
        notices_total=notices.count() if len(notice_lines) == MAX_LINES else len(notice_lines),
    )


def digests_queue() -> list[Letter]:
    """Write today's digest for every active person who asked for one and has something
    waiting or a notice; each at most once a day, however many ticks run."""
    now = clock.now()
    if timezone.localtime(now).hour < DIGEST_FROM_HOUR:
        return []
    day = timezone.localdate(now)
    people = User.objects.filter(
        is_active=True, digest_subscription__on=True, organisation__isnull=False
    ).exclude(email="")
    already = set(
        Letter.objects.filter(digest_on=day, person__in=people).values_list("person_id", flat=True)
    )
    written = []
    for person in people.order_by("pk"):
        if person.pk in already:
            continue
        digest = digest_of(person)
        if digest.empty:
            continue
        try:
            with transaction.atomic():
                written.append(_keep(person, digest, day, now))
        except IntegrityError:
            continue  # another tick wrote this person's digest first
    return written


def _keep(person: User, digest: Digest, day: dt.date, now: dt.datetime) -> Letter:
    subject, text, html = _compose(person, digest, day)
    content_sha256 = hashlib.sha256(f"{subject}\n{text}\n{html}".encode()).hexdigest()
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "dueprocess.invalid"
    pseudonym = keys.pseudonym("user", person.pk)
    letter = Letter.objects.create(
        person=person,
        digest_on=day,
        template="digest",
        trigger="daily",
        recipient_role="staff",
        recipient_pseudonym=pseudonym,
        to_address=person.email,
        subject=subject,
        text=text,
        html=html,
        pdf=b"",
        content_sha256=content_sha256,
        template_sha256=hashlib.sha256(LAYOUT.encode()).hexdigest(),
        message_id=f"<digest.{uuid.uuid4().hex}@{domain}>",
        next_attempt_at=now,
        created_at=now,
    )
    record(
        actor=None,
        action="digest.queued",
        details={
            "letter": letter.pk,
            "recipient": pseudonym,
            "day": day.isoformat(),
            "shown": digest.references,
            "content_sha256": content_sha256,
        },
    )
    return letter


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _waiting_text(case: Case, versions: dict[int, Rulebook], today: dt.date) -> str:
    rules = versions.get(case.rulebook_id)
    stage = rules.stages.get(case.stage) if rules is not None else None
    label = stage.label if stage is not None else case.stage
    if case.stage_due_on is None:
        return label
    late = " (overdue)" if case.stage_due_on < today else ""
    return f"{label}, due {_day(case.stage_due_on)}{late}"


def _notice_text(notice: Notice) -> str:
    return f"{notice.get_kind_display()}, {_day(notice.due_on)}: {notice.text}"


def _section(title: str, lines: list[DigestLine], total: int) -> tuple[list[str], str]:
    """One section of the digest in both forms, plain text lines and HTML, from one list."""
    if not total:
        return [], ""
    more = total - len(lines)
    text = [f"{title} ({total}):"] + [f"  {line.reference}: {line.text}" for line in lines]
    items = "".join(
        f"<li><strong>{escape(line.reference)}</strong>: {escape(line.text)}</li>\n"
        for line in lines
    )
    if more > 0:
        text.append(f"  and {more} more")
        items += f"<li>and {more} more</li>\n"
    return [*text, ""], f"<h2>{escape(title)} ({total})</h2>\n<ul>\n{items}</ul>\n"


def _compose(person: User, digest: Digest, day: dt.date) -> tuple[str, str, str]:
    counts = []
    if digest.waiting_total:
        counts.append(f"{digest.waiting_total} waiting for you")
    if digest.notices_total:
        counts.append(f"{digest.notices_total} reminders and escalations")
    subject = f"Your cases on {_day(day)}: " + ", ".join(counts)
    name = person.full_name or person.email
    sections = [
        _section("Waiting for you", digest.waiting, digest.waiting_total),
        _section("Reminders and escalations", digest.notices, digest.notices_total),
    ]
    body = [
        f"Dear {name},",
        "",
        *(line for text_lines, _ in sections for line in text_lines),
        "Sign in to act on them; this e-mail names case references only.",
        "You get this digest because you asked for it; switch it off on your account page.",
    ]
    text = "\n".join(body) + "\n"
    html_sections = [html_part for _, html_part in sections]
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="font-family: sans-serif; max-width: 40em; line-height: 1.4">\n'
        f"<p>Dear {escape(name)},</p>\n{''.join(html_sections)}"
        "<p>Sign in to act on them; this e-mail names case references only.</p>\n"
        "<p>You get this digest because you asked for it; switch it off on your account page."
        "</p>\n</body></html>\n"
    )
    return subject, text, html
