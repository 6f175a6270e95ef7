from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import credential_views, otp_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("tokens/", credential_views.tokens, name="tokens"),
    path("tokens/revoke/", credential_views.token_revoke, name="token_revoke"),
    path("password/", credential_views.password_change, name="password_change"),
    path("two-factor/", otp_views.two_factor_settings, name="two_factor_settings"),
    path("two-factor/code/", otp_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", otp_views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        otp_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
]
