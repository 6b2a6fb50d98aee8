"""Delivery over smtps:// and smtp+starttls:// to a loopback aiosmtpd server whose certificate
is signed by a CA made for the test: trusted only through DUEPROCESS_SMTP_CA_FILE, refused
(and the letter kept in the outbox) without it."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from dueprocess.letters.models import Letter
from dueprocess.letters.sender import letters_send_due
from dueprocess.lib.smtpurl import parse_smtp_url
from tests.letters.smtp import Mailbox
from tests.scratch import free_port

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """A CA, and a certificate for 127.0.0.1 that it signed, as PEM files."""
    folder = tmp_path_factory.mktemp("pki")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test mail CA"))
        .issuer_name(_name("Test mail CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def _authenticate(server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"complaints@westfold.example.org",
        b"p:ss/w",
    )
    return AuthResult(success=ok)


@contextlib.contextmanager
def tls_server(pki: dict[str, Path], *, implicit: bool) -> Iterator[Mailbox]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki["cert"], pki["key"])
    mailbox = Mailbox()
    port = free_port()
    options = {"ssl_context": context} if implicit else {"tls_context": context}
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        require_starttls=not implicit,
        # over implicit TLS aiosmtpd does not see the session as encrypted, though it is
        auth_require_tls=not implicit,
        **options,
    )
    if implicit:  # the readiness check itself must speak TLS to the server
        controller.ready_timeout = 10
    controller.start()
    scheme = "smtps" if implicit else "smtp+starttls"
    mailbox.url = f"{scheme}://complaints%40westfold.example.org:p%3Ass%2Fw@127.0.0.1:{port}"
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.mark.parametrize("implicit", [True, False], ids=["smtps", "starttls"])
def test_a_letter_goes_over_tls_to_a_server_the_ca_file_vouches_for(world, settings, pki, implicit):
    case = world.case_at("triage")
    settings.SMTP_CA_FILE = str(pki["ca"])
    with tls_server(pki, implicit=implicit) as box:
        report = letters_send_due(server=parse_smtp_url(box.url))
    letter = Letter.objects.get(case=case)
    assert report.sent == [letter.pk], letter.last_error
    assert letter.status == Letter.Status.SENT
    assert box.message_ids() == [letter.message_id]


@pytest.mark.parametrize("implicit", [True, False], ids=["smtps", "starttls"])
def test_an_unknown_certificate_is_refused_and_the_letter_waits(world, settings, pki, implicit):
    case = world.case_at("triage")
    settings.SMTP_CA_FILE = ""  # the system's CAs, which never signed the test certificate
    with tls_server(pki, implicit=implicit) as box:
        report = letters_send_due(server=parse_smtp_url(box.url))
    letter = Letter.objects.get(case=case)
    assert report.sent == [] and report.retrying == [letter.pk]
    assert letter.status == Letter.Status.QUEUED and "certificate" in letter.last_error.lower()
    assert box.messages == []
