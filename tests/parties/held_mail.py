"""A mail backend that holds every message until the test lets it go: shows whether a page's
answer waits for its mail (Django's in-memory backend underneath, so ``mail.outbox`` fills
once released)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend

RELEASE = threading.Event()


class HeldBackend(EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        assert RELEASE.wait(timeout=30), "the test never released the mail"
        return super().send_messages(messages)


def hold() -> Any:
    RELEASE.clear()
    return RELEASE
