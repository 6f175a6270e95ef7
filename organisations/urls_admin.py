"""The organisation admins' pages, under ``/manage/``."""

from django.urls import path

from organisations import views_admin as views

app_name = "orgadmin"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("trainers/<int:pk>/", views.trainer, name="trainer"),
    path("settings/", views.clinic_settings, name="settings"),
    path("partnerships/", views.partnerships, name="partnerships"),
    path("partnerships/<int:pk>/<slug:action>/", views.partnership_action, name="partnership"),
    path("certifications/", views.certifications, name="certifications"),
    path("certifications/<int:pk>/renew/", views.renew, name="renew"),
]
