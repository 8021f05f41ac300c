"""Routes: the case list and its export. Included before the case pages' routes, and the
exports end in a file extension, so that "export" can never be read as a case reference."""

from django.urls import path

from leder.casework.views import case_list as views

urlpatterns = [
    path("cases", views.case_list, name="case_list"),
    path("cases/export.csv", views.case_list_export_csv, name="case_list_export_csv"),
    path("cases/export.xlsx", views.case_list_export_xlsx, name="case_list_export_xlsx"),
]
