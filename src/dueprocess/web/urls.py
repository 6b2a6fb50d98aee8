from django.urls import path

from dueprocess.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
]
