"""The signed-in member of staff behind a request.

Every staff view is behind ``login_required``, so ``request.user`` is a real ``User`` there;
this says so once, for the type checker, instead of at every call.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from dueprocess.accounts.models import User


def staff(request: HttpRequest) -> User:
    return cast(User, request.user)
