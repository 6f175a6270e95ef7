"""The site's URLs: each app's pages and API, composed."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.otp_views import admin_login
from config.health import healthz
from core.api import api_not_found
from organisations.two_factor_views import staff_reset_two_factor
from organisations.views import home, staff

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # The admin logs in through Baton's own login, which asks for the second factor.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("handoffs/", include("handoff.urls")),
    path("staff/", staff, name="staff"),
    path(
        "staff/<int:user_id>/reset-two-factor/",
        staff_reset_two_factor,
        name="staff_reset_two_factor",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    re_path(r"^api/", api_not_found),
]
