"""The public transparency report at ``/transparency/``: no sign-in, published figures only.

Only the suppressed figures are shown (``transparency.publish``), so the page reveals no
more than the published report does; it is public data and its reads are not recorded (like
the public ledger checkpoint). The exact counts are for oversight, through the API.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dueprocess.errors import InvalidInput
from dueprocess.oversight import publication
from dueprocess.oversight import report_formats as formats
from dueprocess.oversight import transparency as tr

_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    organisation = tr.public_organisation()
    if organisation is None:
        raise Http404("No organisation has been set up yet.")
    quarters = [q for q in tr.quarters_with_data(organisation) if q.end <= tr.clock.now()]
    wanted = request.GET.get("quarter", "")[:10]
    try:
        quarter = tr.Quarter.parse(wanted) if wanted else tr.latest_complete(organisation)
    except ValueError:
        raise Http404("There is no such quarter.") from None
    if quarter not in quarters and quarter != tr.latest_complete(organisation):
        raise Http404("There is no report for that quarter.")
    published = tr.publish(tr.build(organisation, quarter))
    fmt = request.GET.get("format", "")
    if fmt in formats.FORMATS and fmt != "html":
        response = HttpResponse(formats.render(published, fmt), content_type=_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="transparency-{quarter}.{fmt}"'
        return response
    context = formats.html_context(published) | {
        "quarters": quarters[:8],
        "formats": formats.FORMATS[1:],
        "publications": publication.publications(organisation, quarter),
    }
    return render(request, "oversight/transparency.html", context)


@require_GET
def published(request: HttpRequest, quarter: str, version: int) -> HttpResponse:
    """A published version's file, byte for byte as it was fixed."""
    organisation = tr.public_organisation()
    try:
        chosen = tr.Quarter.parse(quarter)
        if organisation is None:
            raise InvalidInput("No organisation has been set up yet.")
        body = publication.published_body(organisation, chosen, version)
    except (ValueError, InvalidInput):
        raise Http404("There is no such published report.") from None
    response = HttpResponse(body, content_type=_TYPES["json"])
    response["Content-Disposition"] = (
        f'attachment; filename="transparency-{chosen}-v{version}.json"'
    )
    return response
