"""Two organisations on one installation: the staff of each request every route against the
other's cases, letters, advice requests, sign-offs, emergency grants, declarations of interest
and staff, and get only refusals — and no answer carries a reference, a party name or a staff
name of the other organisation.

The first organisation is the demo's (built small); the second is made the way
``dueprocess org add`` makes one (``organisation_establish``), its staff added, granted roles
and trained by its own administrator through the staff services. The crawl reuses the route
table and the URL filling of ``test_crawl``; ``test_the_crawl_covers_every_route`` there keeps
the table complete.

References are numbered per organisation (``C-<year>-<n>`` with each organisation's own
counter), so the second organisation's first case this year is textually the same reference as
the demo's. A reference in an answer could then not say whose case it is. The second
organisation's crawled cases are therefore received in a year the demo has no case in, so that
each of their references belongs to exactly one organisation and a leak in either direction is
visible as text; the collision itself is checked separately at the end: the same reference
opens each organisation's own case to its own staff, told apart in the API by the ids of its
parties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.html import escape

from dueprocess.access.models import EmergencyAccess
from dueprocess.accounts.models import InterestDeclaration, Organisation, User
from dueprocess.accounts.services import (
    authenticator_enrol,
    interest_declare,
    organisation_establish,
    role_grant,
    staff_create,
    training_record,
)
from dueprocess.api.tokens import SCOPES, api_token_create
from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest, Case, Party, SignOff
from dueprocess.demo.build import Builder
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.rulebook.models import RulebookVersion
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled
from tests.access.test_crawl import (
    DOCUMENTATION,
    PARTY_PAGES,
    REFERENCE,
    ROUTES,
    Route,
    _request,
    _urls,
    patterns,
)
from tests.world import perform

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    """The demo organisation, small: refusals do not grow with the number of cases."""
    version = rulebook_install(path=bundled("party"))
    return Builder(version, cases=3, seed=7, now=clock.now()).build()


PASSWORD = "eastmere staff password 1"

#: The second organisation's staff: key -> (name, role, granted in its complaints unit).
EASTMERE = {
    "intake": ("Odalys Ferncastle", "intake_officer", True),
    "head": ("Barnaby Quillfeather", "case_manager", True),
    "investigator": ("Sigrun Hollowmere", "investigator", False),
    "oversight": ("Casimir Ashgrove", "oversight", False),
}
#: Its crawlers: its administrator (made by ``organisation_establish``) and the staff above.
EASTMERE_CRAWLERS = ("admin", "head", "investigator", "intake", "oversight")
#: The demo's personas that crawl the second organisation: intake, the head of complaints,
#: oversight, the independent reviewer and the administrator — between them every page that
#: lists cases, figures, declarations or staff (the second organisation's investigator stands
#: for the roles that reach only their own assignments; test_crawl crawls every demo persona
#: against the demo's own cases).
NORTHMOOR_CRAWLERS = ("priya", "morgan", "gwen", "ines", "ada")

COMPLAINANT, RESPONDENT = "Wilhelmina Thistledown", "Peregrine Oakhurst"


@dataclass
class Side:
    """What one organisation holds that the other's staff must never see."""

    organisation: Organisation
    cases: list[Case]  # the cases crawled by the other organisation
    references: set[str]
    names: set[str]  # its parties' and its staff's names

    @classmethod
    def of(cls, organisation: Organisation, cases: list[Case]) -> Side:
        parties = Party.objects.filter(case__organisation=organisation, anonymous=False)
        staff = User.objects.filter(organisation=organisation)
        return cls(
            organisation=organisation,
            cases=cases,
            references=set(
                Case.objects.filter(organisation=organisation).values_list("reference", flat=True)
            ),
            names={p.display_name for p in parties} | {u.full_name for u in staff},
        )


def _eastmere(
    version: RulebookVersion, year: int
) -> tuple[Organisation, dict[str, User], list[Case]]:
    """The second organisation, made as ``org add`` makes it, with its staff added, granted
    roles and trained by its own administrator, and one case received in ``year``."""
    organisation, admin = organisation_establish(
        slug="eastmere",
        name="Eastmere Co-operative League",
        rulebook=version,
        admin_email="admin@eastmere.example",
        admin_name="Philippa Greywillow",
        admin_password=PASSWORD,
    )
    unit = organisation.units.get(slug="complaints")
    start = clock.today() - dt.timedelta(days=400)
    users = {"admin": admin}
    authenticator_enrol(actor=None, user=admin)  # an API token needs a second factor
    for key, (name, role, in_unit) in EASTMERE.items():
        user = staff_create(
            actor=admin,
            organisation=organisation,
            email=f"{key}@eastmere.example",
            full_name=name,
            password=PASSWORD,
        )
        granted_in = unit if in_unit else None
        role_grant(actor=admin, user=user, role=role, unit=granted_in, starts_on=start)
        training_record(actor=admin, user=user, course="Complaints handling", completed_on=start)
        authenticator_enrol(actor=None, user=user)
        users[key] = user
    received = dt.datetime(year, 6, 1, 10, tzinfo=dt.UTC)
    case = svc.case_open(
        actor=users["intake"],
        unit=unit,
        category=next(iter(organisation.rulebook.rules.categories)),
        summary="A leaflet misquoting a branch officer.",
        complainant=svc.PartyInput(name=COMPLAINANT, email="wil@public.example"),
        respondent=svc.PartyInput(name=RESPONDENT),
        allegations=[svc.AllegationInput(summary="Handed out the leaflet on 2 May.")],
        received_at=received,
    )
    perform(users["intake"], case, "acknowledge")  # the acknowledgement letter
    case = Case.objects.get(pk=case.pk)
    svc.case_assign(
        actor=users["head"], case=case, assignee=users["investigator"], role="investigator"
    )
    svc.note_add(actor=users["investigator"], case=case, body="Asked the branch for the leaflet.")
    interest_declare(
        actor=users["investigator"],
        user=users["investigator"],
        kind=InterestDeclaration.Kind.RELATIONSHIP,
        description="My cousin chairs the Eastmere branch.",
    )
    return organisation, users, [Case.objects.get(pk=case.pk)]


def _foreign_urls(template: str, route: Route, other: Side) -> Iterator[tuple[str, bool]]:
    """Each URL of ``route`` filled with the other organisation's objects (True: it names
    something of theirs, so it must be refused), or with none (False: a plain page, a figure,
    a register, a made-up token — answered as the crawler's own organisation)."""
    foreign = other.organisation
    if route.kind == "person":
        person = User.objects.filter(organisation=foreign, roles__isnull=False).order_by("pk")[0]
        role = person.roles.order_by("pk")[0]
        yield fill_person(template, person.pk, role.pk), True
    elif route.kind == "declaration":
        for declaration in InterestDeclaration.objects.filter(user__organisation=foreign):
            yield "/" + template.replace("<int:declaration_id>", str(declaration.pk)), True
    elif route.kind == "party-letter":
        for letter in Letter.objects.filter(case__in=other.cases).order_by("pk"):
            yield "/" + template.replace("<int:letter_id>", str(letter.pk)), True
    elif route.kind in ("case", "evidence"):
        for url, _case in _urls(template, route, other.cases):
            yield url, True
    elif route.kind == "letter":  # the letters of the crawled cases
        crawled = {case.pk for case in other.cases}
        for url, case in _urls(template, route, other.cases):
            if case is not None and case.pk in crawled:
                yield url, True
    elif route.kind in ("advice", "signoff", "grant"):  # all of the other organisation's
        for url, case in _urls(template, route, other.cases):
            if case is not None and case.organisation_id == foreign.pk:
                yield url, True
    else:
        for url, _case in _urls(template, route, other.cases):
            yield url, False


def fill_person(template: str, user_id: int, role_id: int) -> str:
    return "/" + template.replace("<int:user_id>", str(user_id)).replace(
        "<int:role_id>", str(role_id)
    )


def _refusals(name: str, method: str) -> set[int]:
    """What a request naming another organisation's object may get: not found or forbidden,
    or a malformed body refused before anything is looked up; the parties' own pages send staff
    (who hold no receipt) to type one in."""
    refused = {403, 404} if method == "GET" else {400, 403, 404, 422}
    return refused | ({302} if name in PARTY_PAGES else set())


def _crawl(
    crawler: str, user: User, other: Side, templates: dict[str, str]
) -> tuple[list[str], int]:
    client = Client()
    client.force_login(user)
    token = api_token_create(actor=user, name="crawl", scopes=list(SCOPES)).secret
    failures: list[str] = []
    requests = 0
    for name, route in ROUTES.items():
        for url, names_foreign in _foreign_urls(templates[name], route, other):
            for method in route.methods:
                response = _request(client, method, url, token)
                requests += 1
                status = response.status_code
                # a redirect's address is part of the answer (a reference in its path)
                body = response.content.decode("utf-8", "replace")
                body += response.get("Location", "")
                where = f"{crawler} {method} {url}"
                if status >= 500:
                    failures.append(f"{where}: {status}")
                if names_foreign and status not in _refusals(name, method):
                    failures.append(f"{where}: {status} for the other organisation's object")
                if name in DOCUMENTATION:  # example references, the same for everyone
                    continue
                echoed = set(REFERENCE.findall(url))  # the caller typed it
                leaked = (set(REFERENCE.findall(body)) & other.references) - echoed
                if leaked:
                    failures.append(f"{where}: the other organisation's {sorted(leaked)[:3]}")
                seen = [n for n in other.names if n in body]
                if seen:
                    failures.append(f"{where}: the other organisation's names {seen[:3]}")
    return failures, requests


def _richest_demo_case() -> list[Case]:
    """The demo case with the most parts (letters, evidence, measures, assignments, hearings),
    so that every id a case route takes is a real one. Every case of another organisation is
    refused at the same gate, so one shows it; the demo's advice requests, sign-offs and grants
    are all crawled through their own routes, whichever case they belong to."""
    from django.db.models import Count

    richest = Case.objects.annotate(
        parts=Count("letters", distinct=True)
        + Count("evidence", distinct=True)
        + Count("interim_measures", distinct=True)
        + Count("assignments", distinct=True)
        + Count("hearings", distinct=True)
    ).order_by("-parts", "pk")
    return list(richest.select_related("rulebook")[:1])


def test_each_organisation_is_refused_everything_of_the_other(demo) -> None:
    northmoor = demo.organisation
    years = {int(ref.split("-")[1]) for ref in northmoor.cases.values_list("reference", flat=True)}
    organisation, eastmere_staff, eastmere_cases = _eastmere(northmoor.rulebook, min(years) - 2)
    # the second organisation's crawled reference is its own alone (see the module docstring)
    assert not {c.reference for c in eastmere_cases} & set(
        northmoor.cases.values_list("reference", flat=True)
    )
    assert EmergencyAccess.objects.exists() and AdviceRequest.objects.exists()
    assert SignOff.objects.exists()
    assert InterestDeclaration.objects.filter(user__organisation=organisation).exists()
    assert Letter.objects.filter(case__organisation=organisation).exists()
    demo_side = Side.of(northmoor, _richest_demo_case())
    eastmere_side = Side.of(organisation, eastmere_cases)
    templates = {name: template for template, name in patterns() if name in ROUTES}

    failures: list[str] = []
    requests = 0
    for key in EASTMERE_CRAWLERS:
        found, made = _crawl(f"eastmere:{key}", eastmere_staff[key], demo_side, templates)
        failures += found
        requests += made
    for key in NORTHMOOR_CRAWLERS:
        found, made = _crawl(f"northmoor:{key}", demo.users[key], eastmere_side, templates)
        failures += found
        requests += made
    assert failures == [], "\n".join(failures)
    assert requests > 1000

    # Now the collision: a case received this year in each organisation has the same
    # reference text. Each organisation's staff open their own under it, never the other's.
    theirs = svc.case_open(
        actor=eastmere_staff["intake"],
        unit=organisation.units.get(slug="complaints"),
        category=next(iter(organisation.rulebook.rules.categories)),
        summary="A second leaflet.",
        complainant=svc.PartyInput(name="Ottoline Brackenbury"),
        respondent=svc.PartyInput(name="Ignatius Marchbanks"),
    )
    same = northmoor.cases.filter(reference=theirs.reference).first()
    assert same is not None, "the references should collide"
    northmoor_names = {p.display_name for p in same.parties.all() if not p.anonymous}
    for user, case, others in (
        (eastmere_staff["head"], theirs, northmoor_names),
        (demo.users["morgan"], same, {"Ottoline Brackenbury", "Ignatius Marchbanks"}),
    ):
        client = Client()
        client.force_login(user)
        page = client.get(f"/cases/{case.reference}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert escape(case.summary) in body and not [n for n in others if n in body]
        token = api_token_create(actor=user, name="collision", scopes=list(SCOPES)).secret
        api = client.get(f"/api/v1/cases/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api.status_code == 200 and api.json()["summary"] == case.summary
        assert {p["id"] for p in api.json()["parties"]} == set(
            case.parties.values_list("pk", flat=True)
        )
