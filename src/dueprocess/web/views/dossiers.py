"""Importing a dossier: upload, preview row by row, then confirm — nothing is written before."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dueprocess.accounts.models import User
from dueprocess.cases.services import dossiers
from dueprocess.errors import DomainError, Forbidden, NotFound
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms.dossiers import MAX_UPLOAD, ConfirmForm, UploadForm
from dueprocess.web.people import staff


@login_required
@domain_errors
def dossier_import(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    dossiers.require_dossier_import(actor=user)
    context: dict[str, Any] = {"upload": UploadForm(), "columns": dossiers.COLUMNS}
    if request.method != "POST":
        return render(request, "web/dossier_import.html", context)
    if "previewed" in request.POST:
        return _confirm(request, user, context)
    upload = UploadForm(request.POST, request.FILES)
    context["upload"] = upload
    if not upload.is_valid():
        return render(request, "web/dossier_import.html", context, status=422)
    file = upload.cleaned_data["file"]
    if file.size > MAX_UPLOAD:
        upload.add_error("file", "At most 2 MiB; split the dossier into smaller files.")
        return render(request, "web/dossier_import.html", context, status=422)
    data, encoding = file.read(), upload.cleaned_data["encoding"]
    try:
        dossier = dossiers.read_dossier(data, filename=file.name, encoding=encoding)
        context["result"] = dossiers.dossier_preview(actor=user, dossier=dossier)
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        return _refused(request, context, error)
    context["confirm"] = ConfirmForm(
        initial={
            "previewed": base64.b64encode(data).decode(),
            "filename": file.name[:200],
            "encoding": encoding,
        }
    )
    return render(request, "web/dossier_import.html", context)


def _confirm(request: HttpRequest, user: User, context: dict[str, Any]) -> HttpResponse:
    form = ConfirmForm(request.POST)
    try:
        data = (
            base64.b64decode(form.cleaned_data["previewed"], validate=True)
            if form.is_valid()
            else b""
        )
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        context["problem"] = "The previewed file did not come back intact; upload it again."
        return render(request, "web/dossier_import.html", context, status=422)
    try:
        dossier = dossiers.read_dossier(
            data, filename=form.cleaned_data["filename"], encoding=form.cleaned_data["encoding"]
        )
        result = dossiers.dossier_import(actor=user, dossier=dossier)
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        return _refused(request, context, error)
    assert result.dossier is not None
    messages.success(
        request,
        f"Dossier {result.dossier.pk} imported: {result.count('created')} case(s) opened,"
        f" {result.count('already')} already imported. {result.summary}."
        f" {result.duplicates_summary}",
    )
    return redirect("web:case-list")


def _refused(request: HttpRequest, context: dict[str, Any], error: DomainError) -> HttpResponse:
    context["problem"] = error.message
    context["problems"] = sorted(error.fields.items())
    return render(request, "web/dossier_import.html", context, status=error.status)
