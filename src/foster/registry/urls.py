from django.urls import path

from foster.registry import views, views_transfer

app_name = "registry"
urlpatterns = [
    path("", views.company_list, name="company-list"),
    path("register/", views.company_register_view, name="company-register"),
    path("<int:pk>/", views.company_detail, name="company-detail"),
    path("<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("<int:pk>/valuations/new/", views.valuation_add, name="valuation-add"),
    path("import/", views_transfer.company_import, name="company-import"),
    path("import/<int:pk>/", views_transfer.company_import_detail, name="company-import-detail"),
    path("export/", views_transfer.company_export, name="company-export"),
]
