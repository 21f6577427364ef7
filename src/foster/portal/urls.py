from django.urls import path

from foster.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("success-cases/", views.success_case_list, name="success-case-list"),
    path("success-cases/<int:pk>/", views.success_case_detail, name="success-case-detail"),
    path("statistics/", views.statistics, name="statistics"),
]
