"""Routes: the review workspace, the generic page of a simple section, submission and the
version history, under /staff/cases/<reference>/review/<kind>/."""

from django.urls import path

from leder.reviews.views import workspace as views

REVIEW = "cases/<str:reference>/review/<str:kind>"

urlpatterns = [
    path(REVIEW, views.workspace, name="workspace"),
    path(f"{REVIEW}/section/<str:key>", views.section, name="section"),
    path(f"{REVIEW}/submit", views.submit, name="submit"),
    path(f"{REVIEW}/versions", views.versions, name="versions"),
    path(f"{REVIEW}/versions/compare", views.compare, name="compare"),
]
