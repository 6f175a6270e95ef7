from django.urls import path

from portal.api import HandoutView

urlpatterns = [
    path("handoffs/<int:pk>/handout.pdf", HandoutView.as_view(), name="handoff-handout"),
]
