"""URL names follow ``oversight:<thing>-<action>``. Mounted at ``/oversight/``."""

from django.urls import path

from dueprocess.oversight import register_views as register
from dueprocess.oversight import transparency_views, views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<slug:key>.csv", views.figure_export, name="figure-csv"),
    path("figures/<slug:key>/cases/", views.figure_cases, name="figure-cases"),
    path("cases/<str:reference>/approaches/new/", register.approach_new, name="approach-new"),
    path("cases/<str:reference>/advice/new/", register.advice_new, name="advice-new"),
    path("advice/", register.advice_inbox, name="advice-inbox"),
    path("advice/<int:request_id>/", register.advice_detail, name="advice-detail"),
    path("advice/<int:request_id>/close/", register.advice_close, name="advice-close"),
    path("sign-offs/", register.signoff_inbox, name="signoff-inbox"),
    path("sign-offs/<int:signoff_id>/", register.signoff_detail, name="signoff-detail"),
    path("transparency/", transparency_views.publish, name="transparency-publish"),
]
