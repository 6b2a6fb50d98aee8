"""A complainant holding a receipt, and the respondent holding the access code from their
notice, each request every route with every demo case: the staff app sends them to sign in, the
API answers 401, their own pages show their own case (the allegations to the respondent only) —
and no answer carries any case reference or any other party's name."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from dueprocess.cases.models import Case, Party
from dueprocess.ledger.models import LedgerEntry
from dueprocess.letters.models import Letter
from tests.access.test_crawl import (
    DOCUMENTATION,
    PARTY_PAGES,
    REFERENCE,
    ROUTES,
    _urls,
    demo,
    patterns,
)
from tests.access.test_crawl_signed_out import PUBLIC

pytestmark = pytest.mark.slow
__all__ = ["demo"]

RESPONDENT = "Quentin Nobody-Else"  # a name no demo case carries


def _file(client: Client, organisation, unit) -> str:  # type: ignore[no-untyped-def]
    form = client.get("/report/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form)
    assert token and key
    response = client.post(
        "/report/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "idempotency_key": key.group(1),
            "organisation": organisation.slug,
            "unit": str(unit.pk),
            "category": next(iter(organisation.rulebook.rules.categories)),
            "what_happened": "A slur shouted at the branch meeting.",
            "respondent_name": RESPONDENT,
            "anonymous": "on",
        },
    )
    receipt = re.search(r"<strong>(\d{4} \d{4} \d{4} \d{4})</strong>", response.content.decode())
    assert response.status_code == 201 and receipt
    return receipt.group(1)


def _expected(name: str, url: str, method: str) -> set[int]:
    if name in PUBLIC:
        return {200}
    if name in PARTY_PAGES:
        return {
            "web:report": {200, 422},
            "web:receipt": {200, 422},
            "web:receipt-lost": {200, 422},  # an empty request names no address
            "web:receipt-renew": {404},  # a made-up link opens nothing
            "web:party-case": {200},
            "web:party-message": {302, 422},
            "web:party-file": {422},  # an empty post sends no file
            "web:party-leave": {302},
            "web:party-response": {422},  # empty; a complainant has no response form anyway
            "web:party-step": {422},  # empty: no request named (and none open to a complainant)
            "web:party-proof": {200},  # the party's own bundle, of their own case only
            "web:party-letter": {200, 404},  # a letter to them; any other is not found
            "web:party-evidence": {404},  # every demo item is another case's
        }[name]
    if url.startswith("/api/"):
        return {401}
    return {302, 403} if method == "POST" else {302}


def _respondent_code(demo, case: Case, on_commit) -> str:  # type: ignore[no-untyped-def]
    from django.core import mail

    from dueprocess.parties.services import respondent_notify

    with on_commit(execute=True):  # the notice is e-mailed once its transaction commits
        respondent_notify(actor=demo.users["morgan"], case=case, email="quentin@example.org")
    code = re.search(r"access code: (\d{4} \d{4} \d{4} \d{4})", mail.outbox[-1].body)
    assert code
    return code.group(1)


@pytest.mark.parametrize("persona", ["complainant", "respondent"])
def test_a_party_reaches_only_their_own_case(
    demo, persona, django_capture_on_commit_callbacks
) -> None:
    cache.clear()
    case = Case.objects.select_related("organisation", "unit").order_by("pk").first()
    assert case is not None
    organisation, unit = case.organisation, case.unit
    visitor = Client()
    receipt = _file(visitor, organisation, unit)
    own = Case.objects.get(source=Case.Source.PUBLIC)
    if persona == "respondent":
        receipt = _respondent_code(demo, own, django_capture_on_commit_callbacks)
    others = {p.display_name for p in Party.objects.exclude(case=own) if not p.anonymous}
    cases = list(Case.objects.select_related("rulebook").order_by("pk"))
    templates = {name: template for template, name in patterns() if name in ROUTES}
    failures: list[str] = []
    requests = 0
    client = Client()
    for name, route in ROUTES.items():
        for url, _case in _urls(templates[name], route, cases):
            for method in route.methods:
                # every request starts with the receipt typed (leaving ends the party session)
                assert client.post("/receipt/", {"receipt": receipt}).status_code == 302
                before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
                if method == "GET":
                    response = client.get(url)
                elif url.startswith("/api/"):
                    response = client.post(url, data="{}", content_type="application/json")
                else:
                    response = client.post(url, {})
                requests += 1
                body = response.content.decode("utf-8", "replace")
                if response.status_code not in _expected(name, url, method):
                    failures.append(f"{method} {url}: {response.status_code}")
                if response.status_code == 302:
                    to = response["Location"]
                    if not (to.startswith("/accounts/login/") or to.startswith("/receipt/")):
                        failures.append(f"{method} {url}: redirected to {to}")
                echoed = set(REFERENCE.findall(url))
                if name in ("web:party-proof", "web:party-letter"):  # name their own case
                    echoed.add(own.reference)
                if name not in DOCUMENTATION and set(REFERENCE.findall(body)) - echoed:
                    failures.append(f"{method} {url}: a case reference in the answer")
                if [n for n in others if n in body]:
                    failures.append(f"{method} {url}: another party's name in the answer")
                if name == "web:party-letter":  # only a letter to this very party opens
                    letter_id = int(url.rstrip("/").rsplit("/", 1)[1])
                    mine = Letter.objects.filter(pk=letter_id, case=own, party__role=persona)
                    if (response.status_code == 200) != mine.exists():
                        failures.append(f"{method} {url}: {response.status_code} for a letter")
                if name == "web:party-case":
                    viewed = LedgerEntry.objects.filter(seq__gt=before, action="party.case_viewed")
                    if not viewed.exists():
                        failures.append(f"{method} {url}: the party's view was not recorded")
                    shows = "What is alleged" in body
                    if shows != (persona == "respondent"):
                        failures.append(f"{method} {url}: allegations shown: {shows}")
    assert failures == [], failures[:20]
    assert requests > 300
    cache.clear()
