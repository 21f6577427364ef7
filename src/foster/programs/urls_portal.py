"""The public portal of calls: /calls/ (anonymous visitors allowed)."""

from django.urls import path

from foster.programs import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("<slug:call_code>/", views.call_detail, name="call-detail"),
]
