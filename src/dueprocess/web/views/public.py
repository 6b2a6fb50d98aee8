"""The public pages: a complaint with no account (``/report/``), a party's way back in
with their receipt (``/receipt/``) to their case's status and messages, and a new receipt by
e-mailed link for a complainant who lost theirs (``/receipt/lost/``).

Thin, like every channel: the forms check shape, ``parties.services`` decides and records.
Each POST is CSRF-checked (Django's middleware; no exemptions); filing and failed receipts are
rate-limited per address with the mechanism sign-in uses (allauth's rate limits, the limits in
``ACCOUNT_RATE_LIMITS``), and refused politely past the limit with nothing lost.
"""

from __future__ import annotations

import time

from allauth.core import ratelimit
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dueprocess.accounts.organisations import all_organisations, organisation_meant
from dueprocess.errors import DomainError, IdempotencyKeyReused, NotFound
from dueprocess.ledger.checkpoints import WitnessesUnavailable
from dueprocess.lib.downloads import file_attachment
from dueprocess.lib.ids import new_token
from dueprocess.parties import proof, receipts, renewal
from dueprocess.parties import services as parties
from dueprocess.parties.files import party_file_send
from dueprocess.parties.letters import letters_to_party
from dueprocess.parties.models import PartyAccess
from dueprocess.parties.redactions import respondent_evidence
from dueprocess.web.forms import show_domain_error
from dueprocess.web.forms.public import (
    REPORT_ALIASES,
    PartyFileForm,
    PartyMessageForm,
    PartyStepForm,
    ReceiptForm,
    RenewalForm,
    ReportForm,
    ResponseForm,
)

#: The session key naming the party's way in, and when the receipt was typed.
PARTY_SESSION = "dueprocess.party_access"
PARTY_SINCE = "dueprocess.party_since"
#: A party's session lasts this long from typing the receipt (seconds).
PARTY_SESSION_SECONDS = 30 * 60

SENT_BEFORE = (
    "This form was already sent with a different complaint, and that one was received; "
    "nothing new was received now. To send this one as a further complaint, send it again."
)
TOO_MANY_REPORTS = (
    "Several complaints have been sent from this connection in the last hour, so this one was "
    "not received yet. Nothing you typed is lost: please try again later."
)
TOO_MANY_RECEIPTS = (
    "Too many receipts that open no case were typed from this connection. Please wait a "
    "quarter of an hour and try again."
)
NO_MATCH = (
    "That receipt does not open a case. Check the 16 digits and try again. A lost receipt "
    "cannot be recovered: only a one-way hash of it is kept."
)
#: The one answer to a request for a new receipt, whether or not any case has that address.
LINK_SENT = (
    "If a complaint was made with that e-mail address and you agreed to be contacted, we have "
    "sent a link to it. The link works once, for 24 hours."
)
TOO_MANY_RENEWALS = (
    "Several new receipts have been asked for from this connection or for this address, so "
    "this request was not sent. Nothing you typed is lost: please try again later."
)


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("organisation", "") or request.GET.get("organisation", "")
    organisation = organisation_meant(slug)
    if organisation is None:
        organisations = all_organisations()
        status = 404 if slug else 200
        return render(
            request, "web/public/choose.html", {"organisations": organisations}, status=status
        )
    form = ReportForm(request.POST or None, request.FILES or None, organisation=organisation)
    context = {"form": form, "organisation": organisation}
    if not form.is_bound:
        return render(request, "web/public/report.html", context)
    if not form.is_valid():
        return render(request, "web/public/report.html", context, status=422)
    if not ratelimit.consume(request, action="public_report"):
        parties.report_refused(address=_address(request))
        form.add_error(None, TOO_MANY_REPORTS)
        return render(request, "web/public/report.html", context, status=429)
    data = form.cleaned_data
    unit = organisation.units.filter(pk=data["unit"]).first()
    try:
        if unit is None:
            raise NotFound("No such unit.")
        filed = parties.report_file(
            report=parties.PublicReport(
                unit=unit,
                category=data["category"],
                what_happened=data["what_happened"],
                occurred_on=data["occurred_on"],
                respondent_name=data["respondent_name"],
                respondent_details=data["respondent_details"],
                anonymous=data["anonymous"],
                name=data["name"],
                email=data["email"],
                consent_to_contact=data["consent_to_contact"],
                idempotency_key=data["idempotency_key"],
                attachment=data["attachment"].read() if data["attachment"] else None,
            )
        )
    except IdempotencyKeyReused:
        fresh = request.POST.copy()
        fresh["idempotency_key"] = new_token()
        form = ReportForm(fresh, organisation=organisation)
        form.is_valid()
        form.add_error(None, SENT_BEFORE)
        context["form"] = form
        return render(request, "web/public/report.html", context, status=422)
    except DomainError as error:
        if isinstance(error, NotFound):
            form.add_error("unit", "Choose one of the listed parts of the organisation.")
        else:
            show_domain_error(form, error, REPORT_ALIASES)
        return render(request, "web/public/report.html", context, status=error.status)
    receipt = receipts.grouped(filed.receipt) if filed.receipt else ""
    return render(
        request,
        "web/public/filed.html",
        {"organisation": organisation, "receipt": receipt, "repeated": filed.receipt is None},
        status=201 if filed.receipt else 200,
    )


def _party_access(request: HttpRequest) -> PartyAccess | None:
    since = request.session.get(PARTY_SINCE)
    if not isinstance(since, int) or time.time() - since > PARTY_SESSION_SECONDS:
        return None
    return parties.access_by_id(request.session.get(PARTY_SESSION))


@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    if not form.is_bound:
        return render(request, "web/public/receipt.html", {"form": form})
    if not form.is_valid():
        return render(request, "web/public/receipt.html", {"form": form}, status=422)
    address = _address(request)
    if not ratelimit.consume(request, action="receipt_failed", dry_run=True):
        parties.receipt_failed(address=address, why="rate limited")
        context = {"form": ReceiptForm(), "refusal": TOO_MANY_RECEIPTS}
        return render(request, "web/public/receipt.html", context, status=429)
    access = parties.receipt_open(typed=form.cleaned_data["receipt"], address=address)
    if access is None:
        ratelimit.consume(request, action="receipt_failed")  # count the failure
        # the same answer for a malformed, unknown or withdrawn receipt; not shown back
        context = {"form": ReceiptForm(), "refusal": NO_MATCH}
        return render(request, "web/public/receipt.html", context, status=404)
    request.session.cycle_key()  # no session fixation across the way in
    request.session[PARTY_SESSION] = access.pk
    request.session[PARTY_SINCE] = int(time.time())
    return redirect("web:party-case")


@require_http_methods(["GET", "POST"])
def receipt_lost(request: HttpRequest) -> HttpResponse:
    """Ask for a new receipt by e-mail. The same answer whether or not any case has the address
    (``parties.renewal``)."""
    form = RenewalForm(request.POST or None)
    if not form.is_bound:
        return render(request, "web/public/receipt_lost.html", {"form": form})
    if not form.is_valid():
        return render(request, "web/public/receipt_lost.html", {"form": form}, status=422)
    email = form.cleaned_data["email"].strip().lower()
    if not ratelimit.consume(request, action="receipt_renewal", key=email):
        renewal.renewal_refused(address=_address(request))
        form.add_error(None, TOO_MANY_RENEWALS)
        return render(request, "web/public/receipt_lost.html", {"form": form}, status=429)
    try:
        renewal.renewal_request(
            email=email,
            link_for=lambda token: request.build_absolute_uri(
                reverse("web:receipt-renew", args=[token])
            ),
        )
    except DomainError as error:
        show_domain_error(form, error, {"email": "email"})
        return render(request, "web/public/receipt_lost.html", {"form": form}, status=error.status)
    return render(request, "web/public/receipt_lost.html", {"sent": LINK_SENT})


@require_http_methods(["GET", "POST"])
def receipt_renew(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: GET asks to confirm (a mail scanner's fetch changes nothing);
    POST issues the new receipt, shown once."""
    address = _address(request)
    try:
        if request.method == "GET":
            renewal.renewal_link_check(token=token, address=address)
            return render(request, "web/public/receipt_renew.html", {"token": token})
        renewed = renewal.renewal_redeem(token=token, address=address)
    except renewal.LinkUnusable as unusable:
        context = {"refusal": renewal.LINK_WORDS[unusable.why]}
        return render(request, "web/public/receipt_renew.html", context, status=404)
    shown = {"receipt": receipts.grouped(renewed.receipt), "renewed": True}
    return render(request, "web/public/filed.html", shown)


def _status_page(
    request: HttpRequest,
    access: PartyAccess,
    form: PartyMessageForm | None = None,
    status: int = 200,
    response_form: ResponseForm | None = None,
    step_form: PartyStepForm | None = None,
    proof_failed: bool = False,
    file_form: PartyFileForm | None = None,
) -> HttpResponse:
    view = parties.status_for(access=access)
    context = {
        "status": view,
        "form": form or PartyMessageForm(),
        "file_form": file_form or PartyFileForm(auto_id="file_%s"),
        "session_minutes": PARTY_SESSION_SECONDS // 60,
        "record": proof.party_proof_summary(access=access),
        "proof_failed": proof_failed,
        "letters": letters_to_party(access),
    }
    if access.role == PartyAccess.Role.RESPONDENT:
        context["allegations"] = parties.allegations_for(access=access)
        context["evidence"] = respondent_evidence(access.case)
        context["response_form"] = response_form or ResponseForm()
        failed_kind = step_form.data.get("kind") if step_form is not None else None
        context["step_forms"] = [
            (
                step,
                step_form
                if step_form is not None and failed_kind == step.kind
                else PartyStepForm(
                    initial={"kind": step.kind},
                    auto_id=f"id_{step.kind}_%s",
                    grounds=_grounds(access, step.kind),
                ),
            )
            for step in view.steps
        ]
        context["step_failed"] = step_form
        context["step_failed_shown"] = any(s.kind == failed_kind for s in view.steps)
    return render(request, "web/public/party_case.html", context, status=status)


@require_http_methods(["GET"])
def party_case(request: HttpRequest) -> HttpResponse:
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    try:
        return _status_page(request, access)
    except NotFound:
        return redirect("web:receipt")


@require_POST
def party_message(request: HttpRequest) -> HttpResponse:
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    form = PartyMessageForm(request.POST)
    if not form.is_valid():
        return _status_page(request, access, form, status=422)
    try:
        parties.party_message_send(access=access, body=form.cleaned_data["body"])
    except NotFound:
        return redirect("web:receipt")
    except DomainError as error:
        show_domain_error(form, error, {"body": "body"})
        return _status_page(request, access, form, status=error.status)
    return redirect(reverse("web:party-case") + "#messages")


@require_POST
def party_file(request: HttpRequest) -> HttpResponse:
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    form = PartyFileForm(request.POST, request.FILES, auto_id="file_%s")
    if not form.is_valid():
        return _status_page(request, access, status=422, file_form=form)
    try:
        party_file_send(
            access=access, content=form.cleaned_data["file"].read(), note=form.cleaned_data["note"]
        )
    except NotFound:
        return redirect("web:receipt")
    except DomainError as error:
        show_domain_error(form, error, {"file": "file", "note": "note"})
        return _status_page(request, access, status=error.status, file_form=form)
    return redirect(reverse("web:party-case") + "#messages")


@require_POST
def party_response(request: HttpRequest) -> HttpResponse:
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _status_page(request, access, status=422, response_form=form)
    try:
        parties.response_submit(access=access, body=form.cleaned_data["body"])
    except NotFound:
        return redirect("web:receipt")
    except DomainError as error:
        show_domain_error(form, error, {"body": "body"})
        return _status_page(request, access, status=error.status, response_form=form)
    return redirect(reverse("web:party-case") + "#allegations")


def _grounds(access: PartyAccess, kind: str) -> list[tuple[str, str]]:
    """The rulebook's grounds of appeal, for the respondent's appeal form ([] otherwise)."""
    rules = access.case.rulebook.rules.appeals
    if kind != "appeal" or not rules.declared:
        return []
    return [(g.key, g.label) for g in rules.grounds.values()]


@require_POST
def party_step(request: HttpRequest) -> HttpResponse:
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    kind = request.POST.get("kind", "")[:20]
    form = PartyStepForm(request.POST, auto_id=f"id_{kind}_%s", grounds=_grounds(access, kind))
    if not form.is_valid():
        return _status_page(request, access, status=422, step_form=form)
    try:
        parties.party_step_take(
            access=access,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            ground=form.cleaned_data.get("ground", ""),
        )
    except NotFound:
        return redirect("web:receipt")
    except DomainError as error:
        show_domain_error(form, error, {"reason": "reason", "ground": "ground"})
        return _status_page(request, access, status=error.status, step_form=form)
    return redirect(reverse("web:party-case") + "#requests")


@require_POST
def party_proof(request: HttpRequest) -> HttpResponse:
    """The party's own proof bundle, as a file (POST: the export is itself recorded)."""
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    try:
        bundle = proof.party_proof_for(access=access)
    except NotFound:
        return redirect("web:receipt")
    except WitnessesUnavailable:
        return _status_page(request, access, status=503, proof_failed=True)
    response = HttpResponse(bundle, content_type="application/json")
    filename = proof.proof_filename(access.case)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET"])
def party_evidence(request: HttpRequest, item_id: int) -> HttpResponse:
    """An evidence file in the respondent's own file, recorded before it is sent."""
    from dueprocess.evidence.files import EvidenceCorrupted
    from dueprocess.parties.redactions import respondent_evidence_download

    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    try:
        got = respondent_evidence_download(access=access, item_id=item_id)
    except NotFound:
        raise Http404("No such evidence in your file.") from None
    except EvidenceCorrupted as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    extension = got.filename.rsplit(".", 1)[-1]  # the case's reference stays off a party's page
    return file_attachment(got.content, got.media_type, f"evidence-{got.item.pk}.{extension}")


@require_POST
def party_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(PARTY_SESSION, None)
    request.session.pop(PARTY_SINCE, None)
    request.session.cycle_key()
    return redirect("web:receipt")
