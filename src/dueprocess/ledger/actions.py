"""The catalogue of ledger actions: every name an entry may carry, what it means, who records it.

Why a catalogue: an auditor reading the log needs to know what each line means, and a typo in
an action name would otherwise be a silent gap (a "case.veiwed" entry nobody counts). ``record``
refuses a name that is not here, and ``docs/ledger-actions.md`` is generated from this list
(``python -m dueprocess.ledger.actions > docs/ledger-actions.md``; a test keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerAction:
    name: str
    meaning: str
    recorded_by: str  # the module whose service appends it


def _actions(recorded_by: str, *pairs: tuple[str, str]) -> list[LedgerAction]:
    return [LedgerAction(name, meaning, recorded_by) for name, meaning in pairs]


CATALOGUE: dict[str, LedgerAction] = {
    action.name: action
    for action in [
        *_actions(
            "access.enforcement",
            ("access.denied", "someone was refused an action or a read (the attempt and why)"),
        ),
        *_actions(
            "cases.services.emergency",
            ("emergency.requested", "emergency access to a case was asked for, with a reason"),
            ("emergency.approved", "a second person approved emergency access, until a time"),
            ("emergency.refused", "a second person refused emergency access, with a reason"),
            ("emergency_list.viewed", "the list of emergency access requests was read"),
        ),
        *_actions(
            "accounts.services",
            ("organisation.created", "an organisation was set up with its rulebook"),
            ("staff.created", "a staff account was created"),
            ("staff.deactivated", "an account was switched off; its sessions and tokens ended"),
            ("role.granted", "a role was granted to a person from a date"),
            ("role.ended", "a person's role ended on a date"),
            ("training.recorded", "a person's completed training was recorded"),
            ("interest.declared", "a person declared an interest that may conflict them out"),
            ("interest.reviewed", "the head of complaints reviewed a declaration of interest"),
            ("staff.authenticator_enrolled", "an operator enrolled a person's authenticator app"),
        ),
        *_actions(
            "accounts.signins",
            ("account.signed_in", "a person signed in (password and second factor)"),
            ("account.signed_out", "a person signed out"),
            ("account.sign_in_failed", "a sign-in was refused (password, rate limit, factor)"),
            ("account.password_changed", "a person changed their password"),
            ("account.second_factor_added", "a second factor was enrolled"),
            ("account.second_factor_removed", "a second factor was removed"),
            ("account.second_factor_reset", "recovery codes were regenerated"),
        ),
        *_actions(
            "parties.services",
            ("party.report_filed", "a complaint came in on the public form; a receipt was issued"),
            ("party.report_refused", "a public complaint was refused by the rate limit"),
            ("party.receipt_failed", "a typed receipt opened no case (or was rate limited)"),
            ("party.case_viewed", "a party read their own case's page (logged before shown)"),
            ("party.message_sent", "a party sent a message to the case team"),
            ("party.message_read", "a party first read a message from the case team"),
            ("party.allegations_viewed", "a respondent read the allegations (logged before shown)"),
            ("party.outcome_viewed", "a party's page showed them the outcome (logged first)"),
            ("party.response_submitted", "a respondent sent their written response"),
            ("case.respondent_notified", "the respondent was sent notice of the allegations"),
            ("case.message_sent", "a member of the case team sent a message to a party"),
        ),
        *_actions(
            "parties.renewal",
            (
                "receipt.renewal_requested",
                "a complainant who lost their receipt was e-mailed a one-time link for a new one",
            ),
            ("receipt.renewal_refused", "a request for a new receipt was refused (rate limit)"),
            ("receipt.renewal_failed", "a link for a new receipt was unknown, used or expired"),
            ("receipt.renewed", "a complainant followed their link; a new receipt replaced theirs"),
        ),
        *_actions(
            "parties.files",
            ("party.file_sent", "a party sent a file to the case team, with a message"),
            (
                "party_file.downloaded",
                "a file a party sent was downloaded by staff (logged before served)",
            ),
            (
                "party_file.corrupted",
                "a file a party sent failed its SHA-256 check and was not served",
            ),
        ),
        *_actions(
            "parties.letters",
            ("party.letter_viewed", "a party downloaded a letter sent to them (logged first)"),
        ),
        *_actions(
            "parties.redactions",
            ("case.redaction_marked", "staff marked a passage to withhold from the respondent"),
            ("case.redaction_withdrawn", "staff withdrew a redaction mark, with a reason"),
            ("case.evidence_withheld", "staff withheld an evidence item from the respondent"),
            ("case.evidence_released", "staff ended the withholding of an evidence item"),
        ),
        *_actions(
            "evidence.files, parties.redactions",
            (
                "evidence.downloaded",
                "an evidence file was downloaded, by staff or the respondent (logged before"
                " served)",
            ),
            ("evidence.corrupted", "an evidence file failed its SHA-256 check and was not served"),
        ),
        *_actions(
            "web.views.account",
            ("sessions.ended_everywhere", "a person signed out of every session at once"),
        ),
        *_actions(
            "api.tokens",
            ("api_token.created", "a personal API token was created (its prefix, scopes)"),
            ("api_token.revoked", "a personal API token was revoked"),
        ),
        *_actions(
            "cases.services",
            ("case.opened", "a complaint was received and a case opened"),
            ("case.transitioned", "a case moved from one stage to the next"),
            ("case.accepted", "triage answered and the case accepted for investigation"),
            ("case.not_investigated", "triage decided not to investigate, with a ground"),
            ("assignment.made", "a person was appointed to a case in a role"),
            ("assignment.ended", "a person's appointment to a case ended"),
            ("assignment.refused", "an appointment was refused for a conflict"),
            ("recusal.declared", "a person recused themself from a case"),
            ("interim_measure.imposed", "an interim measure was imposed, with ground and review"),
            ("interim_measure.lifted", "an interim measure was lifted"),
            ("interim_measure.continued", "a review kept an interim measure, reasons, new date"),
            ("interim_measure.lapsed", "an unreviewed interim measure lapsed at its review date"),
            ("note.added", "a note was added to the case file"),
            ("evidence.added", "an item of evidence was added to the case file"),
            ("interview.recorded", "an interview was recorded, with its statement"),
            ("consent.recorded", "a person's consent (to being recorded) was recorded"),
            ("recommendation.submitted", "the investigator's recommendation was frozen"),
            ("recommendation.revised", "a new version of a recommendation superseded the old"),
            (
                "decision.recorded",
                "the panel's decision was recorded (flags, reasons; on appeal, confirm or replace)",
            ),
            ("advice.requested", "advice was asked of an adviser, with an extract"),
            ("advice.viewed", "an adviser read the extract of an advice request"),
            ("advice.answered", "an adviser answered an advice request"),
            ("advice.closed", "an advice request was closed"),
            ("advice_list.viewed", "an adviser's inbox of advice requests was read"),
            ("approach.logged", "an approach from outside the case team was logged"),
            ("signoff.requested", "a sign-off was asked of the signer the rulebook names"),
            ("signoff.viewed", "a signer read the brief of a sign-off"),
            ("signoff.signed", "a signer signed off"),
            ("signoff.objected", "a signer objected, with reasons (never blocks)"),
            ("signoff.withdrawn", "a sign-off request was withdrawn"),
            ("signoff_list.viewed", "a signer's inbox of sign-offs was read"),
            ("summary.written", "a version of a decided case's anonymised summary was written"),
            ("summary.approved", "a second person approved a summary for the public report"),
            ("summary.returned", "a second person sent a summary back, with a reason"),
            ("hearing.scheduled", "a hearing was given its date, place and panel; notice sent"),
            ("hearing.adjourned", "a hearing was put off to a new date, with the reason"),
            ("hearing.held", "what happened at a hearing was recorded, once, after it was held"),
            ("panel.drawn", "a panel was drawn by the rules, with the seed and pool to re-run it"),
            ("panel.appointed", "a panel was appointed by name instead of drawn, with the reason"),
            (
                "decision.refused",
                "a panel decision (or a sealed one's announcement) was refused, with the reason",
            ),
            (
                "decision.sealed",
                "a provisional decision was recorded sealed: no outcome, a commitment to it",
            ),
            (
                "decision.announced",
                "a sealed decision was announced: its outcome and salt, its step taken now",
            ),
            ("appeal.lodged", "an appeal was lodged on a rulebook ground, with a statement"),
            (
                "panel.refused",
                "someone who took part at first instance was named for the panel deciding again",
            ),
        ),
        *_actions(
            "cases.services.reviews",
            (
                "review.opened",
                "a decision awaits independent review: reviewers drawn, with the seed and pool",
            ),
            ("review.verified", "a drawn independent reviewer verified a decision: in effect"),
            ("review.vetoed", "a drawn reviewer vetoed a decision (reasons kept); decided again"),
            ("review.lapsed", "an unreviewed decision took effect when its review period ended"),
            ("review.refused", "a drawn reviewer who took part in the case was refused"),
        ),
        *_actions(
            "cases.queries",
            ("case.viewed", "a case file was read (logged before it was shown)"),
        ),
        *_actions(
            "cases.worklists, cases.case_pages, oversight.queries",
            ("case_list.viewed", "a list of cases was read (queue, backlog, search, API)"),
        ),
        *_actions(
            "letters",
            ("letter.queued", "a letter was written to a party (template, content hash)"),
            ("letter.sent", "a letter was accepted by the mail server (recipient pseudonym)"),
            ("letter.bounced", "a letter's address was refused for good by the mail server"),
            ("letter.failed", "a letter could not be delivered after every retry"),
            ("letter.viewed", "a letter's PDF was read (for post or download)"),
            ("case.feedback_given", "the complainant was told how the complaint stands"),
            ("deadline.reminded", "the people who must act were reminded of a deadline"),
            ("deadline.escalated", "a passed deadline was escalated to the heads of complaints"),
        ),
        *_actions(
            "letters.digest",
            ("digest.subscribed", "a person asked for the daily e-mail digest of what needs them"),
            ("digest.unsubscribed", "a person's daily e-mail digest was switched off"),
            ("digest.queued", "a person's daily digest was written (cases named, content hash)"),
        ),
        *_actions(
            "cases.proofs, parties.proof",
            (
                "case.proof_exported",
                "a proof bundle of a case's entries was exported (by staff, or a party's own)",
            ),
        ),
        *_actions(
            "cases.services.dossiers",
            ("dossier.imported", "a dossier of complaints was imported (file hash, row counts)"),
            ("dossier.previewed", "a dossier was checked against the register, nothing written"),
            ("dossier.viewed", "an imported dossier's rows and matches were read"),
        ),
        *_actions(
            "cases.services.member_match",
            ("party.member_confirmed", "a respondent's suggested register link was confirmed"),
            ("party.member_rejected", "a respondent's suggested register link was rejected"),
        ),
        *_actions(
            "members.services",
            ("members.imported", "the membership register was imported"),
            ("members.matched", "a respondent was matched against the register"),
            ("members.viewed", "register entries were read"),
        ),
        *_actions(
            "privacy.subject_access",
            (
                "subject_access.requested",
                "a person's data was asked for (how they were named, the reason, their records)",
            ),
            (
                "subject_access.produced",
                "a subject access export was produced (its SHA-256, cases, views and withheld)",
            ),
        ),
        *_actions(
            "oversight",
            ("oversight.viewed", "an oversight figure or list was read"),
            ("alert.raised", "an oversight alert was raised for the first time"),
            ("transparency.published", "a quarter's public report was fixed (its file's hash)"),
        ),
    ]
}


class UnknownAction(ValueError):
    """A service tried to record an action the catalogue does not know."""


def check(name: str) -> LedgerAction:
    """The catalogue's row for ``name``; an unknown name is a programming error, loudly."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownAction(
            f"ledger action {name!r} is not in the catalogue (dueprocess.ledger.actions)"
        ) from None


def markdown() -> str:
    """The catalogue as the Markdown page ``docs/ledger-actions.md``."""
    lines = [
        "# Ledger actions",
        "",
        "Every action a ledger entry can carry. Generated from `dueprocess.ledger.actions`",
        "(`python -m dueprocess.ledger.actions > docs/ledger-actions.md`); `record()` refuses",
        "any other name, and a test keeps this page equal to the code.",
        "",
        "| action | meaning | recorded by |",
        "|---|---|---|",
    ]
    for action in sorted(CATALOGUE.values(), key=lambda a: a.name):
        lines.append(f"| `{action.name}` | {action.meaning} | `{action.recorded_by}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
