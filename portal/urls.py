from django.urls import path

from portal import views, views_actions

app_name = "portal"

PLAN = "plans/<int:pk>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(PLAN, views.plan, name="plan"),
    path(f"{PLAN}handout.pdf", views.handout, name="handout"),
    path(f"{PLAN}log/", views_actions.log_session, name="log_session"),
    path(f"{PLAN}log/<int:log_id>/", views_actions.logged, name="logged"),
    path(f"{PLAN}progress/", views.progress, name="progress"),
    path(f"{PLAN}messages/", views_actions.conversation, name="messages"),
    path(f"{PLAN}consent/", views_actions.consent, name="consent"),
    path(f"{PLAN}consent/revoke/", views_actions.revoke, name="revoke"),
    path("who-read-my-plan/", views.access, name="access"),
    path("reminders/", views.reminders, name="reminders"),
    path("welcome/<str:token>/", views_actions.welcome, name="welcome"),
    path("welcome/<str:token>/new-link/", views_actions.ask_for_new_link, name="new_link"),
]
