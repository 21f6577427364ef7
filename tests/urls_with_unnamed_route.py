"""The project's routes plus one without a name, which no matrix row can list."""

from django.urls import path

from foster.config.urls import urlpatterns as project_urlpatterns
from tests.urls_with_unlisted_route import unlisted

urlpatterns = [*project_urlpatterns, path("nameless/", unlisted)]
