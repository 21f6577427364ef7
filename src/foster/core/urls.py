from django.urls import path

from foster.core import views

app_name = "core"
urlpatterns = [
    path("healthz/", views.health, name="health"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
]
