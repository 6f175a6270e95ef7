"""The admins' pages that read handoffs, under ``/manage/`` beside organisations' own."""

from django.urls import path

from handoff.views import orgadmin as views

app_name = "orgreports"

urlpatterns = [
    path("attention/", views.attention, name="attention"),
    path("access-log/", views.access_log, name="access_log"),
    path("load/", views.load, name="load"),
]
