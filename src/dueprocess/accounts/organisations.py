"""Which organisation a public page or an operator's command means.

An installation may hold several organisations (``dueprocess org add``). Pages nobody signs in
to (the complaint form, the transparency report) and the operator's commands cannot take the
organisation from a signed-in person: they are told it by its slug (``?organisation=`` or
``--org``), and may leave it out only while there is one organisation, so that adding a second
never silently sends a complaint, or a report, to the wrong one.
"""

from __future__ import annotations

from django.db.models import QuerySet

from dueprocess.accounts.models import Organisation


def all_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("rulebook").order_by("name")


def organisation_meant(slug: str = "") -> Organisation | None:
    """The organisation with this slug; with no slug, the only one there is; None if there is
    no such organisation, none at all, or several and no slug to choose between them."""
    organisations = all_organisations()
    if slug:
        return organisations.filter(slug=slug[:50]).first()
    only = list(organisations[:2])
    return only[0] if len(only) == 1 else None
