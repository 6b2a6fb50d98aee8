"""The one settings module, driven by the environment.

Defaults make ``dueprocess demo`` work on a fresh machine (SQLite in ``./var``).
``DUEPROCESS_PRODUCTION=1`` switches on the production hardening that
``manage.py check --deploy --fail-level WARNING`` verifies.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from dueprocess.lib.caches import cache_settings
from dueprocess.lib.datadir import data_dir, secret_key
from dueprocess.lib.smtpurl import parse_smtp_url


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise RuntimeError(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()
PRODUCTION = _flag("DUEPROCESS_PRODUCTION")
DEBUG = _flag("DUEPROCESS_DEBUG", default=False)
SECRET_KEY = secret_key()
# Sign-in rate limits and used second-factor codes: shared across processes when configured.
CACHES = cache_settings(os.environ.get("DUEPROCESS_CACHE", ""))
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DUEPROCESS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "dueprocess.rulebook",
    "dueprocess.accounts",
    "dueprocess.members",
    "dueprocess.ledger",
    "dueprocess.cases",
    "dueprocess.access",
    "dueprocess.parties",
    "dueprocess.oversight",
    "dueprocess.letters",
    "dueprocess.evidence",
    "dueprocess.api",
    "dueprocess.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dueprocess.web.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "dueprocess.web.sessions.SessionLifetimeMiddleware",
    "dueprocess.web.mfa.MFARequiredMiddleware",
    "dueprocess.web.middleware.NoStoreMiddleware",
    "dueprocess.web.middleware.VisibleDirectionControlsMiddleware",
]

ROOT_URLCONF = "dueprocess.urls"
WSGI_APPLICATION = "dueprocess.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dueprocess.web.context.navigation",
                "dueprocess.web.context.demo_build",
            ],
        },
    }
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if str(config["ENGINE"]).endswith("sqlite3"):
            config["OPTIONS"] = _sqlite_options()
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "dueprocess.sqlite3"),
        "OPTIONS": _sqlite_options(),
    }


def _sqlite_options() -> dict[str, object]:
    # WAL + synchronous=FULL: nothing acknowledged is lost; IMMEDIATE: no "database is locked"
    # on read-then-write transactions (measured in reference/security.md §5).
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=30000;"
        ),
    }


DATABASES = {"default": _database()}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if _flag("DUEPROCESS_FAST_HASHER"):
    # Only for the test suite: argon2 by design costs ~50 ms per hash.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in (django-allauth): e-mail + password, MFA enforced for case roles by our middleware.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "dueprocess.web.auth_adapter.StaffAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    # The public pages (dueprocess.parties): complaints filed, and receipts that match nothing.
    "public_report": "5/h/ip",
    "receipt_failed": "5/15m/ip,20/d/ip",
    # Asking for a new receipt by e-mail: per client address, and per e-mail address typed.
    "receipt_renewal": "5/h/ip,20/d/ip,3/d/key",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# Security keys and passkeys, as a second factor only (no passwordless sign-in). The relying
# party is the host name the browser asked for, already checked against ALLOWED_HOSTS, and
# fido2 accepts a key's answer only from https://<that host> or http://localhost. The demo
# therefore needs no insecure-origin switch (browsers refuse an IP address as relying party,
# so keys work at http://localhost:8000, not http://127.0.0.1:8000); it stays off everywhere
# and the deploy check dueprocess.W007 refuses a deployment that turns it on.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
MFA_ADAPTER = "dueprocess.web.mfa.StaffMFAAdapter"  # case roles cannot switch MFA off
MFA_TOTP_ISSUER = "dueprocess"
# One 30-second step of grace either side, so a code typed late in its step still counts; a used
# code stays refused for that whole window (dueprocess.web.mfa._mark_code_used).
MFA_TOTP_TOLERANCE = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("DUEPROCESS_SESSION_IDLE_SECONDS", "1800"))
# No session write on every read: SessionLifetimeMiddleware renews the idle timeout at most
# once a minute (web/sessions.py), so a page view costs no session write in between.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("DUEPROCESS_SESSION_ABSOLUTE_SECONDS", "43200"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = _flag("DUEPROCESS_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DUEPROCESS_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
#: Evidence files, sealed (AES-256-GCM under each case's key); see dueprocess.evidence.
EVIDENCE_DIR = DATA_DIR / "evidence"
EVIDENCE_UPLOAD_CAP = 64 * 1024 * 1024
#: Uploads are kept in memory only (never a clear temporary file on disk), up to a hard cap.
FILE_UPLOAD_HANDLERS = ["dueprocess.evidence.uploads.BoundedMemoryUpload"]
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Mail: letters to the parties and password-reset links, both through the one SMTP server named
# by DUEPROCESS_SMTP_URL (smtp://, smtp+starttls://, smtps://user:password@host:port). Without
# it, letters wait in the outbox and, outside production, reset links are printed to the
# terminal; in production the deploy check dueprocess.E001 (and ``dueprocess serve``) refuses a
# backend that would print or keep mail, since a reset link in a log is a password.
SMTP_URL = os.environ.get("DUEPROCESS_SMTP_URL", "")
SMTP_SERVER = parse_smtp_url(SMTP_URL)
#: A CA file (PEM) to verify the mail server's certificate against instead of the system's
#: trusted CAs, e.g. an internal relay's private CA. Verification is never switched off.
SMTP_CA_FILE = os.environ.get("DUEPROCESS_SMTP_CA_FILE", "")
EMAIL_BACKEND = os.environ.get(
    "DUEPROCESS_EMAIL_BACKEND",
    "dueprocess.lib.smtpmail.EmailBackend"
    if PRODUCTION or SMTP_SERVER
    else "django.core.mail.backends.console.EmailBackend",
)
if SMTP_SERVER is not None:
    EMAIL_HOST = SMTP_SERVER.host
    EMAIL_PORT = SMTP_SERVER.port
    EMAIL_HOST_USER = SMTP_SERVER.user
    EMAIL_HOST_PASSWORD = SMTP_SERVER.password
    EMAIL_USE_TLS = SMTP_SERVER.starttls
    EMAIL_USE_SSL = SMTP_SERVER.tls
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DUEPROCESS_FROM_EMAIL", "complaints@dueprocess.invalid")

# The ledger: the origin names this log in every checkpoint; witnesses are "name url vkey" lines.
LEDGER_ORIGIN = os.environ.get("DUEPROCESS_LEDGER_ORIGIN", "dueprocess.invalid/ledger/v1")
LEDGER_WITNESSES = os.environ.get("DUEPROCESS_LEDGER_WITNESSES", "")
LEDGER_WITNESS_QUORUM = int(os.environ.get("DUEPROCESS_LEDGER_WITNESS_QUORUM", "0"))
#: Seconds a proof export waits for the policy's witnesses to cosign its checkpoint.
LEDGER_WITNESS_WAIT = float(os.environ.get("DUEPROCESS_LEDGER_WITNESS_WAIT", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DUEPROCESS_LOG_LEVEL", "WARNING")},
}
