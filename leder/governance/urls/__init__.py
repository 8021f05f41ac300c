"""Governance pages, mounted under /staff/governance/. Each part keeps its routes in a module of
this package; the URL names are all in the "governance" namespace."""

from django.urls import include, path

app_name = "governance"
urlpatterns = [
    path("", include("leder.governance.urls.qa")),
    path("", include("leder.governance.urls.panels")),
    path("", include("leder.governance.urls.signoff")),
    path("", include("leder.governance.urls.actions")),
    path("", include("leder.governance.urls.briefings")),
    path("", include("leder.governance.urls.surveys")),
]
