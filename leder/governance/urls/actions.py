"""Routes of the actions part of governance (staff pages under /staff/governance/): the ICB's
actions, one action and its changes, the three-year action plans and their priorities. The CSV
ends in a file extension and "new" is matched first, so neither is read as a reference."""

from django.urls import path

from leder.governance.views import actions as views

urlpatterns = [
    path("actions", views.action_list, name="action_list"),
    path("actions/export.csv", views.action_list_csv, name="action_list_csv"),
    path("actions/new", views.action_create, name="action_create"),
    path("actions/<str:reference>", views.action_detail, name="action_detail"),
    path("actions/<str:reference>/update", views.action_update, name="action_update"),
    path("actions/<str:reference>/complete", views.action_complete, name="action_complete"),
    path("actions/<str:reference>/cancel", views.action_cancel, name="action_cancel"),
    path("actions/<str:reference>/reopen", views.action_reopen, name="action_reopen"),
    path("actions/<str:reference>/due-date", views.action_due_date, name="action_due_date"),
    path("actions/<str:reference>/priority", views.action_priority, name="action_priority"),
    path("action-plans", views.plan_list, name="plan_list"),
    path("action-plans/new", views.plan_create, name="plan_create"),
    path("action-plans/<int:pk>", views.plan_detail, name="plan_detail"),
    path("action-plans/<int:pk>/edit", views.plan_edit, name="plan_edit"),
    path("action-plans/<int:pk>/priorities/new", views.priority_add, name="priority_add"),
    path(
        "action-plans/<int:pk>/priorities/<int:priority_pk>",
        views.priority_edit,
        name="priority_edit",
    ),
]
