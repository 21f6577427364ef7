"""The REST API at /api/v1/: one router, each app registers its viewsets."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from foster.accounts.api import AgencyViewSet, CurrentUserView
from foster.applications.api import ApplicationViewSet
from foster.finance.api import AgreementViewSet, TransferViewSet
from foster.innovation.api import ChallengeViewSet, ProjectViewSet, ProposalViewSet, StartupProfileViewSet
from foster.learning.api import CourseSessionViewSet, DiagnosticViewSet, EnrolmentViewSet
from foster.programs.api import CallViewSet, ProgramViewSet
from foster.registry.api import CompanyViewSet, ValuationRecordViewSet
from foster.reviews.api import CallRankingViewSet, ReviewAssignmentViewSet
from foster.selection.api import SelectionScenarioViewSet

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("companies", CompanyViewSet, basename="company")
router.register("valuations", ValuationRecordViewSet, basename="valuation")
router.register("review-assignments", ReviewAssignmentViewSet, basename="review-assignment")
router.register("call-rankings", CallRankingViewSet, basename="call-ranking")
router.register("applications", ApplicationViewSet, basename="application")
router.register("programs", ProgramViewSet, basename="program")
router.register("calls", CallViewSet, basename="call")
router.register("finance/agreements", AgreementViewSet, basename="finance-agreement")
router.register("finance/transfers", TransferViewSet, basename="finance-transfer")
router.register("selection/scenarios", SelectionScenarioViewSet, basename="selection-scenario")
router.register("innovation/challenges", ChallengeViewSet, basename="innovation-challenge")
router.register("innovation/proposals", ProposalViewSet, basename="innovation-proposal")
router.register("innovation/profiles", StartupProfileViewSet, basename="innovation-profile")
router.register("innovation/projects", ProjectViewSet, basename="innovation-project")
router.register("learning/diagnostics", DiagnosticViewSet, basename="learning-diagnostic")
router.register("learning/sessions", CourseSessionViewSet, basename="learning-session")
router.register("learning/enrolments", EnrolmentViewSet, basename="learning-enrolment")

api_urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    *router.urls,
]
