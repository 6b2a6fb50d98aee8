"""The person's own account: their roles, two-factor status, the daily digest, and "sign out
everywhere"."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dueprocess.accounts.models import RoleMembership
from dueprocess.errors import DomainError
from dueprocess.ledger.record import record
from dueprocess.letters.digest import digest_subscribe, digest_subscription_of
from dueprocess.web.people import staff
from dueprocess.web.sessions import end_all_sessions


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    context = {
        "roles": list(RoleMembership.objects.current().filter(user=user).select_related("unit")),
        "authenticators": list(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "sessions": UserSession.objects.filter(user_id=user.pk).count(),
        "digest_on": digest_subscription_of(user).on,
    }
    return render(request, "web/account.html", context)


@login_required
@require_POST
def digest_set(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    wanted = request.POST.get("digest")
    if wanted not in ("on", "off"):
        messages.error(request, "Choose whether to get the daily digest.")
        return redirect("web:account-detail")
    try:
        digest_subscribe(actor=user, person=user, on=wanted == "on")
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.info(
            request,
            "The daily digest is on: it comes each morning that something needs you."
            if wanted == "on"
            else "The daily digest is off.",
        )
    return redirect("web:account-detail")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    with transaction.atomic():
        record(actor=user, action="sessions.ended_everywhere")
    ended = end_all_sessions(request)
    messages.info(request, f"Signed out of {ended} session(s) on every device.")
    return redirect("account_login")
