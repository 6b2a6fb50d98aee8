"""One persona per role (and the relations that matter), with fixed fictional identities.

Jamie Rowntree is the case the articles turn on: until recently on the leader's staff, now
moved into the complaints unit as an intake officer — and so conflicted out of every case for
the rulebook's conflict period, which the system works out from the role history alone.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from dueprocess.accounts.models import Organisation, Unit, User
from dueprocess.accounts.services import role_grant, staff_create, training_record
from dueprocess.demo.names import EMAIL_DOMAIN

DEMO_PASSWORD = "dueprocess-demo-2026"  # noqa: S105 (fictional demo accounts)


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    role: str
    title: str
    case_role: bool = True

    @property
    def email(self) -> str:
        return f"{self.key}@{EMAIL_DOMAIN}"


PERSONAS = (
    Persona("priya", "Priya Natarajan", "intake_officer", "Intake officer"),
    Persona("morgan", "Morgan Ellery", "case_manager", "Head of complaints"),
    Persona("sam", "Sam Okafor", "investigator", "Investigator"),
    Persona("rhiannon", "Rhiannon Pryce", "investigator", "Investigator"),
    Persona("tomasz", "Tomasz Wilk", "investigator", "Investigator"),
    Persona("judith", "Judith Amankwah", "panel_member", "Disputes panel (chair)"),
    Persona("callum", "Callum Reid", "panel_member", "Disputes panel"),
    Persona("anita", "Anita Sorensen", "panel_member", "Disputes panel"),
    Persona("declan", "Declan Moyo", "panel_member", "Disputes panel"),
    Persona("hannah", "Hannah Lindqvist", "panel_member", "Disputes panel"),
    Persona("oliver", "Oliver Strand", "panel_member", "Disputes panel"),
    Persona("gwen", "Gwen Talbot", "oversight", "General secretary (oversight)", case_role=False),
    Persona(
        "ines", "Ines Carvalho", "independent_reviewer", "Independent reviewer", case_role=False
    ),
    Persona("felix", "Felix Hartley", "political_office", "Leader's office staff", case_role=False),
    Persona("ada", "Ada Kowal", "administrator", "Systems administrator", case_role=False),
    Persona(
        "jamie",
        "Jamie Rowntree",
        "intake_officer",
        "Intake officer, moved from the leader's office",
    ),
)

#: The personas printed by ``dueprocess demo`` (one per role, plus the moved staff member).
PRINTED = ("priya", "sam", "morgan", "judith", "gwen", "ines", "felix", "ada", "jamie")


def create_personas(
    organisation: Organisation, unit: Unit, *, start: dt.date, today: dt.date
) -> dict[str, User]:
    users: dict[str, User] = {}
    for persona in PERSONAS:
        user = staff_create(
            actor=None,
            organisation=organisation,
            email=persona.email,
            full_name=persona.name,
            password=DEMO_PASSWORD,
        )
        users[persona.key] = user
        if persona.key == "jamie":
            moved_on = today - dt.timedelta(days=90)
            role_grant(
                actor=None,
                user=user,
                role="political_office",
                starts_on=start,
                ends_on=moved_on - dt.timedelta(days=1),
            )
            role_grant(actor=None, user=user, role="intake_officer", unit=unit, starts_on=moved_on)
        else:
            scoped = unit if persona.role in ("case_manager", "intake_officer") else None
            role_grant(actor=None, user=user, role=persona.role, unit=scoped, starts_on=start)
        if persona.case_role or persona.role == "independent_reviewer":  # reviewers are drawn
            training_record(
                actor=None,
                user=user,
                course="Handling complaints of discrimination and harassment",
                completed_on=start,
            )
        enrol_mfa(user, persona.key)
    return users


def demo_totp_secret(key: str) -> str:
    """A fixed authenticator-app secret (base32) per persona, so that anyone trying the demo
    can add it to an app, and the browser tests can compute the same codes."""
    digest = hashlib.sha256(f"dueprocess-demo-totp:{key}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def enrol_mfa(user: User, key: str) -> None:
    """Set the persona up for two-factor sign-in with allauth's own models: an authenticator
    app (TOTP) and a set of recovery codes."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, demo_totp_secret(key))
    RecoveryCodes.activate(user)


def recovery_code(user: User) -> str:
    """One unused recovery code of ``user`` (printed by ``dueprocess demo``)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(codes).get_unused_codes()[0]
