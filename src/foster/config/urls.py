"""Top-level routes. Every route here must have a row in docs/authorization.md."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from foster.accounts.forms import AdminLoginForm
from foster.config.api import api_urlpatterns

admin.site.site_header = "Foster"
# The admin site's log-in is throttled like Foster's own; the second factor follows (TwoFactorMiddleware).
admin.site.login_form = AdminLoginForm

handler500 = "foster.core.views.server_error"  # a 503 when the database is away

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("", include("foster.core.urls")),
    path("accounts/", include("foster.accounts.urls")),
    path("companies/", include("foster.registry.urls")),
    path("calls/", include("foster.programs.urls_portal")),
    path("programs/", include("foster.programs.urls")),
    path("finance/", include("foster.finance.urls")),
    path("reviews/", include("foster.reviews.urls")),
    path("applications/", include("foster.applications.urls")),
    path("innovation/", include("foster.innovation.urls")),
    path("learning/", include("foster.learning.urls")),
    path("cohorts/", include("foster.cohorts.urls")),
    path("kpi/", include("foster.kpi.urls")),
    path("datalab/", include("foster.datalab.urls")),
    path("selection/", include("foster.selection.urls")),
    path("", include("foster.portal.urls")),
]
