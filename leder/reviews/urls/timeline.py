"""Routes: the timeline of care and the family copy of a review."""

from django.urls import path

from leder.reviews.views import family_copy, timeline

REVIEW = "cases/<str:reference>/review/<str:kind>"

urlpatterns = [
    path(f"{REVIEW}/timeline", timeline.timeline, name="timeline"),
    path(f"{REVIEW}/timeline/add", timeline.timeline_event_add, name="timeline_event_add"),
    path(f"{REVIEW}/timeline/complete", timeline.timeline_complete, name="timeline_complete"),
    path(f"{REVIEW}/timeline/print", timeline.timeline_print, name="timeline_print"),
    path(
        f"{REVIEW}/timeline/<int:event_id>",
        timeline.timeline_event_edit,
        name="timeline_event_edit",
    ),
    path(
        f"{REVIEW}/timeline/<int:event_id>/remove",
        timeline.timeline_event_remove,
        name="timeline_event_remove",
    ),
    path(f"{REVIEW}/family-copy", family_copy.family_copy, name="family_copy"),
    path(f"{REVIEW}/family-copy.pdf", family_copy.family_copy_pdf, name="family_copy_pdf"),
]
