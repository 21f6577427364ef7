"""The officials' area: /programs/ (own agency's programs and calls; planners read-only)."""

from django.urls import path

from foster.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="program-list"),
    path("new/", views.program_create_view, name="program-create"),
    path("<int:pk>/", views.program_detail, name="program-detail"),
    path("<int:pk>/edit/", views.program_edit, name="program-edit"),
    path("<int:pk>/calls/new/", views.call_create_view, name="call-create"),
    path("calls/<int:pk>/", views.call_manage, name="call-manage"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:pk>/rules/", views.call_rules_edit, name="call-rules"),
    path("calls/<int:pk>/notifications/", views.call_notifications_edit, name="call-notifications"),
    path("calls/<int:pk>/form/", views.call_form_edit, name="call-form"),
]
