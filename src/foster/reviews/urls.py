from django.urls import path

from foster.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assignments/<int:pk>/", views.score_sheet, name="score-sheet"),
    path("assignments/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("me/expertise/", views.expertise, name="expertise"),
    path("me/conflicts/", views.conflicts, name="conflicts"),
    path("pool/", views.pool, name="pool"),
    path("pool/<int:pk>/", views.pool_reviewer, name="pool-reviewer"),
    path("pool/family-firms/", views.family_firm_import_view, name="family-firm-import"),
    path("calls/<int:pk>/assignment/", views.call_assignment, name="call-assignment"),
    path("calls/<int:pk>/constraints/", views.call_constraints, name="call-constraints"),
    path("calls/<int:pk>/ranking/", views.call_ranking, name="call-ranking"),
]
