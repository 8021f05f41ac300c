"""Routes: the timeline of care."""

from django.urls import path

from leder.reviews.views import timeline

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
]
