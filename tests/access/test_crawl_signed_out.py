"""A signed-out visitor requests every route with every demo case: the web app sends them to
sign in, the API answers 401, only the public ledger, the published transparency report and
the documentation answer 200 — and no
answer carries a case reference or a party name, or differs between a real and a made-up one."""

from __future__ import annotations

import pytest
from django.test import Client

from dueprocess.cases.models import Case, Party
from tests.access.test_crawl import (
    DOCUMENTATION,
    PARTY_PAGES,
    REFERENCE,
    ROUTES,
    _urls,
    demo,
    patterns,
)

pytestmark = pytest.mark.slow
__all__ = ["demo"]

#: Answer anyone: the public ledger, the documentation, and the published transparency report
#: (aggregates with small numbers suppressed; its exact figures need a token)
PUBLIC = {
    "ledger:checkpoint",
    "ledger:vkey",
    "api-v1:get_checkpoint",
    "transparency",
    "transparency-published",
    "api-v1:get_transparency",
    *DOCUMENTATION,
}


def _request(client: Client, method: str, url: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.post(url, data="{}", content_type="application/json")
    return client.post(url, {})


def _expected(name: str, url: str, method: str) -> set[int]:
    if name in PUBLIC:
        return {200}
    if name in PARTY_PAGES:
        return PARTY_PAGES[name][method]
    if url.startswith("/api/"):
        return {401}
    # web pages redirect to sign-in; a POST without a CSRF token is refused before that
    return {302} if method == "GET" else {302, 403}


def test_a_signed_out_visitor_gets_sign_in_or_401_and_nothing_of_any_case(demo) -> None:
    cases = list(Case.objects.select_related("rulebook").order_by("pk"))
    names = {p.display_name for p in Party.objects.all() if not p.anonymous}
    templates = {name: template for template, name in patterns() if name in ROUTES}
    client = Client(enforce_csrf_checks=True)
    failures: list[str] = []
    requests = 0
    for name, route in ROUTES.items():
        for url, _case in _urls(templates[name], route, cases):
            for method in route.methods:
                response = _request(client, method, url)
                requests += 1
                body = response.content.decode("utf-8", "replace")
                if response.status_code not in _expected(name, url, method):
                    failures.append(f"{method} {url}: {response.status_code}")
                to = "/receipt/" if name in PARTY_PAGES else "/accounts/login/"
                if response.status_code == 302 and not response["Location"].startswith(to):
                    failures.append(f"{method} {url}: redirected to {response['Location']}")
                echoed = set(REFERENCE.findall(url))
                if name not in DOCUMENTATION and set(REFERENCE.findall(body)) - echoed:
                    failures.append(f"{method} {url}: a case reference in the answer")
                if [n for n in names if n in body]:
                    failures.append(f"{method} {url}: a party name in the answer")
    assert failures == [], failures[:20]
    assert requests > 300


def test_a_real_and_a_made_up_reference_answer_a_signed_out_visitor_alike(demo) -> None:
    real = Case.objects.order_by("pk").first().reference
    fake = real[:-5] + "99999"
    client = Client()
    for path in ("/cases/{}/", "/api/v1/cases/{}"):
        a, b = client.get(path.format(real)), client.get(path.format(fake))
        assert a.status_code == b.status_code
        body_a = a.content.decode().replace(real, "REF")
        body_b = b.content.decode().replace(fake, "REF")
        assert body_a == body_b
        if a.status_code == 302:
            assert a["Location"].replace(real, "REF") == b["Location"].replace(fake, "REF")
