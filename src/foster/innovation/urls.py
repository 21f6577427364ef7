"""Open innovation: /innovation/ (challenges, startup profiles, proposals, recommendations)."""

from django.urls import path

from foster.innovation import views

app_name = "innovation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("challenges/new/", views.challenge_create_view, name="challenge-create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="challenge-edit"),
    path("challenges/<int:pk>/state/", views.challenge_state, name="challenge-state"),
    path("challenges/<int:pk>/propose/", views.proposal_create_view, name="proposal-create"),
    path("proposals/<int:pk>/decide/", views.proposal_decide_view, name="proposal-decide"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile-edit"),
    path("index/rebuild/", views.index_rebuild, name="index-rebuild"),
]
