"""Casework pages, mounted under /staff/. Each part of the work keeps its routes in a module of
this package; the URL names are all in the "casework" namespace."""

from django.urls import include, path

app_name = "casework"
urlpatterns = [
    path("", include("leder.casework.urls.triage")),
    path("", include("leder.casework.urls.register")),
    path("", include("leder.casework.urls.case_list")),
    path("", include("leder.casework.urls.cases")),
    path("", include("leder.casework.urls.dashboard")),
    path("", include("leder.casework.urls.transfers")),
]
