"""Routes: the ICB, regional and national dashboards and the escalation list."""

from django.urls import path

from leder.casework.views import dashboard as views

urlpatterns = [
    path("dashboard", views.dashboard, name="dashboard"),
    path("dashboard/region", views.dashboard_region, name="dashboard_region"),
    path("dashboard/national", views.dashboard_national, name="dashboard_national"),
    path("escalations", views.escalations, name="escalations"),
]
