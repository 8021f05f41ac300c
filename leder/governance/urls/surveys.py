"""Routes of the surveys part of governance (staff pages under /staff/governance/): staff
surveys to answer, and every survey's results per ICB."""

from django.urls import path

from leder.governance.views import surveys as views

urlpatterns = [
    path("surveys", views.staff_surveys, name="surveys"),
    path("surveys/results", views.results_list, name="survey_results_list"),
    path("surveys/<slug:slug>", views.staff_answer, name="survey_answer"),
    path("surveys/<slug:slug>/results", views.results, name="survey_results"),
]
