"""Session lifetimes and "sign out everywhere".

Django's ``SESSION_COOKIE_AGE`` is an *idle* timeout when the session is saved as it is used.
Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``) would make every page view a
database write that queues behind the case writes, so ``SessionLifetimeMiddleware`` renews it
at most once every ``SESSION_TOUCH_SECONDS`` (the idle timeout is exact to that much). A
session used every few minutes would live for ever, and ASVS 7.3.2 also asks for an *absolute*
lifetime, which the same middleware enforces from the moment of sign-in.
``end_all_sessions`` ends every session of a person (a lost laptop, a shared computer), using
allauth's record of which sessions belong to whom.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.usersessions.adapter import get_adapter as get_sessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

#: Session key holding the Unix time at which the person signed in.
SIGNED_IN_AT = "dueprocess.signed_in_at"
#: Session key holding the Unix time at which the session was last renewed.
TOUCHED_AT = "dueprocess.touched_at"


def mark_signed_in(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the absolute lifetime counts from here."""
    request.session[SIGNED_IN_AT] = int(time.time())


def session_expired(request: HttpRequest, *, now: float | None = None) -> bool:
    started = request.session.get(SIGNED_IN_AT)
    if started is None:
        # A session from before this rule existed: start its clock now rather than trust it.
        request.session[SIGNED_IN_AT] = int(now or time.time())
        return False
    limit = int(settings.SESSION_ABSOLUTE_SECONDS)
    return (now or time.time()) - int(started) > limit


def renew_idle_timeout(request: HttpRequest, *, now: float | None = None) -> None:
    """Mark the session for saving (which pushes its expiry on by ``SESSION_COOKIE_AGE``) when
    it was last renewed ``SESSION_TOUCH_SECONDS`` ago or more; otherwise leave it unwritten."""
    moment = int(now or time.time())
    touched = request.session.get(TOUCHED_AT)
    if touched is None or moment - int(touched) >= int(settings.SESSION_TOUCH_SECONDS):
        request.session[TOUCHED_AT] = moment


class SessionLifetimeMiddleware:
    """Sign a person out once their session is older than ``SESSION_ABSOLUTE_SECONDS``, and
    renew the idle timeout of a session in use at most once a ``SESSION_TOUCH_SECONDS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_expired(request):
            logout(request)
            messages.info(request, "Your session has expired. Please sign in again.")
            return redirect(settings.LOGIN_URL)
        response = self.get_response(request)
        user = getattr(request, "user", None)  # signing in or out replaces it
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            renew_idle_timeout(request)
        return response


def end_all_sessions(request: HttpRequest) -> int:
    """End every session of the signed-in person, this one included; return how many."""
    user = request.user
    sessions = list(UserSession.objects.filter(user_id=user.pk))
    get_sessions_adapter().end_sessions(sessions)
    logout(request)
    return len(sessions)
