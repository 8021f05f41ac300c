"""Pages of leder.imports, mounted at /staff/import/ (namespace "imports")."""

from django.urls import path

from leder.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("upload", views.upload, name="upload"),
    path("guide", views.guide, name="guide"),
    path("template.<str:kind>", views.template_file, name="template"),
    path("<int:pk>", views.batch_detail, name="batch"),
    path("<int:pk>/report.csv", views.batch_report_csv, name="report_csv"),
    path("<int:pk>/import", views.commit, name="commit"),
    path("<int:pk>/discard", views.discard, name="discard"),
]
