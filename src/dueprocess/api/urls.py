"""``/api/v1/``: the operations, an index, and a problem-details 404 for everything else."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from dueprocess.api.application import api
from dueprocess.api.problems import problem


@csrf_exempt  # bearer tokens, never cookies: there is no session to forge a request with
def index(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"openapi": request.path + "openapi.json", "me": request.path + "me"})


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem(request, "not-found", "There is no such endpoint in this API.")


urlpatterns = [
    path("", index, name="api-index"),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),
]
