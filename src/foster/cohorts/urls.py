from django.urls import path

from foster.cohorts import views

app_name = "cohorts"
urlpatterns = [
    path("", views.cohort_list, name="cohort-list"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/<int:pk>/", views.partner_update_view, name="partner-update"),
    path("calls/<int:pk>/new/", views.cohort_create_view, name="cohort-create"),
    path("<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("<int:pk>/edit/", views.cohort_update_view, name="cohort-update"),
    path("<int:pk>/mentors/", views.mentor_add_view, name="mentor-add"),
    path("<int:pk>/demo-day/", views.demo_day_view, name="demo-day"),
    path("startups/<int:pk>/story/", views.story_view, name="startup-story"),
    path("startups/<int:pk>/investments/", views.investment_add_view, name="investment-add"),
]
