from django.urls import path

from foster.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="application-list"),
    path("start/<slug:call_code>/", views.application_start_view, name="application-start"),
    path("<int:pk>/", views.application_detail, name="application-detail"),
    path("<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("<int:pk>/transition/", views.application_transition_view, name="application-transition"),
    path("<int:pk>/override/", views.application_override_view, name="application-override"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("calls/<int:pk>/", views.call_application_list, name="call-application-list"),
]
