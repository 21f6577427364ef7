"""KPI pages under /kpi/."""

from django.urls import path

from foster.kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", views.figure_records, name="figure-records"),
    path("export/", views.dashboard_export, name="export"),
    path("surveys/", views.survey_list, name="survey-list"),
    path("surveys/new/", views.survey_create_view, name="survey-create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/import/", views.wave_import_view, name="wave-import"),
    path("waves/<int:pk>/", views.wave_detail, name="wave-detail"),
]
