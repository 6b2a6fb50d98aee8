from __future__ import annotations

from collections.abc import Iterator

import pytest

from dueprocess.lib.smtpurl import parse_smtp_url
from tests.letters.smtp import Mailbox, smtp_server


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:  # type: ignore[no-untyped-def]
    with smtp_server() as box:
        settings.SMTP_SERVER = parse_smtp_url(box.url)
        settings.DEFAULT_FROM_EMAIL = "complaints@westfold.example.org"
        yield box
