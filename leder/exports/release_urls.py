"""Pages of the free-text release queue, under /staff/release/."""

from django.urls import path

from leder.exports import release_views as views

app_name = "exports_release"
urlpatterns = [
    path("", views.release_queue, name="queue"),
    path("<int:case_id>/<str:field>", views.release_item, name="item"),
    path("<int:case_id>/<str:field>/add", views.redaction_add, name="add"),
    path("<int:case_id>/<str:field>/toggle", views.redaction_toggle, name="toggle"),
]
