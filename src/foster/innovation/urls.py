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
    path("challenges/<int:pk>/invite/", views.challenge_invite_view, name="challenge-invite"),
    path("challenges/<int:pk>/suggestion/", views.selection_suggestion, name="selection-suggestion"),
    path("challenges/<int:pk>/suggestion/apply/", views.selection_apply, name="selection-apply"),
    path("proposals/<int:pk>/evaluate/", views.proposal_evaluate_view, name="proposal-evaluate"),
    path("startups/search/", views.startup_search_view, name="startup-search"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/start/", views.project_start, name="project-start"),
    path("projects/<int:pk>/complete/", views.project_complete, name="project-complete"),
    path("projects/<int:pk>/stop/", views.project_stop, name="project-stop"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("projects/<int:pk>/success-case/", views.success_case_edit, name="success-case-edit"),
    path("projects/<int:pk>/success-case/consent/", views.success_case_consent_view, name="success-case-consent"),
    path("milestones/<int:pk>/submit/", views.milestone_submit, name="milestone-submit"),
    path("milestones/<int:pk>/decide/", views.milestone_decide, name="milestone-decide"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone-delete"),
    path("milestones/<int:pk>/edit/", views.milestone_update, name="milestone-update"),
    path("milestones/<int:pk>/file/", views.milestone_file, name="milestone-file"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile-edit"),
    path("index/rebuild/", views.index_rebuild, name="index-rebuild"),
]
