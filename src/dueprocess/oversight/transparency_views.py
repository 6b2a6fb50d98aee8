"""The public transparency report at ``/transparency/``: no sign-in, published figures only.

With several organisations on the installation, the page asks which (``?organisation=``, as
the complaint form does). Only the suppressed figures are shown (``transparency.publish``), so
the page reveals no more than the published report does; it is public data and its reads are
not recorded (like the public ledger checkpoint). The exact counts are for oversight, through
the API.

``publish`` is the staff page that fixes a quarter's report, the same service as the command
(``dueprocess report --publish``): who may, a correction's reason, an unchanged report refused.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dueprocess.accounts.models import User
from dueprocess.accounts.organisations import all_organisations, organisation_meant
from dueprocess.errors import InvalidInput
from dueprocess.oversight import publication
from dueprocess.oversight import report_formats as formats
from dueprocess.oversight import transparency as tr
from dueprocess.oversight.forms import PublishForm
from dueprocess.web.errors import domain_errors

_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("organisation", "")
    organisation = organisation_meant(slug)
    if organisation is None:
        if slug or not all_organisations().exists():
            raise Http404("There is no such organisation here.")
        return render(
            request, "oversight/transparency_choose.html", {"organisations": all_organisations()}
        )
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
        "organisation": organisation,
    }
    return render(request, "oversight/transparency.html", context)


@require_GET
def published(request: HttpRequest, quarter: str, version: int) -> HttpResponse:
    """A published version's file, byte for byte as it was fixed."""
    organisation = organisation_meant(request.GET.get("organisation", ""))
    try:
        chosen = tr.Quarter.parse(quarter)
        if organisation is None:
            raise InvalidInput("No such organisation, or several and none named.")
        body = publication.published_body(organisation, chosen, version)
    except (ValueError, InvalidInput):
        raise Http404("There is no such published report.") from None
    response = HttpResponse(body, content_type=_TYPES["json"])
    response["Content-Disposition"] = (
        f'attachment; filename="transparency-{chosen}-v{version}.json"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def publish(request: HttpRequest) -> HttpResponse:
    """The quarters that have ended, their published versions, and (for those the rulebook lets
    publish) the form that fixes one as its next version."""
    user = cast(User, request.user)
    organisation = user.organisation
    if organisation is None:
        raise Http404("No organisation.")
    quarters = publication.publishable_quarters(organisation)[:8]
    form = PublishForm(
        request.POST if request.method == "POST" else None, quarters=[str(q) for q in quarters]
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            quarter = tr.Quarter.parse(form.cleaned_data["quarter"])
            try:
                version = publication.publish_report(
                    actor=user, quarter=quarter, correction=form.cleaned_data["correction"]
                )
            except InvalidInput as error:
                form.add_error(None, error.message)
                for field, message in error.fields.items():
                    if field in form.fields:
                        form.add_error(field, message)
            else:
                messages.success(request, f"Version {version} of the {quarter} report published.")
                return redirect("oversight:transparency-publish")
    context = {
        "form": form,
        "may_publish": publication.may_publish(user),
        "publishers": organisation.rulebook.rules.report_publishers,
        "quarters": [(q, publication.publications(organisation, q)) for q in quarters],
    }
    return render(request, "oversight/transparency_publish.html", context, status=status)
