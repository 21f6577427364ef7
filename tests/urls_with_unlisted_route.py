"""The project's routes plus one that docs/authorization.md does not list (for the test of the test)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from foster.config.urls import urlpatterns as project_urlpatterns


def unlisted(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a page nobody wrote a matrix row for")


urlpatterns = [*project_urlpatterns, path("unlisted/", unlisted, name="unlisted-route")]
