"""URL map: staff app, sign-in (allauth), the public ledger checkpoint."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("ledger/", include("dueprocess.ledger.urls")),
    path("api/v1/", include("dueprocess.api.urls")),
    path("oversight/", include("dueprocess.oversight.urls")),
    path("", include("dueprocess.web.urls")),
]
