from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

# camau_portal.urls adds "my_reports" (served by reports) to this namespace.
app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("verify/<uidb64>/<token>/", views.verify_email, name="verify"),
    path("verify/resend/", views.verify_resend, name="verify_resend"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
