from django.urls import path

from foster.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/", views.course_calendar, name="course-calendar"),
    path("courses/new/", views.course_create_view, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_update_view, name="course-update"),
    path("courses/<int:pk>/sessions/new/", views.session_create_view, name="session-create"),
    path("sessions/<int:pk>/enrol/", views.session_enrol, name="session-enrol"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session-attendance"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel_view, name="enrolment-cancel"),
    path("enrolments/<int:pk>/certificate.pdf", views.certificate_download, name="certificate-download"),
    path("certificates/verify/", views.certificate_verify, name="certificate-verify"),
    path("companies/<int:pk>/diagnostic/", views.diagnostic_take, name="diagnostic-take"),
    path("companies/<int:pk>/diagnostics/", views.diagnostic_history, name="diagnostic-history"),
    path("diagnostics/<int:pk>/", views.diagnostic_detail, name="diagnostic-detail"),
    path("companies/<int:pk>/consulting/new/", views.consulting_request, name="consulting-request"),
    path("consulting/pool/", views.consulting_pool, name="consulting-pool"),
    path("consulting/pool/<int:pk>/", views.consultant_update_view, name="consultant-update"),
    path("consulting/assign/", views.consulting_assign_view, name="consulting-assign"),
    path("consulting/<int:pk>/", views.consulting_detail, name="consulting-detail"),
    path("consulting/<int:pk>/sessions/", views.consulting_session_add_view, name="consulting-session-add"),
    path("consulting/<int:pk>/close/", views.consulting_close_view, name="consulting-close"),
    path("consulting/<int:pk>/feedback/", views.consulting_feedback_view, name="consulting-feedback"),
]
