"""Pages of leder.exports, under /staff/national/."""

from django.urls import path

from leder.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="dataset"),
    path("recipients", views.recipients, name="recipients"),
    path("specification", views.specification, name="specification"),
    path("exports/new", views.request_export, name="request"),
    path("exports/<int:pk>", views.detail, name="detail"),
    path(
        "exports/<int:pk>/files/<str:kind>",
        views.download,
        name="download",
    ),
]
