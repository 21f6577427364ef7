from django.urls import path

from foster.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.FosterLoginView.as_view(), name="login"),
    path("login/two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/", views.two_factor_enrol, name="two-factor-enrol"),
    path("two-factor/recovery-codes/", views.two_factor_codes, name="two-factor-codes"),
    path("logout/", views.FosterLogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.FosterPasswordChangeView.as_view(), name="password-change"),
]
