"""DUEPROCESS_SMTP_URL, the one mail setting."""

from __future__ import annotations

import pytest

from dueprocess.lib.smtpurl import parse_smtp_url


def test_plain_smtp_on_loopback():
    server = parse_smtp_url("smtp://127.0.0.1:8025")
    assert server is not None
    assert (server.host, server.port, server.user, server.starttls, server.tls) == (
        "127.0.0.1",
        8025,
        "",
        False,
        False,
    )


def test_implicit_tls_with_a_percent_encoded_user_and_password():
    server = parse_smtp_url("smtps://complaints%40example.org:p%3Ass%2Fw@mail.example.org")
    assert server is not None
    assert (server.host, server.port, server.tls, server.starttls) == (
        "mail.example.org",
        465,
        True,
        False,
    )
    assert (server.user, server.password) == ("complaints@example.org", "p:ss/w")
    assert "p:ss/w" not in repr(server)


def test_starttls_defaults_to_the_submission_port():
    server = parse_smtp_url("smtp+starttls://u:p@mail.example.org")
    assert server is not None and (server.port, server.starttls) == (587, True)


def test_empty_means_no_server():
    assert parse_smtp_url("") is None and parse_smtp_url("  ") is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example.org", "must start with"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.org/x", "no path"),
        ("smtp://mail.example.org:99999", "bad port"),
    ],
)
def test_a_malformed_url_is_refused_with_what_is_wrong(url, problem):
    with pytest.raises(ValueError, match=problem):
        parse_smtp_url(url)


def test_the_settings_take_the_mail_server_from_the_url(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DUEPROCESS_DATA_DIR": str(tmp_path), "DUEPROCESS_SMTP_URL": "smtps://a:b@h.example"}
    code = (
        "from dueprocess import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL, s.EMAIL_HOST_USER)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [
        "dueprocess.lib.smtpmail.EmailBackend",  # Django's, verifying with DUEPROCESS_SMTP_CA_FILE
        "h.example",
        "465",
        "True",
        "a",
    ]
