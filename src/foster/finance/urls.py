"""Finance pages under /finance/."""

from django.urls import path

from foster.finance import views

app_name = "finance"
urlpatterns = [
    path("monitors/", views.monitors, name="monitors"),
    path("imports/", views.exposure_import_view, name="exposure-import"),
    path("imports/<int:pk>/", views.exposure_import_detail, name="exposure-import-detail"),
    path("companies/<int:pk>/", views.company_finance, name="company-finance"),
    path("programs/<int:pk>/", views.program_ledger, name="program-ledger"),
    path("programs/<int:pk>/money/", views.program_money, name="program-money"),
    path("programs/<int:pk>/approve/", views.agreement_approve_view, name="agreement-approve"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/operations/", views.agreement_operate, name="agreement-operate"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/reverse/", views.transfer_reverse_view, name="transfer-reverse"),
]
