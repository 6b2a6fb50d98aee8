"""Deployment checks for what ``manage.py check --deploy`` does not look at.

Django checks HTTPS, HSTS and its cookie flags. It does not check that sessions end, that the
cookies carry the ``__Host-`` prefix (which stops a sibling sub-domain from planting them),
that passwords are hashed with Argon2, that two-factor sign-in is installed and enforced, that
security keys are bound to the site's own origin, or that the Content-Security-Policy actually
forbids inline script. A deployment that gets one of these wrong still "works", which is why
they are checks rather than hopes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning

#: Longest acceptable idle and absolute session lifetimes (ASVS 7.3.1 / 7.3.2).
MAX_IDLE_SECONDS = 60 * 60
MAX_ABSOLUTE_SECONDS = 12 * 60 * 60
#: Longest gap between renewals of a session in use (the idle timeout is exact to this much).
MAX_TOUCH_SECONDS = 5 * 60
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")
#: E-mail backends that print or keep messages instead of sending them: a password-reset link
#: they write to a log or a file is as good as the password to whoever reads it.
UNSENT_MAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@register(Tags.security, deploy=True)
def check_session_lifetime(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    middleware = "dueprocess.web.sessions.SessionLifetimeMiddleware"
    touch = int(getattr(settings, "SESSION_TOUCH_SECONDS", 0) or 0)
    renewed = settings.SESSION_SAVE_EVERY_REQUEST or (
        middleware in settings.MIDDLEWARE and 0 < touch <= MAX_TOUCH_SECONDS
    )
    if not renewed or settings.SESSION_COOKIE_AGE > MAX_IDLE_SECONDS:
        problems.append(
            CheckWarning(
                f"Sessions must time out after at most {MAX_IDLE_SECONDS} s of inactivity.",
                hint=f"Install {middleware} with SESSION_TOUCH_SECONDS of at most"
                f" {MAX_TOUCH_SECONDS} (or SESSION_SAVE_EVERY_REQUEST = True) and keep"
                f" SESSION_COOKIE_AGE at most {MAX_IDLE_SECONDS}"
                " (DUEPROCESS_SESSION_IDLE_SECONDS).",
                id="dueprocess.W001",
            )
        )
    absolute = getattr(settings, "SESSION_ABSOLUTE_SECONDS", None)
    if not absolute or absolute > MAX_ABSOLUTE_SECONDS or middleware not in settings.MIDDLEWARE:
        problems.append(
            CheckWarning(
                f"Sessions must end at most {MAX_ABSOLUTE_SECONDS} s after sign-in.",
                hint=f"Install {middleware} and keep SESSION_ABSOLUTE_SECONDS at most"
                f" {MAX_ABSOLUTE_SECONDS} (DUEPROCESS_SESSION_ABSOLUTE_SECONDS).",
                id="dueprocess.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_cookie_prefixes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    pairs = (
        ("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_DOMAIN"),
        ("CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_DOMAIN"),
    )
    problems: list[CheckMessage] = []
    for name_setting, secure_setting, domain_setting in pairs:
        name = getattr(settings, name_setting)
        host_bound = not getattr(settings, domain_setting, None)
        if not (name.startswith("__Host-") and getattr(settings, secure_setting) and host_bound):
            problems.append(
                CheckWarning(
                    f"{name_setting} ({name!r}) must carry the __Host- prefix.",
                    hint=f"Use a name starting with '__Host-', {secure_setting} = True and no"
                    f" {domain_setting} (DUEPROCESS_PRODUCTION=1 does this).",
                    id="dueprocess.W003",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def check_password_hasher(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    first = settings.PASSWORD_HASHERS[0] if settings.PASSWORD_HASHERS else ""
    if first.rsplit(".", 1)[-1] != "Argon2PasswordHasher":
        return [
            CheckWarning(
                f"Passwords must be hashed with Argon2 first, not {first or 'nothing'}.",
                hint="Put django.contrib.auth.hashers.Argon2PasswordHasher first in"
                " PASSWORD_HASHERS and unset DUEPROCESS_FAST_HASHER.",
                id="dueprocess.W004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_mfa(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    middleware = "dueprocess.web.mfa.MFARequiredMiddleware"
    installed = "allauth.mfa" in settings.INSTALLED_APPS
    totp = "totp" in getattr(settings, "MFA_SUPPORTED_TYPES", [])
    if installed and totp and middleware in settings.MIDDLEWARE:
        return []
    return [
        CheckWarning(
            "Two-factor sign-in must be installed and required for case roles.",
            hint=f"Install allauth.mfa with 'totp' in MFA_SUPPORTED_TYPES, and {middleware}.",
            id="dueprocess.W005",
        )
    ]


@register(Tags.security, deploy=True)
def check_webauthn_origin(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # allauth's switch does not relax the origin check, it removes it: the server would accept
    # a security key's answer given to any site, which is what keys exist to prevent.
    if not getattr(settings, "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False):
        return []
    return [
        CheckWarning(
            "Security keys must only be accepted from the site's own origin.",
            hint="Set MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False; serve the site over HTTPS"
            " with its host name in DUEPROCESS_ALLOWED_HOSTS.",
            id="dueprocess.W007",
        )
    ]


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES", {})
    script = directives.get("script-src") or directives.get("default-src") or []
    installed = "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    unsafe = [source for source in script if source in UNSAFE_SOURCES]
    if installed and script and not unsafe and directives.get("object-src") == ["'none'"]:
        return []
    return [
        CheckWarning(
            "The Content-Security-Policy must forbid inline and foreign script.",
            hint="Install csp.middleware.CSPMiddleware with script-src 'self' (no"
            f" {', '.join(unsafe) or 'unsafe sources'}) and object-src 'none'.",
            id="dueprocess.W006",
        )
    ]


@register(Tags.security, deploy=True)
def check_mail_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production must send mail, never print it: an error, so ``check --deploy`` fails."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    if settings.EMAIL_BACKEND not in UNSENT_MAIL_BACKENDS:
        return []
    return [
        CheckError(
            f"Production must not use {settings.EMAIL_BACKEND}: it writes password-reset links"
            " to the log or disk instead of sending them.",
            hint="Unset DUEPROCESS_EMAIL_BACKEND (production sends by SMTP) and set"
            " DUEPROCESS_SMTP_URL.",
            id="dueprocess.E001",
        )
    ]
