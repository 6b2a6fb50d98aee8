"""URL map: staff app, sign-in (allauth), the public ledger checkpoint, the public
transparency report."""

from django.urls import include, path

from dueprocess.oversight.transparency_views import published as transparency_published
from dueprocess.oversight.transparency_views import report as transparency_report

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("ledger/", include("dueprocess.ledger.urls")),
    path("api/v1/", include("dueprocess.api.urls")),
    path("oversight/", include("dueprocess.oversight.urls")),
    path("transparency/", transparency_report, name="transparency"),
    path(
        "transparency/published/<str:quarter>/v<int:version>.json",
        transparency_published,
        name="transparency-published",
    ),
    path("", include("dueprocess.web.urls")),
]
