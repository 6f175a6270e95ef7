"""The site's URLs: each app's pages and API, composed."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.otp_views import admin_login
from config import views as site
from config.health import healthz, livez
from core.api import api_not_found
from handoff.views.dashboard import dashboard
from organisations.two_factor_views import staff_reset_two_factor
from organisations.views import staff

urlpatterns = [
    path("", site.home, name="home"),
    path("livez", livez, name="livez"),
    path("healthz", healthz, name="healthz"),
    # The admin logs in through Baton's own login, which asks for the second factor.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("dashboard/", dashboard, name="dashboard"),
    path("patients/", include("clinics.urls")),
    path("handoffs/", include("handoff.urls")),
    path("trainer/", include("handoff.urls_trainer")),
    path("manage/", include("organisations.urls_admin")),
    path("manage/", include("handoff.urls_orgadmin")),
    path("staff/", staff, name="staff"),
    path(
        "staff/<int:user_id>/reset-two-factor/",
        staff_reset_two_factor,
        name="staff_reset_two_factor",
    ),
    path("my/", include("portal.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("notifications/", include("notifications.urls")),
    # An unknown path under /api/ answers the API's JSON 404; any other, the styled page.
    re_path(r"^api/", api_not_found),
    # Last: whatever nothing else matched is a styled 404, DEBUG or not.
    re_path(r"^(?P<path>.*)$", site.not_found, name="not_found"),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
