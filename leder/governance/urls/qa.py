"""Routes of the quality assurance part of governance, under /staff/governance/qa/."""

from django.urls import path

from leder.governance.views import qa as views

REVIEW = "qa/<str:reference>"

urlpatterns = [
    path("qa/", views.queue, name="qa_queue"),
    path(f"{REVIEW}/", views.review, name="qa_review"),
    path(f"{REVIEW}/approve", views.approve, name="qa_approve"),
    path(f"{REVIEW}/return", views.return_review, name="qa_return"),
    path(f"{REVIEW}/history", views.history, name="qa_history"),
    path(f"{REVIEW}/comments", views.comments, name="qa_comments"),
    path(f"{REVIEW}/comments/<int:comment_id>/respond", views.respond, name="qa_respond"),
]
