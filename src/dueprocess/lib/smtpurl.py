"""``DUEPROCESS_SMTP_URL``: the one setting for the mail server, parsed into its parts.

``smtp://host:port`` (plain, e.g. a relay on loopback), ``smtp+starttls://user:pw@host:587``
(upgraded with STARTTLS) and ``smtps://user:pw@host:465`` (TLS from the first byte). User name
and password are percent-decoded, so a password may contain any character.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    user: str
    password: str = ""
    starttls: bool = False
    tls: bool = False

    def __repr__(self) -> str:  # never print the password
        return f"SmtpServer({self.host}:{self.port}, user={self.user!r}, tls={self.tls})"


def parse_smtp_url(url: str) -> SmtpServer | None:
    """The server ``url`` names, or None for an empty value; ValueError if malformed."""
    if not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in _SCHEMES:
        raise ValueError(
            f"DUEPROCESS_SMTP_URL must start with {', '.join(s + '://' for s in _SCHEMES)}"
        )
    if not parts.hostname:
        raise ValueError("DUEPROCESS_SMTP_URL names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("DUEPROCESS_SMTP_URL takes no path, query or fragment")
    port, starttls, tls = _SCHEMES[parts.scheme]
    try:
        port = parts.port or port
    except ValueError as error:
        raise ValueError(f"DUEPROCESS_SMTP_URL has a bad port: {error}") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=starttls,
        tls=tls,
    )
