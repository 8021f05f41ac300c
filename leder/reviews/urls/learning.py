"""Routes: the learning section of a review and its pieces of learning, under
/staff/cases/<reference>/review/<kind>/learning. Grading, the focused-review decision and the
focused review's further evidence and meeting are simple sections on the workspace's generic
section page."""

from django.urls import path

from leder.reviews.views import learning as views

REVIEW = "cases/<str:reference>/review/<str:kind>"

urlpatterns = [
    path(f"{REVIEW}/learning", views.learning, name="learning"),
    path(f"{REVIEW}/learning/add", views.learning_add, name="learning_add"),
    path(f"{REVIEW}/learning/<int:item_id>/change", views.learning_edit, name="learning_edit"),
    path(f"{REVIEW}/learning/<int:item_id>/remove", views.learning_remove, name="learning_remove"),
]
