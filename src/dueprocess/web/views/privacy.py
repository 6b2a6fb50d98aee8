"""The administrator's subject access page: the request form, and the ZIP in answer to it.
Thin over ``privacy.subject_access``, which decides who may ask and records every request,
production and refusal."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dueprocess.errors import DomainError, Forbidden
from dueprocess.lib.downloads import file_attachment
from dueprocess.privacy.subject_access import (
    MAX_REASON,
    subject_access_allowed,
    subject_access_export,
)
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms import Form, show_domain_error, text_area
from dueprocess.web.people import staff

#: The service's field names, as this form calls them.
ALIASES = {"subject": "value", "email": "value", "member": "value", "staff": "value"}


class SubjectAccessForm(Form):
    named_by = forms.ChoiceField(
        label="Name the person by",
        choices=[
            ("email", "E-mail address (as a party, in the register or as staff)"),
            ("member", "Member number"),
            ("staff", "Staff account's e-mail address"),
        ],
        widget=forms.RadioSelect,
        initial="email",
    )
    value = forms.CharField(label="E-mail address or member number", max_length=254)
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_REASON,
        widget=text_area(),
        help_text="The request this export answers (kept in the ledger with it).",
    )


def _page(request: HttpRequest, form: SubjectAccessForm, *, status: int = 200) -> HttpResponse:
    return render(request, "web/subject_access.html", {"form": form}, status=status)


@login_required
@domain_errors
def subject_access_page(request: HttpRequest) -> HttpResponse:
    admin = staff(request)
    subject_access_allowed(actor=admin)  # refuses, and records, anyone but the administrator
    if request.method != "POST":
        return _page(request, SubjectAccessForm())
    form = SubjectAccessForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    named = {form.cleaned_data["named_by"]: form.cleaned_data["value"]}
    try:
        export = subject_access_export(actor=admin, reason=form.cleaned_data["reason"], **named)
    except Forbidden:
        raise
    except DomainError as error:
        show_domain_error(form, error, ALIASES)
        return _page(request, form, status=error.status)
    return file_attachment(export.archive, "application/zip", export.filename)
