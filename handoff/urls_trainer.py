"""The trainer's pages, under ``/trainer/``."""

from django.urls import path

from handoff.views import trainer as views

app_name = "trainer"

urlpatterns = [
    path("", views.inbox, name="home"),
    path("handoffs/<int:pk>/", views.packet, name="packet"),
    path("handoffs/<int:pk>/sheet/", views.session_sheet, name="sheet"),
    path("handoffs/<int:pk>/<slug:action>/", views.act, name="act"),
]
