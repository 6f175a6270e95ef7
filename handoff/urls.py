from django.urls import path

from handoff.views import pages

app_name = "handoff"

urlpatterns = [
    path("", pages.handoff_list, name="list"),
    path("<int:pk>/", pages.handoff_detail, name="detail"),
]
