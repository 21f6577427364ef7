from django.urls import path

from foster.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.FosterLoginView.as_view(), name="login"),
    path("logout/", views.FosterLogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("me/", views.profile, name="profile"),
]
