"""Notes, evidence, interviews and consents, appointments and interim measures on a case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.cases import services as svc
from dueprocess.cases.models import InterimMeasure
from dueprocess.cases.services.interim import interim_measure_continue
from dueprocess.errors import NotFound
from dueprocess.evidence.interviews import (
    consent_record,
    consents_of,
    interview_record,
    interviews_of,
)
from dueprocess.letters.queries import letter_pdf_for
from dueprocess.letters.services import feedback_give
from dueprocess.lib.downloads import file_attachment
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms.casework import (
    AssignmentForm,
    ConsentForm,
    ContinueMeasureForm,
    EvidenceForm,
    FeedbackForm,
    ImposeMeasureForm,
    InterviewForm,
    LiftMeasureForm,
    MemberMatchForm,
    NoteForm,
    SummaryApproveForm,
    SummaryForm,
    SummaryReturnForm,
)
from dueprocess.web.people import staff
from dueprocess.web.views.common import submit


@login_required
@require_POST
@domain_errors
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = NoteForm(request.POST)

    def act() -> object:
        return svc.note_add(actor=staff(request), case=case, body=form.cleaned_data["body"])

    return submit(request, case, "note", form, act, "Note added.")


@login_required
@require_POST
@domain_errors
def evidence_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_gate(staff(request), reference)
    form = EvidenceForm(request.POST, request.FILES, consents=consents_of(case))

    def act() -> object:
        data = form.cleaned_data
        return svc.evidence_add(
            actor=staff(request),
            case=case,
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            content=data["file"].read(),
            consents=data["consents"],
        )

    return submit(request, case, "evidence", form, act, "Evidence added to the list.")


@login_required
@require_POST
@domain_errors
def interview_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_gate(staff(request), reference)
    form = InterviewForm(request.POST)

    def act() -> object:
        data = form.cleaned_data
        return interview_record(
            actor=staff(request),
            case=case,
            interviewee=data["interviewee"],
            held_at=data["held_at"],
            statement=data["statement"],
            statement_agreed=data["statement_agreed"],
        )

    return submit(request, case, "interview", form, act, "Interview recorded.")


@login_required
@require_POST
@domain_errors
def consent_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_gate(staff(request), reference)
    form = ConsentForm(request.POST, interviews=interviews_of(case))

    def act() -> object:
        data = form.cleaned_data
        return consent_record(
            actor=staff(request),
            case=case,
            person=data["person"],
            scope=data["scope"],
            given_at=data["given_at"],
            interview_id=data["interview"],
        )

    return submit(request, case, "consent", form, act, "Consent recorded.")


@login_required
@require_GET
@domain_errors
def evidence_download(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    from dueprocess.evidence.files import evidence_download as download

    case = case_gate(staff(request), reference)
    got = download(actor=staff(request), case=case, item_id=item_id)
    return file_attachment(got.content, got.media_type, got.filename)


@login_required
@require_GET
@domain_errors
def party_file_download(request: HttpRequest, reference: str, file_id: int) -> HttpResponse:
    from dueprocess.parties.files import party_file_download as download

    case = case_gate(staff(request), reference)
    got = download(actor=staff(request), case=case, file_id=file_id)
    return file_attachment(got.content, got.media_type, got.filename)


@login_required
@require_POST
@domain_errors
def assignment_add(request: HttpRequest, reference: str) -> HttpResponse:
    from dueprocess.accounts.models import User

    case = case_gate(staff(request), reference)
    form = AssignmentForm(request.POST, case=case)

    def act() -> object:
        data = form.cleaned_data
        assignee = User.objects.filter(pk=data["assignee"]).first()
        if assignee is None:
            raise NotFound("No such person.")
        return svc.case_assign(
            actor=staff(request),
            case=case,
            assignee=assignee,
            role=data["role"],
            reason=data["reason"],
        )

    return submit(request, case, "assign", form, act, "Appointment made.")


@login_required
@require_POST
@domain_errors
def measure_impose(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = ImposeMeasureForm(request.POST, case=case)

    def act() -> object:
        return svc.interim_measure_impose(actor=staff(request), case=case, **form.cleaned_data)

    return submit(request, case, "impose", form, act, "Interim measure imposed.")


@login_required
@require_POST
@domain_errors
def measure_lift(request: HttpRequest, reference: str, measure_id: int) -> HttpResponse:
    case = case_gate(staff(request), reference)
    measure = InterimMeasure.objects.filter(pk=measure_id, case=case).first()
    if measure is None:
        raise NotFound("No such interim measure on this case.")
    form = LiftMeasureForm(request.POST, measure_id=measure_id)

    def act() -> object:
        return svc.interim_measure_lift(
            actor=staff(request), measure=measure, reason=form.cleaned_data["reason"]
        )

    return submit(request, case, f"lift-{measure_id}", form, act, "Interim measure lifted.")


@login_required
@require_POST
@domain_errors
def message_send(request: HttpRequest, reference: str) -> HttpResponse:
    from dueprocess.parties.services import party_choices, staff_message_send
    from dueprocess.web.forms.public import StaffMessageForm

    case = case_to_change(staff(request), reference)
    form = StaffMessageForm(request.POST, choices=party_choices(case))

    def act() -> object:
        return staff_message_send(
            actor=staff(request),
            case=case,
            access_id=form.cleaned_data["access"],
            body=form.cleaned_data["body"],
        )

    return submit(request, case, "message", form, act, "Message sent.")


@login_required
@require_POST
@domain_errors
def measure_continue(request: HttpRequest, reference: str, measure_id: int) -> HttpResponse:
    case = case_gate(staff(request), reference)
    measure = InterimMeasure.objects.filter(pk=measure_id, case=case).first()
    if measure is None:
        raise NotFound("No such interim measure on this case.")
    form = ContinueMeasureForm(request.POST, measure_id=measure_id)

    def act() -> object:
        return interim_measure_continue(
            actor=staff(request),
            measure=measure,
            reasons=form.cleaned_data["reasons"],
            review_on=form.cleaned_data["review_on"],
        )

    return submit(request, case, f"continue-{measure_id}", form, act, "Interim measure continued.")


@login_required
@require_POST
@domain_errors
def respondent_notify(request: HttpRequest, reference: str) -> HttpResponse:
    from dueprocess.parties.services import respondent_notify as notify
    from dueprocess.web.forms.public import RespondentNoticeForm

    case = case_to_change(staff(request), reference)
    form = RespondentNoticeForm(request.POST)

    def act() -> object:
        return notify(actor=staff(request), case=case, email=form.cleaned_data["email"])

    return submit(request, case, "notice", form, act, "Notice of the allegations sent.")


@login_required
@require_POST
@domain_errors
def redaction_mark(request: HttpRequest, reference: str) -> HttpResponse:
    from dueprocess.parties.redactions import redaction_mark as mark
    from dueprocess.web.casepage import allegation_choices
    from dueprocess.web.forms.public import RedactionForm

    case = case_to_change(staff(request), reference)
    form = RedactionForm(request.POST, choices=allegation_choices(case))

    def act() -> object:
        data = form.cleaned_data
        return mark(
            actor=staff(request),
            case=case,
            allegation_id=data["allegation"],
            passage=data["passage"],
            reason=data["reason"],
        )

    return submit(request, case, "redaction", form, act, "Passage marked for redaction.")


@login_required
@require_POST
@domain_errors
def redaction_withdraw(request: HttpRequest, reference: str, redaction_id: int) -> HttpResponse:
    from dueprocess.parties.redactions import redaction_withdraw as withdraw
    from dueprocess.web.forms.public import RedactionWithdrawForm

    case = case_to_change(staff(request), reference)
    form = RedactionWithdrawForm(request.POST, redaction_id=redaction_id)

    def act() -> object:
        return withdraw(
            actor=staff(request),
            case=case,
            redaction_id=redaction_id,
            reason=form.cleaned_data["reason"],
        )

    return submit(request, case, f"unredact-{redaction_id}", form, act, "Redaction withdrawn.")


@login_required
@require_POST
@domain_errors
def evidence_withhold(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    from dueprocess.parties.redactions import evidence_withhold as withhold
    from dueprocess.web.forms.public import WithholdEvidenceForm

    case = case_to_change(staff(request), reference)
    form = WithholdEvidenceForm(request.POST, item_id=item_id)

    def act() -> object:
        return withhold(
            actor=staff(request), case=case, item_id=item_id, reason=form.cleaned_data["reason"]
        )

    return submit(
        request, case, f"withhold-{item_id}", form, act, "Evidence withheld from the respondent."
    )


@login_required
@require_POST
@domain_errors
def evidence_release(request: HttpRequest, reference: str, withholding_id: int) -> HttpResponse:
    from dueprocess.parties.redactions import evidence_release as release
    from dueprocess.web.forms.public import ReleaseEvidenceForm

    case = case_to_change(staff(request), reference)
    form = ReleaseEvidenceForm(request.POST, withholding_id=withholding_id)

    def act() -> object:
        return release(
            actor=staff(request),
            case=case,
            withholding_id=withholding_id,
            reason=form.cleaned_data["reason"],
        )

    return submit(
        request, case, f"release-{withholding_id}", form, act, "Evidence no longer withheld."
    )


@login_required
@require_POST
@domain_errors
def feedback_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = FeedbackForm(request.POST)

    def act() -> object:
        return feedback_give(actor=staff(request), case=case, text=form.cleaned_data["text"])

    return submit(request, case, "feedback", form, act, "Feedback recorded; its letter is queued.")


@login_required
@domain_errors
def letter_pdf(request: HttpRequest, reference: str, letter_id: int) -> HttpResponse:
    """A letter's PDF, as it was sent (or is to be posted)."""
    case = case_gate(staff(request), reference)
    letter = letter_pdf_for(staff(request), case, letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    name = f"{case.reference}-{letter.template}-{letter.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@domain_errors
def summary_write(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = SummaryForm(request.POST)

    def act() -> object:
        return svc.summary_write(actor=staff(request), case=case, text=form.cleaned_data["text"])

    return submit(
        request, case, "summary", form, act, "Summary written; a second person approves it."
    )


@login_required
@require_POST
@domain_errors
def summary_approve(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = SummaryApproveForm(request.POST)

    def act() -> object:
        return svc.summary_approve(
            actor=staff(request), case=case, version=form.cleaned_data["version"]
        )

    return submit(
        request, case, "summary_approve", form, act, "Summary approved for the public report."
    )


@login_required
@require_POST
@domain_errors
def summary_return(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = SummaryReturnForm(request.POST)

    def act() -> object:
        return svc.summary_return(
            actor=staff(request),
            case=case,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )

    return submit(request, case, "summary_return", form, act, "Summary sent back.")


@login_required
@require_POST
@domain_errors
def member_match_review(request: HttpRequest, reference: str, party_id: int) -> HttpResponse:
    """Confirm or reject a respondent's register link: the button pressed is the verdict."""
    case = case_to_change(staff(request), reference)
    form = MemberMatchForm(request.POST, party_id=party_id)

    def act() -> object:
        confirm = form.cleaned_data["verdict"] == "confirm"
        service = svc.member_match_confirm if confirm else svc.member_match_reject
        return service(
            actor=staff(request),
            case=case,
            party_id=party_id,
            reason=form.cleaned_data["reason"],
        )

    def done(_: object) -> str:
        if form.cleaned_data["verdict"] == "confirm":
            return "The respondent's match with the register is confirmed."
        return "The match is rejected: the respondent is no longer linked to that member."

    return submit(request, case, f"match-{party_id}", form, act, done)
