"""A new receipt by e-mailed link for a complainant who lost theirs: the same answer whether or
not the address is known, a one-time link whose token is never stored, a confirm page that a
mail scanner's fetch does not consume, the old receipt refused once the new one is shown, links
that expire and work once, a rate limit, and every step on the record with no e-mail address."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import party_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.lib import clock
from dueprocess.parties import receipts, renewal
from dueprocess.parties.models import PartyAccess, ReceiptRenewal
from tests.parties.helpers import RECEIPT, entries_since, file_report, last_seq
from tests.world import World

ADDRESS = "Nia.Named@Public.Example"
LINK = re.compile(r"(https?://[^\s]+/receipt/renew/([A-Za-z0-9_\-]+)/)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _named(world: World, **changes: object) -> tuple[Case, str]:
    """A complaint with a name, an e-mail address and consent to be contacted."""
    fields = {
        "anonymous": "",
        "name": "Nia Named",
        "email": ADDRESS,
        "consent_to_contact": "on",
    } | changes
    response, receipt = file_report(Client(), world, **fields)
    assert response.status_code == 201 and receipt
    key = str(changes.get("idempotency_key", "public-form-1"))
    return Case.objects.get(source=Case.Source.PUBLIC, idempotency_key=key), receipt


def _ask(client: Client, email: str, capture) -> object:  # type: ignore[no-untyped-def]
    with capture(execute=True):  # the link is e-mailed once the request's transaction commits
        answer = client.post("/receipt/lost/", {"email": email})
    assert renewal.mail_settled()  # ... from the mail thread, after the answer
    return answer


def _link(message_index: int = -1) -> tuple[str, str]:
    found = LINK.search(mail.outbox[message_index].body)
    assert found
    return found.group(1), found.group(2)


def _path(url: str) -> str:
    return urlsplit(url).path


def test_the_receipt_page_says_a_lost_receipt_cannot_be_recovered_and_links_the_renewal(world):
    html = Client().get("/receipt/").content.decode()
    assert "cannot be recovered from the database" in html
    assert 'href="/receipt/lost/"' in html
    page = Client().get("/receipt/lost/")
    assert page.status_code == 200 and 'name="email"' in page.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent_or_recorded(
    world, django_capture_on_commit_callbacks
):
    _named(world)
    start = last_seq()
    known = _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    seq_after_known = last_seq()
    unknown = _ask(Client(), "nobody@public.example", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # nothing sent for the unknown address
    assert known.status_code == unknown.status_code == 200
    assert CSRF.sub("", known.content.decode()) == CSRF.sub("", unknown.content.decode())
    assert "If a complaint was made with that e-mail address" in unknown.content.decode()
    assert last_seq() == seq_after_known  # an address that matches nothing leaves no entry
    assert len(entries_since(start, "receipt.renewal_requested")) == 1
    assert ReceiptRenewal.objects.count() == 1


def test_a_known_address_gets_one_link_and_only_its_digest_is_stored(
    world, django_capture_on_commit_callbacks
):
    case, _ = _named(world)
    access = PartyAccess.objects.get(case=case)
    start = last_seq()
    _ask(Client(), "  " + ADDRESS.upper() + " ", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [ADDRESS.lower()]
    url, token = _link()
    assert url.startswith("http://testserver/receipt/renew/")  # absolute
    assert len(token) >= 43  # token_urlsafe(32)
    [row] = ReceiptRenewal.objects.all()
    assert row.access == access and row.used_at is None
    assert row.token_sha256 == renewal.token_digest(token)
    assert row.expires_at - row.requested_at == dt.timedelta(hours=24)
    # the token itself is nowhere in the database
    for model in apps.get_models():
        for values in model._base_manager.values_list():
            assert token not in repr(values), model._meta.label
    [(entry, details)] = entries_since(start, "receipt.renewal_requested")
    assert entry.actor == party_pseudonym(access.pk)
    assert details["renewal"] == row.pk and details["by"] == "e-mail"
    assert ADDRESS.lower() not in repr(details).lower() and token not in repr(details)


def test_opening_the_link_changes_nothing_and_the_button_issues_a_new_receipt(
    world, django_capture_on_commit_callbacks
):
    case, old = _named(world)
    access = PartyAccess.objects.get(case=case)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    url, _ = _link()
    visitor = Client(enforce_csrf_checks=True)
    for _ in range(3):  # a mail scanner and the complainant both open it
        page = visitor.get(_path(url))
        assert page.status_code == 200 and "Show me my new receipt" in page.content.decode()
    assert ReceiptRenewal.objects.get().used_at is None
    assert PartyAccess.objects.get(pk=access.pk).receipt_digest == access.receipt_digest
    # a POST without the CSRF token is refused and changes nothing
    assert visitor.post(_path(url)).status_code == 403
    assert ReceiptRenewal.objects.get().used_at is None
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert csrf
    start = last_seq()
    shown = visitor.post(_path(url), {"csrfmiddlewaretoken": csrf.group(1)})
    html = shown.content.decode()
    assert shown.status_code == 200 and "Your new receipt" in html
    assert "shown only once" in html
    found = RECEIPT.search(html)
    assert found and found.group(1) != old
    new = found.group(1)
    refreshed = PartyAccess.objects.get(pk=access.pk)
    assert refreshed.receipt_digest == receipts.digest(new.replace(" ", ""))
    assert ReceiptRenewal.objects.get().used_at is not None
    [(entry, details)] = entries_since(start, "receipt.renewed")
    assert entry.actor == party_pseudonym(access.pk)  # the same pseudonym as before
    assert details["renewal"] == ReceiptRenewal.objects.get().pk
    assert new.replace(" ", "") not in repr(details) and ADDRESS.lower() not in repr(details)
    # the old receipt is refused, the new one opens the case
    assert Client().post("/receipt/", {"receipt": old}).status_code == 404
    back = Client()
    assert back.post("/receipt/", {"receipt": new})["Location"] == "/receipt/case/"
    assert back.get("/receipt/case/").status_code == 200
    assert verify_state().ok


def test_a_link_works_once_and_a_second_use_changes_nothing(
    world, django_capture_on_commit_callbacks
):
    case, _ = _named(world)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    url, _ = _link()
    visitor = Client()
    assert RECEIPT.search(visitor.post(_path(url)).content.decode())
    digest = PartyAccess.objects.get(case=case).receipt_digest
    start = last_seq()
    again = visitor.post(_path(url))
    assert again.status_code == 404 and not RECEIPT.search(again.content.decode())
    assert "already used" in again.content.decode()
    assert visitor.get(_path(url)).status_code == 404
    assert PartyAccess.objects.get(case=case).receipt_digest == digest
    failures = entries_since(start, "receipt.renewal_failed")
    assert [d["why"] for _, d in failures] == ["used", "used"]
    assert not entries_since(start, "receipt.renewed")


def test_using_one_link_spends_the_others_for_the_same_complaint(
    world, django_capture_on_commit_callbacks
):
    _named(world)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    first, _ = _link(0)
    second, _ = _link(1)
    assert first != second
    assert RECEIPT.search(Client().post(_path(second)).content.decode())
    late = Client().post(_path(first))
    assert late.status_code == 404 and "already used" in late.content.decode()
    assert ReceiptRenewal.objects.filter(used_at__isnull=True).count() == 0


def test_an_expired_link_changes_nothing_and_says_so(world, django_capture_on_commit_callbacks):
    _, old = _named(world)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    url, _ = _link()
    start = last_seq()
    with clock.frozen(clock.now() + renewal.LIFETIME + dt.timedelta(seconds=1)):
        page = Client().get(_path(url))
        answer = Client().post(_path(url))
    assert page.status_code == answer.status_code == 404
    assert "expired" in answer.content.decode() and not RECEIPT.search(answer.content.decode())
    assert ReceiptRenewal.objects.get().used_at is None
    assert Client().post("/receipt/", {"receipt": old}).status_code == 302  # still the old one
    assert [d["why"] for _, d in entries_since(start, "receipt.renewal_failed")] == [
        "expired",
        "expired",
    ]


def test_an_unknown_link_is_refused_recorded_and_escaped(world):
    start = last_seq()
    answer = Client().post("/receipt/renew/not-a-token/")
    assert answer.status_code == 404 and "not valid" in answer.content.decode()
    page = Client().get("/receipt/renew/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/")
    assert page.status_code == 404 and "not valid" in page.content.decode()
    assert "<img src=x" not in page.content.decode()
    failures = entries_since(start, "receipt.renewal_failed")
    assert [d["why"] for _, d in failures] == ["unknown", "unknown"]
    assert all(entry.actor == "system" and entry.case == "-" for entry, _ in failures)


def test_an_anonymous_complainant_or_one_without_consent_gets_no_link(
    world, django_capture_on_commit_callbacks
):
    _named(world, anonymous="on", name="", idempotency_key="anon")
    _named(world, consent_to_contact="", idempotency_key="no-consent")
    answer = _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    assert answer.status_code == 200 and "If a complaint was made" in answer.content.decode()
    assert mail.outbox == [] and ReceiptRenewal.objects.count() == 0


def test_a_withdrawn_way_in_cannot_be_renewed_by_an_earlier_link(
    world, django_capture_on_commit_callbacks
):
    case, _ = _named(world)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    url, _ = _link()
    access = PartyAccess.objects.get(case=case)
    PartyAccess.objects.filter(pk=access.pk).update(revoked_at=clock.now())
    answer = Client().post(_path(url))
    assert answer.status_code == 404 and not RECEIPT.search(answer.content.decode())
    assert ReceiptRenewal.objects.get().used_at is None


def test_a_bad_address_is_a_field_error_with_the_value_kept(world):
    answer = Client().post("/receipt/lost/", {"email": "not an <address>"})
    html = answer.content.decode()
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in html
    assert 'value="not an &lt;address&gt;"' in html  # kept, escaped
    assert ReceiptRenewal.objects.count() == 0


def test_the_service_refuses_a_bad_address_with_a_clear_error(world):
    with pytest.raises(InvalidInput) as refused:
        renewal.renewal_request(email="nope", link_for=lambda token: token)
    assert "email" in refused.value.fields


def test_a_post_without_the_csrf_token_is_refused(world):
    answer = Client(enforce_csrf_checks=True).post("/receipt/lost/", {"email": ADDRESS})
    assert answer.status_code == 403


@override_settings(ACCOUNT_RATE_LIMITS={"receipt_renewal": "2/h/ip,5/d/key"})
def test_past_the_limit_a_request_is_refused_politely_and_recorded(
    world, django_capture_on_commit_callbacks
):
    _named(world)
    client = Client()
    for _ in range(2):
        assert _ask(client, ADDRESS, django_capture_on_commit_callbacks).status_code == 200
    start = last_seq()
    refused = _ask(client, ADDRESS, django_capture_on_commit_callbacks)
    html = refused.content.decode()
    assert refused.status_code == 429 and "try again later" in html
    assert f'value="{ADDRESS}"' in html  # what was typed is kept
    assert len(mail.outbox) == 2
    [(_entry, details)] = entries_since(start, "receipt.renewal_refused")
    assert details == {"why": "rate limited", "address": "127.0.0.1"}
    assert ADDRESS.lower() not in repr(details).lower()
    # the same for an address that matches nothing: the limit tells nothing either
    other = _ask(client, "nobody@public.example", django_capture_on_commit_callbacks)
    assert other.status_code == 429
    # another connection is not limited by this one
    assert _ask(Client(REMOTE_ADDR="192.0.2.7"), ADDRESS, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


@override_settings(ACCOUNT_RATE_LIMITS={"receipt_renewal": "50/h/ip,2/d/key"})
def test_one_address_cannot_be_flooded_from_many_connections(
    world, django_capture_on_commit_callbacks
):
    _named(world)
    answers = [
        _ask(Client(REMOTE_ADDR=f"192.0.2.{n}"), ADDRESS, django_capture_on_commit_callbacks)
        for n in range(1, 5)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429, 429]
    assert len(mail.outbox) == 2


def test_the_ledger_entries_never_carry_the_address(world, django_capture_on_commit_callbacks):
    _named(world)
    _ask(Client(), ADDRESS, django_capture_on_commit_callbacks)
    url, _ = _link()
    Client().post(_path(url))
    Client().post(_path(url))
    actions = set(LedgerEntry.objects.values_list("action", flat=True))
    assert {"receipt.renewal_requested", "receipt.renewed", "receipt.renewal_failed"} <= actions
    for action in ("receipt.renewal_requested", "receipt.renewed", "receipt.renewal_failed"):
        for entry, details in entries_since(0, action):
            assert ADDRESS.lower() not in (repr(entry) + repr(details)).lower()
    for raw in LedgerEntry.objects.values_list("entry", flat=True):
        assert ADDRESS.lower() not in bytes(raw).decode("ascii").lower()


def test_the_answer_does_not_wait_for_the_mail(world, django_capture_on_commit_callbacks):
    """A known address is not told apart by a slow answer: the mail goes after the page."""
    from tests.parties.held_mail import hold

    _named(world)
    release = hold()
    with override_settings(EMAIL_BACKEND="tests.parties.held_mail.HeldBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            answer = Client().post("/receipt/lost/", {"email": ADDRESS})
        assert answer.status_code == 200 and mail.outbox == []  # answered, mail still held
        assert not renewal.mail_settled(timeout=0.2)
        release.set()
        assert renewal.mail_settled()
    assert len(mail.outbox) == 1 and LINK.search(mail.outbox[0].body)


def test_a_request_is_answered_no_sooner_than_the_floor_known_address_or_not(world):
    import time

    _named(world)
    for address in (ADDRESS, "nobody@public.example"):
        started = time.monotonic()
        renewal.renewal_request(email=address, link_for=str)
        assert time.monotonic() - started >= renewal.ANSWER_FLOOR_SECONDS
    assert renewal.mail_settled()
