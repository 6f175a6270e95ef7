from django.urls import path

from organisations.api import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
]
