"""The REST API at /api/v1/: one router, each app registers its viewsets."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from foster.accounts.api import AgencyViewSet, CurrentUserView
from foster.registry.api import CompanyViewSet, ValuationRecordViewSet

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("companies", CompanyViewSet, basename="company")
router.register("valuations", ValuationRecordViewSet, basename="valuation")

api_urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    *router.urls,
]
