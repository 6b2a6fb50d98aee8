"""Personal API tokens: create, revoke, and resolve a presented secret to its live token.

A token acts for its owner and never for more than its owner may do: scopes only narrow what a
token may be used for, and every call still goes through the same access gates, so a token
cannot reach a case its owner could not. The secret is ``dp_`` followed by 256 random bits,
shown once; only its SHA-256 is kept. People whose roles reach case files must have an
authenticator app (TOTP) before they can mint a token — a token must not become the way round
two-factor sign-in — and a token stops working if its owner no longer meets that condition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import record_denial, require_account_administrator_of
from dueprocess.accounts.mfa_policy import has_second_factor, needs_mfa
from dueprocess.api.models import ApiToken
from dueprocess.errors import AccessDenied, Forbidden, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

SECRET_PREFIX = "dp_"  # noqa: S105 (a recognisable prefix, not a secret)
#: What each scope lets a token be used for (the access gates still decide per case).
SCOPES: dict[str, str] = {
    "cases:read": (
        "List cases and read case files, their parts and the steps open to you; read the "
        "advice requests and sign-offs put to you."
    ),
    "cases:write": (
        "Open cases, take workflow steps, add notes and evidence, assign, impose measures, log "
        "approaches, ask for and give advice, sign off, ask for and decide on emergency access."
    ),
    "members:read": "Search and match the membership register.",
    "members:write": "Import members into the register.",
    "ledger:read": "Export a case's ledger entries with their proofs.",
    "staff:read": (
        "List the organisation's staff, roles and training (account administrators) and the "
        "declarations of interest to review (the head of complaints); never any case."
    ),
    "staff:write": (
        "Add staff, grant and end roles, record training (account administrators); declare "
        "your own interests; review declarations (the head of complaints)."
    ),
    "oversight:read": (
        "Read the oversight figures and their CSVs, the interference register's entries and "
        "the transparency report's exact counts (for those who may see oversight figures)."
    ),
    "privacy:export": (
        "Produce a subject access export of one person's data (the organisation's "
        "administrator only)."
    ),
}
DEFAULT_LIFETIME = dt.timedelta(days=90)
MAX_LIFETIME = dt.timedelta(days=366)
_USE_STAMP_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret. The secret exists only here: show it once, then drop it."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(
    *,
    actor: User,
    name: str,
    scopes: Sequence[str],
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    """Mint a token for ``actor`` (tokens are always their creator's own)."""
    if needs_mfa(actor) and not has_second_factor(actor):
        record_denial(
            AccessDenied(
                actor=actor,
                action="api_token.create",
                case_id=None,
                reason="two-factor authentication required for a token",
                reveal=True,
            )
        )
        raise Forbidden(
            "Set up an authenticator app (two-factor sign-in) before creating an API token."
        )
    label = _clean_name(name)
    chosen = _clean_scopes(scopes)
    now = clock.now()
    expiry = _clean_expiry(expires_at, now)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            owner=actor,
            name=label,
            scopes=chosen,
            secret_sha256=digest(secret),
            prefix=secret[:10],
            created_at=now,
            expires_at=expiry,
        )
        record(
            actor=actor,
            action="api_token.created",
            details={
                "token": token.pk,
                "prefix": token.prefix,
                "scopes": chosen,
                "expires_at": expiry.isoformat(),
            },
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke ``token`` — its owner may, and so may an account administrator of the same
    organisation (a leaked token must not wait for its owner). Revoking twice is harmless."""
    if token.owner_id != actor.pk:  # checked before the transaction, so the refusal stays recorded
        require_account_administrator_of(
            actor,
            token.owner,
            attempted="api_token.revoke",
            reason="not the token's owner or an administrator of the organisation",
            refusal="Only the token's owner or an account administrator can revoke it.",
        )
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("owner").get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            record(
                actor=actor,
                action="api_token.revoked",
                details={"token": token.pk, "prefix": token.prefix, "owner": token.owner_id},
            )
        return token


def api_tokens_of(owner: User) -> list[ApiToken]:
    """The owner's tokens, newest first (secrets are never part of them)."""
    return list(ApiToken.objects.filter(owner=owner).order_by("-created_at", "-id"))


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token whose secret this is, or None — for any reason, without saying which."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    wanted = digest(secret)
    token = ApiToken.objects.select_related("owner").filter(secret_sha256=wanted).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, wanted):
        return None
    now = clock.now()
    owner = token.owner
    if not token.is_live(now) or not owner.is_active:
        return None
    if needs_mfa(owner) and not has_second_factor(owner):
        return None
    _stamp_use(token, now)
    return token


def _stamp_use(token: ApiToken, now: dt.datetime) -> None:
    # At most one write a minute per token: reads stay cheap, "last used" stays useful.
    if token.last_used_at is None or now - token.last_used_at >= _USE_STAMP_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _clean_name(name: str) -> str:
    label = (name or "").strip()
    if not label or len(label) > 100 or "\x00" in label:
        raise InvalidInput(
            "Give the token a name of 1 to 100 characters.", fields={"name": "1–100 characters."}
        )
    return label


def _clean_scopes(scopes: Sequence[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown or not chosen:
        raise InvalidInput(
            f"Choose at least one scope from: {', '.join(SCOPES)}.",
            fields={"scopes": f"Unknown: {', '.join(unknown)}." if unknown else "Required."},
        )
    return chosen


def _clean_expiry(expires_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at.tzinfo is None:
        raise InvalidInput(
            "Give the expiry with a time zone.", fields={"expires_at": "Time zone required."}
        )
    if not now < expires_at <= now + MAX_LIFETIME:
        raise InvalidInput(
            "A token must expire in the future and within a year.",
            fields={"expires_at": "Between now and 366 days from now."},
        )
    return expires_at
