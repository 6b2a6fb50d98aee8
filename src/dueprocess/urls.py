"""URL map: staff app, sign-in (allauth), the public ledger checkpoint."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("ledger/", include("dueprocess.ledger.urls")),
    path("", include("dueprocess.web.urls")),
]
