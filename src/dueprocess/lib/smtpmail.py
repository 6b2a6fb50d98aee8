"""Django's SMTP backend with one addition: the server's certificate may be checked against a
CA file of the operator's own (``DUEPROCESS_SMTP_CA_FILE``), e.g. an internal relay's private
CA. Verification stays on either way: without the setting, the system's trusted CAs are used;
with it, that file's CAs only. The host name is always checked against the certificate."""

from __future__ import annotations

import ssl

from django.conf import settings
from django.core.mail.backends import smtp
from django.utils.functional import cached_property


def tls_context() -> ssl.SSLContext:
    """The TLS client context for the mail server: verifying, with the configured CA file."""
    ca_file = getattr(settings, "SMTP_CA_FILE", "") or None
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class EmailBackend(smtp.EmailBackend):
    @cached_property
    def ssl_context(self) -> ssl.SSLContext:  # type: ignore[override]
        context = tls_context()
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context
