"""Staff accounts are created by administrators, never by self-registration; failed and
throttled sign-in attempts go into the ledger (see ``accounts.signins``)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from dueprocess.accounts.signins import sign_in_failed


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            sign_in_failed(request, str(credentials.get("email", "")), why="rate limited")
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        sign_in_failed(request, str(credentials.get("email", "")), why="password")
