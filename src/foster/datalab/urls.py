"""The data creation LAB: /datalab/ (tables, synthesis runs and reports, sharing, downloads)."""

from django.urls import path

from foster.datalab import views

app_name = "datalab"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/new/", views.dataset_upload_view, name="dataset-upload"),
    path("tables/<int:pk>/", views.dataset_detail, name="dataset-detail"),
    path("tables/<int:pk>/columns/", views.dataset_columns, name="dataset-columns"),
    path("tables/<int:pk>/synthesise/", views.run_start_view, name="run-start"),
    path("tables/<int:pk>/delete/", views.dataset_delete, name="dataset-delete"),
    path("results/<int:pk>/", views.run_detail, name="run-detail"),
    path("results/<int:pk>/cancel/", views.run_cancel_view, name="run-cancel"),
    path("results/<int:pk>/download/", views.run_download, name="run-download"),
    path("results/<int:pk>/report.json", views.run_report, name="run-report"),
    path("results/<int:pk>/share/", views.agreement_create_view, name="agreement-create"),
    path("agreements/<int:pk>/revoke/", views.agreement_revoke_view, name="agreement-revoke"),
]
