"""Pages of leder.reports, mounted at /staff/reports/."""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from leder.reports.views import annual, dashboards
from leder.reports.views import performance as performance_views


class ScopeKindConverter(StringConverter):
    regex = "icb|region"


class FormatConverter(StringConverter):
    regex = "csv|xlsx"


register_converter(ScopeKindConverter, "scopekind")
register_converter(FormatConverter, "tableformat")

app_name = "reports"
urlpatterns = [
    path("", dashboards.index, name="index"),
    path("dashboards/england", dashboards.dashboard, name="england"),
    path(
        "dashboards/england/<slug:key>.<tableformat:fmt>",
        dashboards.download,
        name="england_download",
    ),
    path("dashboards/<scopekind:kind>/<str:code>", dashboards.dashboard, name="dashboard"),
    path(
        "dashboards/<scopekind:kind>/<str:code>/<slug:key>.<tableformat:fmt>",
        dashboards.download,
        name="download",
    ),
    path("performance/england", performance_views.performance, name="performance_england"),
    path(
        "performance/england.<tableformat:fmt>",
        performance_views.performance_download,
        name="performance_england_download",
    ),
    path(
        "performance/<scopekind:kind>/<str:code>.<tableformat:fmt>",
        performance_views.performance_download,
        name="performance_download",
    ),
    # After the download: `str` would take "Y60.csv" as a code.
    path(
        "performance/<scopekind:kind>/<str:code>",
        performance_views.performance,
        name="performance",
    ),
    path("annual", annual.report_list, name="report_list"),
    path("annual/published", annual.published, name="published"),
    path("annual/new", annual.report_new, name="report_new"),
    path("annual/<int:pk>", annual.report_detail, name="report"),
    path("annual/<int:pk>/generate", annual.report_generate, name="report_generate"),
    path("annual/<int:pk>/progress", annual.report_progress, name="report_progress"),
    path("annual/<int:pk>/report", annual.report_read, name="report_read"),
    path("annual/<int:pk>/report.pdf", annual.report_pdf, name="report_pdf"),
    path("annual/<int:pk>/easy-read", annual.report_easy_read, name="report_easy_read"),
    path("annual/<int:pk>/easy-read.pdf", annual.report_easy_read_pdf, name="report_easy_read_pdf"),
    path("annual/<int:pk>/publish", annual.report_publish, name="report_publish"),
]
