from django.urls import path

from foster.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.company_list, name="company-list"),
    path("register/", views.company_register_view, name="company-register"),
    path("<int:pk>/", views.company_detail, name="company-detail"),
    path("<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("<int:pk>/valuations/new/", views.valuation_add, name="valuation-add"),
]
