"""Routes: correcting the person's details (issue 15)."""

from django.urls import path

from leder.reviews.views import corrections

urlpatterns = [
    path(
        "people/<str:reference>/correct",
        corrections.person_correct_page,
        name="person_correct",
    ),
    path(
        "cases/<str:reference>/correct-details",
        corrections.review_person_correct_page,
        name="review_person_correct",
    ),
]
