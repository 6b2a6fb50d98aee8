"""The account administrator's pages: the organisation's staff with their roles and training;
adding a person; and, per person, granting and ending dated roles, recording training and
switching the account off. Thin over ``accounts.services``, which decide who may do each and
record it; nothing here reaches a case (administrators never see one)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dueprocess.accounts.models import User
from dueprocess.accounts.presenters import current_role_ids, staff_person
from dueprocess.accounts.services import (
    require_administrator,
    role_end,
    role_grant,
    role_of,
    staff_create,
    staff_deactivate,
    staff_member,
    staff_of,
    training_record,
    unit_of,
)
from dueprocess.errors import DomainError, Forbidden, NotFound
from dueprocess.lib import clock
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms import Form, show_domain_error
from dueprocess.web.forms.staff import (
    AddStaffForm,
    DeactivateForm,
    EndRoleForm,
    GrantRoleForm,
    TrainingForm,
)
from dueprocess.web.people import staff


def _unit_names(admin: User) -> dict[str, str]:
    units = admin.organisation.units.all() if admin.organisation else []
    return {u.slug: u.name for u in units}


def _list_page(request: HttpRequest, form: AddStaffForm, *, status: int = 200) -> HttpResponse:
    admin = staff(request)
    people = staff_of(admin)  # refuses, and records, anyone but the account administrator
    context = {
        "people": [staff_person(p) for p in people],
        "current_roles": current_role_ids([p.pk for p in people]),
        "unit_names": _unit_names(admin),
        "today": clock.today(),
        "form": form,
    }
    return render(request, "web/staff_list.html", context, status=status)


@login_required
@domain_errors
def staff_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, AddStaffForm())


@login_required
@require_POST
@domain_errors
def staff_add(request: HttpRequest) -> HttpResponse:
    admin = staff(request)
    require_administrator(admin, admin.organisation_id, attempted="staff.create")
    form = AddStaffForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=422)
    try:
        person = staff_create(
            actor=admin,
            organisation=admin.organisation,  # type: ignore[arg-type]
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=None,
        )
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        show_domain_error(form, error)
        return _list_page(request, form, status=error.status)
    messages.success(
        request,
        f"Added {person.full_name}. They set a password through the password-reset e-mail;"
        " grant them a role below.",
    )
    return redirect("web:staff-detail", user_id=person.pk)


def _end_form(role_id: int, data: Any = None) -> EndRoleForm:
    return EndRoleForm(data, auto_id=f"id_end{role_id}_%s", initial={"ends_on": clock.today()})


def _person_page(
    request: HttpRequest,
    person: User,
    *,
    failed: tuple[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The person's page, with every form blank but the one that failed (as it was typed)."""
    today = clock.today()
    shown = staff_person(person)
    forms: dict[str, Any] = {
        "grant": GrantRoleForm(person=person),
        "training": TrainingForm(initial={"completed_on": today}),
        "deactivate": DeactivateForm(),
    }
    end_forms = {
        r["id"]: _end_form(r["id"])
        for r in shown["roles"]
        if r["ends_on"] is None or r["ends_on"] >= today
    }
    if failed is not None:
        which, form = failed
        if which.startswith("end"):
            end_forms[int(which[3:])] = form  # type: ignore[assignment]
        else:
            forms[which] = form
    context = {
        "person": shown,
        "current_roles": current_role_ids([person.pk]),
        "unit_names": _unit_names(staff(request)),
        "today": today,
        "end_forms": end_forms,
        "failed": failed[0] if failed else "",
        **forms,
    }
    return render(request, "web/staff_detail.html", context, status=status)


@login_required
@domain_errors
def staff_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return _person_page(request, staff_member(staff(request), user_id, attempted="staff.view"))


def _changed(
    request: HttpRequest, person: User, which: str, form: Form, act: Any, done: str
) -> HttpResponse:
    """Validate ``form``, run ``act`` (one service call) and go back to the person's page; on
    bad input, the page again with the form as it was typed and the service's message beside
    the field it names. A refusal (403) or an unknown role (404) is the error page."""
    if not form.is_valid():
        return _person_page(request, person, failed=(which, form), status=422)
    try:
        act(form.cleaned_data)
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        show_domain_error(form, error)
        return _person_page(request, person, failed=(which, form), status=error.status)
    messages.success(request, done)
    return redirect("web:staff-detail", user_id=person.pk)


@login_required
@require_POST
@domain_errors
def role_grant_view(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = staff(request)
    person = staff_member(admin, user_id, attempted="role.grant")
    form = GrantRoleForm(request.POST, person=person)

    def act(data: dict[str, Any]) -> object:
        return role_grant(
            actor=admin,
            user=person,
            role=data["role"],
            unit=unit_of(person, data["unit"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )

    return _changed(request, person, "grant", form, act, f"Role granted to {person.full_name}.")


@login_required
@require_POST
@domain_errors
def role_end_view(request: HttpRequest, user_id: int, role_id: int) -> HttpResponse:
    admin = staff(request)
    person = staff_member(admin, user_id, attempted="role.end")
    membership = role_of(person, role_id)
    form = _end_form(role_id, request.POST)

    def act(data: dict[str, Any]) -> object:
        return role_end(actor=admin, membership=membership, ends_on=data["ends_on"])

    return _changed(request, person, f"end{role_id}", form, act, "Role end recorded.")


@login_required
@require_POST
@domain_errors
def training_record_view(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = staff(request)
    person = staff_member(admin, user_id, attempted="training.record")
    form = TrainingForm(request.POST)

    def act(data: dict[str, Any]) -> object:
        return training_record(
            actor=admin,
            user=person,
            course=data["course"],
            completed_on=data["completed_on"],
            expires_on=data["expires_on"],
        )

    return _changed(request, person, "training", form, act, "Training recorded.")


@login_required
@require_POST
@domain_errors
def staff_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = staff(request)
    person = staff_member(admin, user_id, attempted="staff.deactivate")
    form = DeactivateForm(request.POST)

    def act(data: dict[str, Any]) -> object:
        return staff_deactivate(actor=admin, user=person)

    done = f"{person.full_name}'s account is switched off; their sessions and tokens have ended."
    return _changed(request, person, "deactivate", form, act, done)
