from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/<int:pk>/read/",
        api.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/<int:pk>/acknowledge/",
        api.NotificationAcknowledgeView.as_view(),
        name="notification-acknowledge",
    ),
    path("preferences/", api.PreferencesView.as_view(), name="preferences"),
]
