from django.urls import path

from handoff.views import builder, pages

app_name = "handoff"

urlpatterns = [
    path("", pages.handoff_list, name="list"),
    path("new/", builder.builder_start, name="builder_start"),
    path("build/<str:bid>/<str:step>/", builder.builder_step, name="builder_step"),
    path("<int:pk>/", pages.handoff_detail, name="detail"),
    path("<int:pk>/edit/", builder.draft_edit, name="draft_edit"),
    path("<int:pk>/amend/", builder.amend_start, name="amend"),
    path("<int:pk>/act/<str:action>/", pages.handoff_action, name="action"),
    path("<int:pk>/access-log/", pages.access_log, name="access_log"),
]
