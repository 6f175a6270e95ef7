from django.urls import path

from handoff import views

app_name = "handoff"

urlpatterns = [
    path("", views.handoff_list, name="list"),
    path("<int:pk>/", views.handoff_detail, name="detail"),
]
