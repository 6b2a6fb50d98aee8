"""URL names follow ``web:<thing>-<action>``."""

from django.urls import path

from dueprocess.web.views import (
    account,
    cases,
    casework,
    dossiers,
    emergency,
    hearings,
    interests,
    party_letters,
    public,
    queue,
    staff,
    steps,
)

app_name = "web"
urlpatterns = [
    path("", queue.home, name="home"),
    path("queue/", queue.queue, name="queue"),
    path("backlog/", queue.backlog, name="backlog"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/new/", cases.case_open, name="case-open"),
    path("dossiers/import/", dossiers.dossier_import, name="dossier-import"),
    path("cases/<str:reference>/", cases.case_detail, name="case-detail"),
    path("cases/<str:reference>/steps/<slug:key>/", steps.step_take, name="step-take"),
    path("cases/<str:reference>/notes/", casework.note_add, name="note-add"),
    path(
        "cases/<str:reference>/parties/<int:party_id>/member-match/",
        casework.member_match_review,
        name="member-match",
    ),
    path("cases/<str:reference>/evidence/", casework.evidence_add, name="evidence-add"),
    path(
        "cases/<str:reference>/evidence/<int:item_id>/file",
        casework.evidence_download,
        name="evidence-download",
    ),
    path(
        "cases/<str:reference>/party-files/<int:file_id>/",
        casework.party_file_download,
        name="party-file-download",
    ),
    path("cases/<str:reference>/assignments/", casework.assignment_add, name="assignment-add"),
    path("cases/<str:reference>/measures/", casework.measure_impose, name="measure-impose"),
    path(
        "cases/<str:reference>/measures/<int:measure_id>/continue/",
        casework.measure_continue,
        name="measure-continue",
    ),
    path("cases/<str:reference>/feedback/", casework.feedback_add, name="feedback-add"),
    path("cases/<str:reference>/summary/", casework.summary_write, name="summary-write"),
    path(
        "cases/<str:reference>/summary/approve/", casework.summary_approve, name="summary-approve"
    ),
    path("cases/<str:reference>/summary/return/", casework.summary_return, name="summary-return"),
    path("cases/<str:reference>/hearings/", hearings.hearing_schedule, name="hearing-schedule"),
    path(
        "cases/<str:reference>/hearings/adjourn/", hearings.hearing_adjourn, name="hearing-adjourn"
    ),
    path("cases/<str:reference>/hearings/record/", hearings.hearing_record, name="hearing-record"),
    path(
        "cases/<str:reference>/letters/<int:letter_id>.pdf",
        casework.letter_pdf,
        name="letter-pdf",
    ),
    path(
        "cases/<str:reference>/measures/<int:measure_id>/lift/",
        casework.measure_lift,
        name="measure-lift",
    ),
    path("emergency/", emergency.emergency, name="emergency"),
    path("emergency/request/", emergency.emergency_request, name="emergency-request"),
    path(
        "emergency/<int:grant_id>/<str:decision>/",
        emergency.emergency_decide,
        name="emergency-decide",
    ),
    path("cases/<str:reference>/messages/", casework.message_send, name="message-send"),
    path(
        "cases/<str:reference>/respondent-notice/",
        casework.respondent_notify,
        name="respondent-notify",
    ),
    path("cases/<str:reference>/redactions/", casework.redaction_mark, name="redaction-mark"),
    path(
        "cases/<str:reference>/redactions/<int:redaction_id>/withdraw/",
        casework.redaction_withdraw,
        name="redaction-withdraw",
    ),
    path(
        "cases/<str:reference>/evidence/<int:item_id>/withhold/",
        casework.evidence_withhold,
        name="evidence-withhold",
    ),
    path(
        "cases/<str:reference>/withholdings/<int:withholding_id>/release/",
        casework.evidence_release,
        name="evidence-release",
    ),
    path("report/", public.report, name="report"),
    path("receipt/", public.receipt, name="receipt"),
    path("receipt/lost/", public.receipt_lost, name="receipt-lost"),
    path("receipt/renew/<str:token>/", public.receipt_renew, name="receipt-renew"),
    path("receipt/case/", public.party_case, name="party-case"),
    path("receipt/case/messages/", public.party_message, name="party-message"),
    path("receipt/case/files/", public.party_file, name="party-file"),
    path("receipt/case/response/", public.party_response, name="party-response"),
    path("receipt/case/requests/", public.party_step, name="party-step"),
    path("receipt/case/proof/", public.party_proof, name="party-proof"),
    path("receipt/case/letters/<int:letter_id>/", party_letters.party_letter, name="party-letter"),
    path("receipt/case/evidence/<int:item_id>/", public.party_evidence, name="party-evidence"),
    path("receipt/leave/", public.party_leave, name="party-leave"),
    path("account/", account.account, name="account-detail"),
    path("account/sign-out-everywhere/", account.sign_out_everywhere, name="sessions-end"),
    path("account/digest/", account.digest_set, name="digest-set"),
    path("account/interests/", interests.interest_declare_view, name="interest-declare"),
    path("interests/", interests.interest_inbox, name="interest-inbox"),
    path(
        "interests/<int:declaration_id>/review/",
        interests.interest_review_view,
        name="interest-review",
    ),
    path("staff/", staff.staff_list, name="staff-list"),
    path("staff/add/", staff.staff_add, name="staff-add"),
    path("staff/<int:user_id>/", staff.staff_detail, name="staff-detail"),
    path("staff/<int:user_id>/roles/", staff.role_grant_view, name="role-grant"),
    path("staff/<int:user_id>/roles/<int:role_id>/end/", staff.role_end_view, name="role-end"),
    path("staff/<int:user_id>/training/", staff.training_record_view, name="training-record"),
    path(
        "staff/<int:user_id>/deactivate/",
        staff.staff_deactivate_view,
        name="staff-deactivate",
    ),
]
