"""Declarations of interest: each member of staff's own (beside their account pages), and the
head of complaints' review of everyone else's. Thin over ``accounts.services``, which decide who
may review and record every declaration, review and refusal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dueprocess.accounts.models import User
from dueprocess.accounts.presenters import interest_record
from dueprocess.accounts.services import (
    declaration_in_organisation,
    interest_declare,
    interest_review,
    interests_of,
    interests_to_review,
)
from dueprocess.errors import DomainError, Forbidden, InvalidInput, NotFound
from dueprocess.members.models import Member
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms import show_domain_error
from dueprocess.web.forms.staff import DeclareInterestForm, ReviewInterestForm
from dueprocess.web.people import staff

#: The service's field names (left) shown on the declaration form's fields (right).
DECLARE_ALIASES = {"member": "member_number"}


def _own_page(
    request: HttpRequest, form: DeclareInterestForm, *, status: int = 200
) -> HttpResponse:
    declarations = [interest_record(d) for d in interests_of(staff(request))]
    context = {"declarations": declarations, "form": form}
    return render(request, "web/interests.html", context, status=status)


def _member_id(person: User, number: str) -> int | None:
    """The register entry the person named by number, in their own organisation's register."""
    if not number.strip():
        return None
    found = Member.objects.filter(
        organisation_id=person.organisation_id or 0, number=number.strip()
    ).values_list("pk", flat=True)
    member_id = found.first()
    if member_id is None:
        raise InvalidInput(
            f"No member numbered {number.strip()!r} in the register.",
            fields={"member_number": "Not in the membership register."},
        )
    return member_id


@login_required
@domain_errors
def interest_declare_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _own_page(request, DeclareInterestForm())
    me = staff(request)
    form = DeclareInterestForm(request.POST)
    if not form.is_valid():
        return _own_page(request, form, status=422)
    data = form.cleaned_data
    try:
        interest_declare(
            actor=me,
            user=me,
            kind=data["kind"],
            description=data["description"],
            member_id=_member_id(me, data["member_number"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        show_domain_error(form, error, DECLARE_ALIASES)
        return _own_page(request, form, status=error.status)
    messages.success(request, "Declared. The head of complaints will review it.")
    return redirect("web:interest-declare")


def _review_form(declaration_id: int, data: object = None) -> ReviewInterestForm:
    return ReviewInterestForm(data, auto_id=f"id_d{declaration_id}_%s")


def _review_page(
    request: HttpRequest,
    failed: tuple[int, ReviewInterestForm] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    # refuses, and records, anyone who does not review declarations
    declarations = [interest_record(d) for d in interests_to_review(staff(request))]
    forms = {d["id"]: _review_form(d["id"]) for d in declarations if d["reviewed_at"] is None}
    problem = ""
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    elif failed is not None:  # reviewed meanwhile, or one's own: no form to show it beside
        problem = " ".join(str(e) for e in failed[1].non_field_errors()) or "Not recorded."
    context = {"declarations": declarations, "forms": forms, "problem": problem}
    return render(request, "web/interests_review.html", context, status=status)


@login_required
@domain_errors
def interest_inbox(request: HttpRequest) -> HttpResponse:
    return _review_page(request)


@login_required
@require_POST
@domain_errors
def interest_review_view(request: HttpRequest, declaration_id: int) -> HttpResponse:
    me = staff(request)
    declaration = declaration_in_organisation(me, declaration_id)
    form = _review_form(declaration_id, request.POST)
    if not form.is_valid():
        return _review_page(request, (declaration_id, form), status=422)
    try:
        interest_review(
            actor=me,
            declaration=declaration,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        show_domain_error(form, error)
        return _review_page(request, (declaration_id, form), status=error.status)
    messages.success(request, f"Review of {declaration.user.full_name}'s declaration recorded.")
    return redirect("web:interest-inbox")
