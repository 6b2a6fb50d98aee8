"""Domain errors. Each has a stable ``code`` that the web app, the API (RFC 9457 ``type``) and
the command line map to a clear message and status — never a 500, never a half-written case."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain-error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(DomainError):
    """Input that fails validation; ``fields`` maps field names to what is wrong with them."""

    code = "validation"
    status = 422


class IllegalTransition(DomainError):
    code = "illegal-transition"
    status = 409


class ReasonRequired(DomainError):
    code = "reason-required"
    status = 422


class ConflictOfInterest(DomainError):
    code = "conflict-of-interest"
    status = 409


class StaleState(DomainError):
    """The case changed since the form was loaded; reload and try again."""

    code = "stale-state"
    status = 409


class IdempotencyKeyReused(DomainError):
    """An idempotency key sent again with a different request: refused, nothing is stored, and
    the earlier request's result is not returned as if it answered this one."""

    code = "idempotency-key-reused"
    status = 422


class NotFound(DomainError):
    code = "not-found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class AccessDenied(Exception):
    """Raised by ``access.require``; converted to ``NotFound``/``Forbidden`` once recorded.

    It is not a ``DomainError`` on purpose: nothing may catch it without the denial having
    been written to the ledger first (see ``access.enforcement``).
    """

    def __init__(
        self, *, actor: object, action: str, case_id: int | None, reason: str, reveal: bool
    ) -> None:
        super().__init__(reason)
        self.actor = actor
        self.action = action
        self.case_id = case_id
        self.reason = reason
        self.reveal = reveal  # True: the actor may know the case exists (403), else 404

    def as_domain_error(self) -> DomainError:
        if self.reveal:
            action = self.action.split(":")[0]
            what = _PHRASES.get(action, "do that")
            return Forbidden(f"You are not permitted to {what}.")
        return NotFound("No such case.")


_PHRASES = {
    "case.open": "open cases",
    "case.list": "list cases",
    "case.view": "see this case",
    "case.note": "add notes to this case",
    "case.evidence": "add evidence to this case",
    "case.assign": "assign people to this case",
    "case.interim": "impose or lift interim measures on this case",
    "case.transition": "take this step on this case",
    "case.redecide": "decide again on a decision you took part in",
    "case.prove": "export this case's proofs",
    "case.advice": "ask for advice on this case",
    "case.approach": "log approaches on this case",
    "case.emergency": "ask for emergency access to this case",
    "summary.write": "write this case's summary",
    "summary.approve": "approve or send back this case's summary (never your own)",
    "hearing.schedule": "schedule a hearing on this case",
    "hearing.adjourn": "adjourn this case's hearing",
    "hearing.record": "record this case's hearing",
    "panel.constitute": "draw or appoint this case's panel",
    "review.verify": "verify this decision (only an independent reviewer drawn for its review)",
    "review.veto": "veto this decision (only an independent reviewer drawn for its review)",
    "oversight.view": "see the oversight reports",
    "accounts.manage": "manage accounts",
    "ledger.verify": "verify the ledger",
    "emergency.approve": "approve emergency access",
    "advice.view": "see this advice request",
    "advice.answer": "answer this advice request",
    "signoff.view": "see this sign-off request",
    "signoff.record": "record this sign-off",
    "members.view": "search the membership register",
    "members.import": "import members",
}
