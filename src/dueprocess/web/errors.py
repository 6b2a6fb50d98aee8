"""Turn domain errors into pages with the right status — never a 500."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dueprocess.errors import DomainError

View = Callable[..., HttpResponse]


def domain_errors(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "web/error.html", {"error": error}, status=error.status)

    return wrapper
