"""No change without its record, no record without its change, no read without its record.

Walks every service (a new service without a row here fails the suite) and checks it appends
exactly its ledger entry; checks that reads are logged before data is returned; and that the
entries themselves carry no personal data in clear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from dueprocess.accounts import services as account_services
from dueprocess.api import tokens
from dueprocess.cases import case_pages, worklists
from dueprocess.cases import services as svc
from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.models import Case, EvidenceItem, InterimMeasure, Party
from dueprocess.cases.proofs import case_proof_bundle
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import advice, dossiers, emergency, signoffs
from dueprocess.cases.timeline import case_timeline
from dueprocess.evidence.files import evidence_download
from dueprocess.evidence.interviews import consent_record, interview_record
from dueprocess.evidence.models import Consent
from dueprocess.ledger import state, store
from dueprocess.ledger.config import load_policy
from dueprocess.ledger.models import LedgerEntry, LedgerPayload, SubjectKey
from dueprocess.ledger.verify import verify_ledger, verify_state
from dueprocess.letters import digest
from dueprocess.letters import queries as letter_queries
from dueprocess.letters import services as letter_services
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.members import matching
from dueprocess.members import services as member_services
from dueprocess.oversight import publication, transparency
from dueprocess.oversight import queries as oversight
from dueprocess.parties import files as party_files
from dueprocess.parties import letters as party_letters
from dueprocess.parties import proof as party_proof
from dueprocess.parties import redactions, renewal
from dueprocess.parties import services as parties
from dueprocess.parties.models import EvidenceWithholding, PartyAccess, Redaction
from tests.signing_in import enrol
from tests.triggers import drop_append_only
from tests.world import World, build_world

YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}


def _investigation(w: World) -> Case:
    case = w.case_at("investigation")
    w.prepare_for(case, "submit_recommendation")
    return Case.objects.get(pk=case.pk)


def _with_evidence(w: World) -> EvidenceItem:
    case = _investigation(w)
    return svc.evidence_add(
        actor=w.investigator, case=case, title="Post", kind="screenshot", content=b"%PDF-1.7 x"
    )


def _with_consent(w: World) -> Consent:
    return consent_record(
        actor=w.investigator,
        case=_investigation(w),
        person="The complainant",
        scope="Audio of the interview.",
        given_at=clock.now() - dt.timedelta(hours=1),
    )


def _panel(w: World) -> Case:
    case = w.case_at("panel")
    w.prepare_for(case, "decide")
    return Case.objects.get(pk=case.pk)


def _linked_respondent(w: World) -> Party:
    """A respondent the register linked when the case was opened: a suggested match."""
    from dueprocess.members.models import Member

    number = f"M-{Member.objects.count() + 1}"
    Member.objects.create(organisation=w.organisation, number=number, full_name="Eira Lloyd")
    case = w.case_at("triage", respondent=svc.PartyInput(member_number=number))
    return Party.objects.get(case=case, role="respondent")


def _measure(w: World) -> InterimMeasure:
    return svc.interim_measure_impose(
        actor=w.case_manager,
        case=w.case_at("investigation"),
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )


#: service name -> (prepare(world) -> args, call(world, args), expected ledger action)
CALLS: dict[str, tuple[Callable[[World], Any], Callable[[World, Any], Any], str]] = {
    "cases.services.case_open": (lambda w: None, lambda w, _: w.open_case(), "case.opened"),
    "cases.services.case_transition": (
        lambda w: w.case_at("received"),
        lambda w, c: svc.case_transition(actor=w.intake, case=c, transition="acknowledge"),
        "case.transitioned",
    ),
    "cases.services.case_triage": (
        lambda w: w.case_at("triage"),
        lambda w, c: svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=w.intake,
            case=c,
            answers=YES,
        ),
        "case.accepted",
    ),
    "cases.services.member_match_confirm": (
        _linked_respondent,
        lambda w, p: svc.member_match_confirm(actor=w.intake, case=p.case, party_id=p.pk),
        "party.member_confirmed",
    ),
    "cases.services.member_match_reject": (
        _linked_respondent,
        lambda w, p: svc.member_match_reject(
            actor=w.intake, case=p.case, party_id=p.pk, reason="Another person."
        ),
        "party.member_rejected",
    ),
    "cases.services.case_close": (
        lambda w: w.case_at("notified"),
        lambda w, c: svc.case_close(actor=w.case_manager, case=c, reason="No appeal, agreed."),
        "case.transitioned",
    ),
    "cases.services.case_reopen": (
        lambda w: w.case_at("closed"),
        lambda w, c: svc.case_reopen(actor=w.case_manager, case=c, reason="New facts."),
        "case.transitioned",
    ),
    "cases.services.case_assign": (
        lambda w: w.case_at("investigation"),
        lambda w, c: svc.case_assign(
            actor=w.case_manager, case=c, assignee=w.investigator, role="investigator"
        ),
        "assignment.made",
    ),
    "cases.services.assignment_end": (
        lambda w: _investigation(w).assignments.get(),
        lambda w, a: svc.assignment_end(actor=w.case_manager, assignment=a, reason="Leave."),
        "assignment.ended",
    ),
    "cases.services.recusal_declare": (
        _investigation,
        lambda w, c: svc.recusal_declare(actor=w.investigator, case=c, reason="I know them."),
        "recusal.declared",
    ),
    "cases.services.interim_measure_impose": (
        lambda w: w.case_at("investigation"),
        lambda w, c: svc.interim_measure_impose(
            actor=w.case_manager,
            case=c,
            kind="administrative_suspension",
            ground="risk_of_harm",
            reasons="Threats.",
        ),
        "interim_measure.imposed",
    ),
    "cases.services.interim_measure_lift": (
        _measure,
        lambda w, m: svc.interim_measure_lift(actor=w.case_manager, measure=m, reason="Done."),
        "interim_measure.lifted",
    ),
    "cases.services.note_add": (
        _investigation,
        lambda w, c: svc.note_add(actor=w.investigator, case=c, body="Called."),
        "note.added",
    ),
    "evidence.files.evidence_add": (
        _investigation,
        lambda w, c: svc.evidence_add(
            actor=w.investigator, case=c, title="Post", kind="screenshot", content=b"%PDF-1.7 x"
        ),
        "evidence.added",
    ),
    "evidence.interviews.interview_record": (
        _investigation,
        lambda w, c: interview_record(
            actor=w.investigator,
            case=c,
            interviewee="The complainant",
            held_at=clock.now() - dt.timedelta(hours=2),
            statement="I saw the post on the morning it went up.",
            statement_agreed=True,
        ),
        "interview.recorded",
    ),
    "evidence.interviews.consent_record": (
        _investigation,
        lambda w, c: consent_record(
            actor=w.investigator,
            case=c,
            person="The complainant",
            scope="Audio of the interview.",
            given_at=clock.now() - dt.timedelta(hours=2),
        ),
        "consent.recorded",
    ),
    "evidence.files.evidence_add_recording": (
        _with_consent,
        lambda w, consent: svc.evidence_add(
            actor=w.investigator,
            case=consent.case,
            title="Interview audio",
            kind="recording",
            content=b"%PDF-1.7 x",
            consents=[consent.pk],
        ),
        "evidence.added",
    ),
    "evidence.files.evidence_download": (
        _with_evidence,
        lambda w, item: evidence_download(actor=w.investigator, case=item.case, item_id=item.pk),
        "evidence.downloaded",
    ),
    "cases.services.recommendation_submit": (
        _investigation,
        lambda w, c: svc.recommendation_submit(
            actor=w.investigator,
            case=c,
            finding="breach",
            sanctions=["formal_warning", "education_course"],
            reasons="Clear.",
        ),
        "recommendation.submitted",
    ),
    "cases.services.recommendation_revise": (
        _panel,
        lambda w, c: svc.recommendation_revise(
            actor=w.investigator,
            case=c,
            finding="breach",
            sanctions=["formal_warning", "education_course"],
            reasons="Fixed.",
        ),
        "recommendation.revised",
    ),
    "cases.services.decision_record": (
        _panel,
        lambda w, c: svc.decision_record(
            actor=w.panel_chair,
            case=c,
            finding="breach",
            sanctions=["formal_warning", "education_course"],
        ),
        "decision.recorded",
    ),
    "cases.services.decision_announce": (
        lambda w: svc.decision_record(
            actor=w.panel_chair,
            case=_panel(w),
            finding="breach",
            sanctions=["formal_warning", "education_course"],
            sealed=True,
        ),
        lambda w, d: svc.decision_announce(actor=w.panel_chair, case=d.case, decision_id=d.pk),
        "decision.announced",
    ),
    "accounts.services.organisation_create": (
        lambda w: w.organisation.rulebook,
        lambda w, v: account_services.organisation_create(slug="x", name="X", rulebook=v, units=[]),
        "organisation.created",
    ),
    "accounts.services.staff_create": (
        lambda w: None,
        lambda w, _: account_services.staff_create(
            actor=w.admin,
            organisation=w.organisation,
            email="new@westfold.example",
            full_name="New",
            password=None,
        ),
        "staff.created",
    ),
    "accounts.services.role_grant": (
        lambda w: None,
        lambda w, _: account_services.role_grant(actor=w.admin, user=w.oversight, role="oversight"),
        "role.granted",
    ),
    "accounts.services.role_end": (
        lambda w: w.oversight.roles.get(),
        lambda w, m: account_services.role_end(actor=w.admin, membership=m),
        "role.ended",
    ),
    "accounts.services.training_record": (
        lambda w: None,
        lambda w, _: account_services.training_record(
            actor=w.admin, user=w.investigator_b, course="Refresher", completed_on=dt.date.today()
        ),
        "training.recorded",
    ),
    "accounts.services.interest_declare": (
        lambda w: None,
        lambda w, _: account_services.interest_declare(
            actor=w.investigator, user=w.investigator, kind="role_held", description="Treasurer"
        ),
        "interest.declared",
    ),
    "accounts.services.interest_review": (
        lambda w: account_services.interest_declare(
            actor=w.investigator, user=w.investigator, kind="role_held", description="Treasurer"
        ),
        lambda w, d: account_services.interest_review(
            actor=w.case_manager, declaration=d, outcome="noted"
        ),
        "interest.reviewed",
    ),
    "accounts.services.authenticator_enrol": (
        lambda w: None,
        lambda w, _: account_services.authenticator_enrol(actor=None, user=w.oversight),
        "staff.authenticator_enrolled",
    ),
    "accounts.services.staff_deactivate": (
        lambda w: None,
        lambda w, _: account_services.staff_deactivate(actor=w.admin, user=w.oversight),
        "staff.deactivated",
    ),
    "cases.queries.case_detail_for": (
        lambda w: w.case_at("received"),
        lambda w, c: case_detail_for(w.intake, c.reference),
        "case.viewed",
    ),
    "cases.proofs.case_proof_bundle": (
        lambda w: w.case_at("received"),
        lambda w, c: case_proof_bundle(actor=w.case_manager, case=c),
        "case.proof_exported",
    ),
}


def _ask(w: World, case: Case) -> Any:
    return svc.advice_request_create(
        actor=w.case_manager,
        case=case,
        adviser=w.political,
        question="Is a selection open?",
        extract="A branch member.",
    )


def _signoff(w: World) -> Any:
    from dueprocess.cases.models import SignOff

    case = w.case_at("investigation", respondent=svc.PartyInput(name="Rep", elected_office="MP"))
    svc.interim_measure_impose(
        actor=w.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )
    return SignOff.objects.get(case=case)


def _emergency(w: World) -> Any:
    return emergency.emergency_access_request(
        actor=w.investigator_b,
        case=w.case_at("investigation"),
        reason="The assigned investigator is off sick.",
    )


def _token(w: World) -> Any:
    enrol(w.oversight)  # every role needs a second factor before holding a token
    return tokens.api_token_create(actor=w.oversight, name="reports", scopes=["ledger:read"]).token


ROWS = [{"number": "N1", "full_name": "Ann Example", "email": "ann@members.example"}]
CSV = "number,full_name,email\nN2,Bo Example,bo@members.example\n"
DOSSIER = [
    {
        "respondent_name": "Rex Example",
        "category": "other_conduct",
        "summary": "Said things.",
        "unit": "complaints",
    }
]
DOSSIER_CSV = (
    "respondent_name,category,summary,unit\nREX  example,other_conduct,Said things.,complaints\n"
)

CALLS.update(
    {
        "cases.services.approach_log": (
            lambda w: w.case_at("investigation"),
            lambda w, c: svc.approach_log(
                actor=w.case_manager,
                case=c,
                approached_by="Pat Doe",
                from_political_office=True,
                channel="phone",
                occurred_at=clock.now(),
                what_was_asked="A warning letter?",
            ),
            "approach.logged",
        ),
        "cases.services.advice_request_create": (
            lambda w: w.case_at("investigation"),
            _ask,
            "advice.requested",
        ),
        "cases.services.advice_request_answer": (
            lambda w: _ask(w, w.case_at("investigation")),
            lambda w, r: svc.advice_request_answer(actor=w.political, request=r, answer="No."),
            "advice.answered",
        ),
        "cases.services.advice_request_close": (
            lambda w: _ask(w, w.case_at("investigation")),
            lambda w, r: svc.advice_request_close(actor=w.case_manager, request=r, reason="Done."),
            "advice.closed",
        ),
        "cases.services.advice.advice_request_for": (
            lambda w: _ask(w, w.case_at("investigation")),
            lambda w, r: advice.advice_request_for(w.political, r.pk),
            "advice.viewed",
        ),
        "cases.services.advice.advice_inbox_for": (
            lambda w: _ask(w, w.case_at("investigation")),
            lambda w, r: advice.advice_inbox_for(w.political),
            "advice_list.viewed",
        ),
        "cases.services.signoff_record": (
            _signoff,
            lambda w, o: svc.signoff_record(
                actor=w.political, signoff=o, outcome="signed", reasons="Met."
            ),
            "signoff.signed",
        ),
        "cases.services.signoffs.signoff_request_for": (
            _signoff,
            lambda w, o: signoffs.signoff_request_for(w.political, o.pk),
            "signoff.viewed",
        ),
        "cases.services.signoffs.signoff_inbox_for": (
            _signoff,
            lambda w, o: signoffs.signoff_inbox_for(w.political),
            "signoff_list.viewed",
        ),
        "cases.services.emergency.emergency_access_request": (
            lambda w: w.case_at("investigation"),
            lambda w, c: emergency.emergency_access_request(
                actor=w.investigator_b, case=c, reason="The assigned investigator is off sick."
            ),
            "emergency.requested",
        ),
        "cases.services.emergency.emergency_access_request_by_reference": (
            lambda w: w.case_at("investigation"),
            lambda w, c: emergency.emergency_access_request_by_reference(
                actor=w.investigator_b,
                reference=c.reference,
                reason="The assigned investigator is off sick.",
            ),
            "emergency.requested",
        ),
        "cases.services.emergency.emergency_access_approve": (
            _emergency,
            lambda w, g: emergency.emergency_access_approve(actor=w.case_manager, grant=g, hours=4),
            "emergency.approved",
        ),
        "cases.services.emergency.emergency_access_refuse": (
            _emergency,
            lambda w, g: emergency.emergency_access_refuse(
                actor=w.case_manager, grant=g, reason="Not urgent."
            ),
            "emergency.refused",
        ),
        "cases.services.emergency.emergency_board_for": (
            _emergency,
            lambda w, g: emergency.emergency_board_for(w.case_manager),
            "emergency_list.viewed",
        ),
        "api.tokens.api_token_create": (
            lambda w: enrol(w.oversight),
            lambda w, _: tokens.api_token_create(
                actor=w.oversight, name="reports", scopes=["ledger:read"]
            ),
            "api_token.created",
        ),
        "api.tokens.api_token_revoke": (
            _token,
            lambda w, t: tokens.api_token_revoke(actor=w.oversight, token=t),
            "api_token.revoked",
        ),
        "cases.case_pages.case_page_for": (
            lambda w: None,
            lambda w, _: case_pages.case_page_for(w.case_manager, filters=CaseFilters()),
            "case_list.viewed",
        ),
        "cases.worklists.work_queue_for": (
            lambda w: None,
            lambda w, _: worklists.work_queue_for(w.case_manager),
            "case_list.viewed",
        ),
        "cases.worklists.case_search_for": (
            lambda w: None,
            lambda w, _: worklists.case_search_for(w.case_manager, CaseFilters()),
            "case_list.viewed",
        ),
        "cases.worklists.backlog_for": (
            lambda w: None,
            lambda w, _: worklists.backlog_for(w.case_manager),
            "case_list.viewed",
        ),
        "cases.services.dossiers.dossier_preview": (
            lambda w: None,
            lambda w, _: dossiers.dossier_preview(
                actor=w.intake, dossier=dossiers.dossier_from_rows(DOSSIER)
            ),
            "dossier.previewed",
        ),
        "cases.services.dossiers.dossier_import": (
            # every row already imported (from another file): the dossier is its only entry
            lambda w: dossiers.dossier_import(
                actor=w.intake, dossier=dossiers.dossier_from_rows(DOSSIER)
            ),
            lambda w, _: dossiers.dossier_import(
                actor=w.intake, dossier=dossiers.dossier_from_csv(DOSSIER_CSV)
            ),
            "dossier.imported",
        ),
        "cases.services.dossiers.dossier_for": (
            lambda w: dossiers.dossier_import(
                actor=w.intake, dossier=dossiers.dossier_from_rows(DOSSIER)
            ),
            lambda w, result: dossiers.dossier_for(actor=w.intake, dossier_id=result.dossier.pk),
            "dossier.viewed",
        ),
        "members.services.members_import": (
            lambda w: None,
            lambda w, _: member_services.members_import(actor=w.case_manager, rows=ROWS),
            "members.imported",
        ),
        "members.services.members_import_csv": (
            lambda w: None,
            lambda w, _: member_services.members_import_csv(actor=w.case_manager, text=CSV),
            "members.imported",
        ),
        "members.matching.member_search_for": (
            lambda w: None,
            lambda w, _: matching.member_search_for(w.intake, query="Ann"),
            "members.viewed",
        ),
        "members.matching.member_match_for": (
            lambda w: None,
            lambda w, _: matching.member_match_for(w.intake, name="Ann Example"),
            "members.matched",
        ),
        "letters.services.feedback_give": (
            lambda w: w.case_at("investigation"),
            lambda w, case: letter_services.feedback_give(
                actor=w.case_manager, case=case, text="The investigation is under way."
            ),
            "case.feedback_given",
        ),
        "letters.digest.digest_subscribe": (
            lambda w: None,
            lambda w, _: digest.digest_subscribe(
                actor=w.case_manager, person=w.case_manager, on=True
            ),
            "digest.subscribed",
        ),
        "letters.queries.notices_for": (
            lambda w: None,
            lambda w, _: letter_queries.notices_for(w.case_manager),
            "case_list.viewed",
        ),
        "letters.queries.letter_pdf_for": (
            lambda w: Letter.objects.get(case=w.case_at("triage")),
            lambda w, letter: letter_queries.letter_pdf_for(w.case_manager, letter.case, letter.pk),
            "letter.viewed",
        ),
    }
)


def _respondent(w: World, stage: str = "investigation") -> PartyAccess:
    """A case at ``stage`` whose respondent has been sent notice (and so has a way in)."""
    case = w.case_at(stage)
    notice = parties.respondent_notify(actor=w.case_manager, case=case, email="rex@example.org")
    return notice.access


def _marked(w: World) -> Redaction:
    """A case at investigation with a passage of its allegation marked for redaction."""
    case = w.case_at("investigation")
    return redactions.redaction_mark(
        actor=w.case_manager,
        case=case,
        allegation_id=case.allegations.get().pk,
        passage="3 March",
        reason="Dates the complainant's presence.",
    )


def _withheld(w: World) -> EvidenceWithholding:
    item = _with_evidence(w)
    return redactions.evidence_withhold(
        actor=w.case_manager, case=item.case, item_id=item.pk, reason="Names a witness."
    )


def _respondent_with_evidence(w: World) -> tuple[PartyAccess, EvidenceItem]:
    """A notified respondent on a case whose rulebook shows them screenshots, with one."""
    import tempfile
    from pathlib import Path

    from dueprocess.rulebook.versions import rulebook_install
    from dueprocess.rulebooks import bundled

    text = bundled("party").read_text(encoding="utf-8")
    shown = text.replace("[parties]\n", '[parties]\nrespondent_evidence = ["screenshot"]\n', 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "party.toml"
        path.write_text(shown, encoding="utf-8")
        w.organisation.rulebook = rulebook_install(path=path)
    w.organisation.save(update_fields=["rulebook"])
    item = _with_evidence(w)
    notice = parties.respondent_notify(
        actor=w.case_manager, case=item.case, email="rex@example.org"
    )
    return notice.access, item


CALLS.update(
    {
        "parties.services.respondent_notify": (
            lambda w: w.case_at("investigation"),
            lambda w, c: parties.respondent_notify(
                actor=w.case_manager, case=c, email="rex@example.org"
            ),
            "case.respondent_notified",
        ),
        "parties.services.staff_message_send": (
            _respondent,
            lambda w, a: parties.staff_message_send(
                actor=w.case_manager, case=a.case, access_id=a.pk, body="When can we talk?"
            ),
            "case.message_sent",
        ),
        "parties.services.party_message_send": (
            _respondent,
            lambda w, a: parties.party_message_send(access=a, body="Any time next week."),
            "party.message_sent",
        ),
        "parties.services.status_for": (
            _respondent,
            lambda w, a: parties.status_for(access=a),
            "party.case_viewed",
        ),
        "parties.services.allegations_for": (
            _respondent,
            lambda w, a: parties.allegations_for(access=a),
            "party.allegations_viewed",
        ),
        "parties.services.response_submit": (
            _respondent,
            lambda w, a: parties.response_submit(access=a, body="I deny it."),
            "party.response_submitted",
        ),
        "parties.proof.party_proof_for": (
            _respondent,
            lambda w, a: party_proof.party_proof_for(access=a),
            "case.proof_exported",
        ),
        "parties.files.party_file_send": (
            _respondent,
            lambda w, a: party_files.party_file_send(access=a, content=b"%PDF-1.7\nMinutes.\n"),
            "party.file_sent",
        ),
        "parties.files.party_file_download": (
            lambda w: party_files.party_file_send(
                access=_respondent(w), content=b"%PDF-1.7\nMinutes.\n"
            ),
            lambda w, sent: party_files.party_file_download(
                actor=w.case_manager, case=sent.case, file_id=sent.pk
            ),
            "party_file.downloaded",
        ),
        "parties.letters.party_letter_pdf": (
            _respondent,
            lambda w, a: party_letters.party_letter_pdf(
                access=a, letter_id=Letter.objects.get(case=a.case, party=a.party).pk
            ),
            "party.letter_viewed",
        ),
        "parties.redactions.redaction_mark": (
            lambda w: w.case_at("investigation"),
            lambda w, c: redactions.redaction_mark(
                actor=w.case_manager,
                case=c,
                allegation_id=c.allegations.get().pk,
                passage="3 March",
                reason="Dates the complainant's presence.",
            ),
            "case.redaction_marked",
        ),
        "parties.redactions.evidence_withhold": (
            _with_evidence,
            lambda w, item: redactions.evidence_withhold(
                actor=w.case_manager, case=item.case, item_id=item.pk, reason="Names a witness."
            ),
            "case.evidence_withheld",
        ),
        "parties.redactions.evidence_release": (
            lambda w: _withheld(w),
            lambda w, held: redactions.evidence_release(
                actor=w.case_manager, case=held.case, withholding_id=held.pk, reason="Agreed."
            ),
            "case.evidence_released",
        ),
        "parties.redactions.respondent_evidence_download": (
            lambda w: _respondent_with_evidence(w),
            lambda w, pair: redactions.respondent_evidence_download(
                access=pair[0], item_id=pair[1].pk
            ),
            "evidence.downloaded",
        ),
        "parties.redactions.redaction_withdraw": (
            lambda w: _marked(w),
            lambda w, r: redactions.redaction_withdraw(
                actor=w.case_manager, case=r.case, redaction_id=r.pk, reason="Agreed to be named."
            ),
            "case.redaction_withdrawn",
        ),
        "parties.services.party_step_take": (
            lambda w: _respondent(w, "notified"),
            lambda w, a: parties.party_step_take(
                access=a, kind="appeal", reason="The panel did not hear my witness."
            ),
            "case.transitioned",
        ),
    }
)


def _renewable(w: World) -> PartyAccess:
    """A complainant who gave an address and agreed to be contacted (so may renew by link)."""
    filed = parties.report_file(
        report=parties.PublicReport(
            unit=w.unit,
            category=next(iter(w.rules.categories)),
            what_happened="A slur shouted at the branch meeting.",
            occurred_on=None,
            respondent_name="Rex Respondent",
            respondent_details="",
            anonymous=False,
            name="Nia Named",
            email="nia@public.example",
            consent_to_contact=True,
            idempotency_key="walk-renewal",
        )
    )
    return PartyAccess.objects.get(case=filed.case)


def _renewal_link(w: World) -> str:
    _renewable(w)
    tokens: list[str] = []
    renewal.renewal_request(email="nia@public.example", link_for=lambda t: tokens.append(t) or t)
    return tokens[0]


#: Services with no actor and no way in yet: whoever types an e-mail address or follows a link.
UNAUTHENTICATED = {
    "parties.renewal.renewal_request": (
        _renewable,
        lambda w, _: renewal.renewal_request(email="NIA@public.example", link_for=str),
        "receipt.renewal_requested",
    ),
    "parties.renewal.renewal_redeem": (
        _renewal_link,
        lambda w, token: renewal.renewal_redeem(token=token, address="192.0.2.1"),
        "receipt.renewed",
    ),
    "parties.renewal.renewal_refused": (
        lambda w: None,
        lambda w, _: renewal.renewal_refused(address="192.0.2.1"),
        "receipt.renewal_refused",
    ),
}
CALLS.update(UNAUTHENTICATED)


for _figure in ("alerts_for", "dashboard_for"):
    CALLS[f"oversight.queries.{_figure}"] = (
        lambda w: None,
        lambda w, _, f=_figure: getattr(oversight, f)(w.oversight),
        "oversight.viewed",
    )
CALLS["oversight.queries.figure_for"] = (
    lambda w: None,
    lambda w, _: oversight.figure_for(w.oversight, "backlog"),
    "oversight.viewed",
)
CALLS["oversight.queries.figure_cases_for"] = (
    lambda w: w.case_at("triage"),
    lambda w, _: oversight.figure_cases_for(w.case_manager, "backlog", {}),
    "case_list.viewed",
)


def _summarised(w: World) -> Case:
    case = w.case_at("notified")
    svc.summary_write(actor=w.investigator, case=case, text="A post; a breach; a warning.")
    return case


CALLS.update(
    {
        "cases.services.summary_write": (
            lambda w: w.case_at("notified"),
            lambda w, c: svc.summary_write(actor=w.investigator, case=c, text="A post; a breach."),
            "summary.written",
        ),
        "cases.services.summary_approve": (
            _summarised,
            lambda w, c: svc.summary_approve(actor=w.case_manager, case=c, version=1),
            "summary.approved",
        ),
        "cases.services.summary_return": (
            _summarised,
            lambda w, c: svc.summary_return(
                actor=w.case_manager, case=c, version=1, reason="Too detailed."
            ),
            "summary.returned",
        ),
    }
)


def _hearing_day(days: int) -> dt.datetime:
    return (clock.now() + dt.timedelta(days=days)).replace(microsecond=0)


def _scheduled(w: World) -> tuple[Case, int]:
    case = w.case_at("hearing")
    hearing = svc.hearing_schedule(
        actor=w.case_manager, case=case, starts_at=_hearing_day(20), place="Room 4"
    )
    return case, hearing.pk


def _held(w: World, args: tuple[Case, int]) -> object:
    case, hearing = args
    with clock.frozen(_hearing_day(21)):
        return svc.hearing_record(
            actor=w.panel_chair,
            case=case,
            hearing_id=hearing,
            respondent_attended=True,
            representation="a friend",
            account="Both parties were heard.",
            outcome="The panel decides within a week.",
        )


CALLS.update(
    {
        "cases.services.hearing_schedule": (
            lambda w: w.case_at("hearing"),
            lambda w, c: svc.hearing_schedule(
                actor=w.case_manager, case=c, starts_at=_hearing_day(20), place="Room 4"
            ),
            "hearing.scheduled",
        ),
        "cases.services.hearing_adjourn": (
            _scheduled,
            lambda w, a: svc.hearing_adjourn(
                actor=w.case_manager,
                case=a[0],
                hearing_id=a[1],
                reason="The respondent is unwell.",
                starts_at=_hearing_day(40),
            ),
            "hearing.adjourned",
        ),
        "cases.services.hearing_record": (_scheduled, _held, "hearing.held"),
        "cases.services.hearing_consent_record": (
            _scheduled,
            lambda w, a: svc.hearing_consent_record(
                actor=w.case_manager,
                case=a[0],
                hearing_id=a[1],
                person="Rex Example",
                answer="given",
                scope="Audio of the hearing",
                given_at=clock.now() - dt.timedelta(minutes=1),
            ),
            "consent.recorded",
        ),
    }
)


def _at_conduct_panel(_: World) -> tuple[World, Case]:
    """A case at the university rulebook's conduct panel, whose panel is drawn by the rules."""
    university = build_world("university", domain="southfold.example")
    return university, university.case_at("conduct_panel")


CALLS.update(
    {
        "cases.services.panel_draw": (
            _at_conduct_panel,
            lambda w, a: svc.panel_draw(actor=a[0].case_manager, case=a[1]),
            "panel.drawn",
        ),
        "cases.services.panel_appoint": (
            _at_conduct_panel,
            lambda w, a: svc.panel_appoint(
                actor=a[0].case_manager,
                case=a[1],
                members={"chair": [a[0].panel_chair], "lay": [a[0].panel_b, a[0].panel_c]},
                reason="The drawn chair's dates clash with the hearing.",
            ),
            "panel.appointed",
        ),
    }
)


def _outcome_sent(_: World) -> tuple[World, Case]:
    """A university case whose outcome was sent: a review (its appeal) may be requested."""
    university = build_world("university", domain="eastfold.example")
    return university, university.case_at("outcome_sent")


def _under_appeal(_: World) -> tuple[World, Case, int]:
    university, case = _outcome_sent(_)
    appeal = svc.appeal_lodge(
        actor=university.case_manager,
        case=case,
        ground="new_evidence",
        statement="A witness has come forward.",
    )
    case = Case.objects.get(pk=case.pk)
    university.new_panel(case)
    return university, Case.objects.get(pk=case.pk), appeal.pk


def _decide_appeal(w: World, a: tuple[World, Case, int]) -> object:
    from tests.world import concurring

    return svc.appeal_decide(
        actor=a[0].people["appeal_chair"],
        case=a[1],
        appeal=a[2],
        result="confirm",
        reasons="The new evidence does not bear on the finding.",
        votes=concurring(a[1]),
    )


CALLS.update(
    {
        "cases.services.appeal_lodge": (
            _outcome_sent,
            lambda w, a: svc.appeal_lodge(
                actor=a[0].case_manager,
                case=a[1],
                ground="new_evidence",
                statement="A witness has come forward.",
            ),
            "appeal.lodged",
        ),
        "cases.services.appeal_decide": (_under_appeal, _decide_appeal, "decision.recorded"),
    }
)
CALLS["oversight.publication.publish_report"] = (
    lambda w: None,
    lambda w, _: publication.publish_report(
        actor=w.oversight, quarter=transparency.latest_complete(w.organisation)
    ),
    "transparency.published",
)


#: Modules whose public functions taking an ``actor`` are services (writes) or reads of
#: case data; each such function must have a row in CALLS.
WALKED_MODULES = (
    "dueprocess.cases.services",
    "dueprocess.cases.services.advice",
    "dueprocess.cases.services.dossiers",
    "dueprocess.cases.duplicates",
    "dueprocess.cases.services.signoffs",
    "dueprocess.cases.services.summaries",
    "dueprocess.cases.services.hearings",
    "dueprocess.cases.queries",
    "dueprocess.cases.worklists",
    "dueprocess.accounts.services",
    "dueprocess.cases.services.emergency",
    "dueprocess.api.tokens",
    "dueprocess.cases.case_pages",
    "dueprocess.cases.filters",
    "dueprocess.members.services",
    "dueprocess.members.matching",
    "dueprocess.oversight.queries",
    "dueprocess.oversight.publication",
    "dueprocess.cases.proofs",
    "dueprocess.parties.services",
    "dueprocess.parties.proof",
    "dueprocess.parties.letters",
    "dueprocess.parties.files",
    "dueprocess.parties.redactions",
    "dueprocess.letters.services",
    "dueprocess.letters.queries",
    "dueprocess.letters.digest",
    "dueprocess.evidence.files",
    "dueprocess.evidence.interviews",
)
#: Functions that take an actor but neither change anything nor return case data.
NOT_RECORDED = {
    "waiting_cases": "builds the query behind work_queue_for and the daily digest, which record",
    "matching_cases": "builds the query behind case_search_for and case_page_for, which record",
    "organisation_rules": "the organisation's rulebook, no case data",
    "filter_choices": "the rulebook's category and stage labels, no case data",
    "signoffs_request_for_measure": "runs inside interim_measure_impose, whose entry covers it",
    "signoffs_withdraw_for_measure": "runs inside interim_measure_lift, whose entry covers it",
    "require_administrator": "a check: it records only a refusal",
    "require_dossier_import": "a check for the import page: it records only a refusal",
    "earlier_repeats": "part of reading a case file (case.viewed) and of a dossier's import or"
    " preview, whose entries cover it: only cases the reader may see",
    "first_earlier_repeats": "earlier_repeats for many rows at once, part of a dossier's import"
    " or preview, whose entries cover it: only cases the reader may see",
    "staff_of": "the organisation's accounts and roles for its administrator, no case data",
    "interests_to_review": "staff's declarations for the head of complaints, no case data",
    "staff_member": "one person's account and roles for its administrator, no case data",
    "declaration_in_organisation": "finds the declaration interest_review then records",
    "interests_of": "the person's own declarations of interest, no case data",
    "party_steps_open": "part of status_for, whose entry covers it",
    "may_publish": "whether to show the publish form; publish_report asks again and records",
    "party_proof_summary": "part of the party's page, after status_for, whose entry covers it",
    "require_party": "the party gate: it records only a refusal (recorded_party_denials)",
    "party_facts": "part of party_proof_for, whose entry covers it: pseudonyms and row ids",
    "party_selection": "part of party_proof_for, whose entry covers it: the seqs to prove",
    "letters_to_party": "part of the party's page, after status_for, whose entry covers it",
}


def public_services() -> set[str]:
    import importlib
    import inspect

    names = set()
    for module_name in WALKED_MODULES:
        module = importlib.import_module(module_name)
        members = getattr(module, "__all__", None) or dir(module)
        for name in members:
            function = getattr(module, name)
            if not inspect.isfunction(function) or name.startswith("_"):
                continue
            home = function.__module__
            if not home.startswith(module_name):
                continue
            parameters = inspect.signature(function).parameters
            acts = "actor" in parameters or "access" in parameters  # staff, or a party
            if acts and name not in NOT_RECORDED:
                names.add(f"{module_name.removeprefix('dueprocess.')}.{name}")
    exported_elsewhere = {n for n in names if n.startswith("cases.services.")}
    # a function exported by cases.services is walked once, under that name
    return {
        n
        for n in names
        if not (n.count(".") == 3 and f"cases.services.{n.rsplit('.', 1)[1]}" in exported_elsewhere)
    }


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_service_appends_exactly_its_entry(world, name):
    prepare, call, action = CALLS[name]
    args = prepare(world)
    before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    letters = Letter.objects.count()
    call(world, args)
    new = list(LedgerEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
    # a step that writes letters to the parties records each of them too, and nothing else
    assert [a for a in new if a != "letter.queued"] == [action]
    assert new.count("letter.queued") == Letter.objects.count() - letters
    # every row the service wrote is committed by its entry, and the tables still say so
    assert state.noted_rows() == {}
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


@pytest.mark.parametrize("key", sorted(oversight.FIGURES))
def test_each_oversight_figure_appends_exactly_one_viewed_entry(world, key):
    before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    oversight.figure_for(world.oversight, key)
    new = list(LedgerEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert new == ["oversight.viewed"]


def test_a_refused_service_records_the_denial_and_nothing_else(world):
    case = world.case_at("investigation")
    before = LedgerEntry.objects.count()
    with pytest.raises(Exception, match="No such case"):
        svc.note_add(actor=world.political, case=case, body="Just checking.")
    assert list(LedgerEntry.objects.order_by("seq").values_list("action", flat=True)[before:]) == [
        "access.denied"
    ]


def test_a_read_that_cannot_be_recorded_reveals_nothing(world, monkeypatch):
    case = world.case_at("received")

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(store, "append", broken)
    with pytest.raises(RuntimeError):
        case_detail_for(world.intake, case.reference)


def test_entries_carry_no_personal_data_in_clear(world):
    case = world.case_at("closed")
    secrets = [
        case.reference,
        "Ola Complainant",
        "ola@public.example",
        "Rex Respondent",
        world.intake.email,
        world.intake.full_name,
        "conspiracy",
    ]
    for raw in LedgerEntry.objects.values_list("entry", flat=True):
        text = bytes(raw).decode("ascii")
        assert not [s for s in secrets if s in text]


def test_sealed_details_open_only_with_their_own_entry(world):
    case = world.case_at("triage")
    items = case_timeline(case)[::-1]  # oldest first
    assert items[0].details["category"] == "antisemitism" and not items[0].sealed
    second = LedgerPayload.objects.get(seq=items[1].seq)
    drop_append_only("ledger_ledgerpayload")
    LedgerPayload.objects.filter(seq=items[0].seq).update(
        ciphertext=second.ciphertext, nonce=second.nonce
    )
    assert case_timeline(case)[-1].sealed


def test_erasing_a_case_key_hides_its_details_and_the_ledger_still_verifies(world):
    from dueprocess.ledger.checkpoints import checkpoint_create
    from dueprocess.ledger.record import case_pseudonym

    case = world.case_at("closed")
    checkpoint_create()
    SubjectKey.objects.filter(subject=f"case:{case_pseudonym(case.pk)}").delete()
    assert all(item.sealed for item in case_timeline(case))
    report = verify_ledger(load_policy())
    assert report.ok, report.failure


def test_denials_inside_an_outer_transaction_survive_the_rollback_of_the_service(world):
    case = world.case_at("investigation")
    with transaction.atomic():
        with pytest.raises(Exception):
            svc.case_transition(actor=world.oversight, case=case, transition="notify")
        assert LedgerEntry.objects.filter(action="access.denied").exists()


def test_every_renewal_service_that_writes_or_records_is_walked():
    import inspect

    public = {
        f"parties.renewal.{name}"
        for name, function in inspect.getmembers(renewal, inspect.isfunction)
        if function.__module__ == renewal.__name__ and not name.startswith("_")
    }
    # the rest only read or check: a link that cannot be used is recorded by renewal_link_check
    reads = {
        "parties.renewal.token_digest",
        "parties.renewal.normalised_email",
        "parties.renewal.renewable_accesses",
        "parties.renewal.renewal_link_check",
        "parties.renewal.mail_settled",  # waits for the mail thread; writes nothing
    }
    assert public - reads == set(UNAUTHENTICATED)


def test_every_service_and_read_has_a_row_in_the_walk():
    walked = public_services()
    assert walked - set(CALLS) == set(), "a service or read taking an actor has no row in CALLS"
    # organisation_create runs before anyone exists (init, demo): it is walked with no actor
    # a recording is walked as a second row of evidence_add, with its consent
    # the renewal services take no actor: each of those that writes is walked (UNAUTHENTICATED)
    extra = {
        "accounts.services.organisation_create",
        "evidence.files.evidence_add_recording",
        *UNAUTHENTICATED,
    }
    unmatched = set(CALLS) - walked - extra
    assert unmatched == set(), "a row in CALLS names no public function taking an actor"
