from django.urls import path

from foster.selection import views

app_name = "selection"
urlpatterns = [
    path("calls/<int:pk>/", views.call_scenarios, name="call-scenarios"),
    path("calls/<int:pk>/compare/", views.call_compare, name="call-compare"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario-detail"),
    path("scenarios/<int:pk>/overrides/", views.scenario_override, name="scenario-override"),
    path("scenarios/<int:pk>/run/", views.scenario_run, name="scenario-run"),
    path("scenarios/<int:pk>/result/", views.scenario_result, name="scenario-result"),
    path("scenarios/<int:pk>/commit/", views.scenario_commit_view, name="scenario-commit"),
]
