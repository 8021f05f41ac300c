from django.urls import path
from django.views.generic import RedirectView

from leder.notifications import inbox_views, public_views, staff_views, views

app_name = "notifications"
urlpatterns = [
    path("about/easy-read", views.about_easy_read, name="about_easy_read"),
    # The public form. "check" and "done" come before the question pages' catch-all.
    path("notify", public_views.start, name="start"),
    # The address as people type or paste it, with a slash (issue 16: it was a 404).
    path("notify/", RedirectView.as_view(pattern_name="notifications:start")),
    path("notify/check", public_views.check, name="check"),
    path("notify/done/<str:reference>", public_views.done, name="done"),
    path("notify/<slug:slug>", public_views.step, name="step"),
    # A local area contact entering a notification taken by telephone.
    path(
        "staff/notifications/telephone",
        staff_views.telephone_entry,
        name="telephone_entry",
    ),
    path(
        "staff/notifications/telephone/done/<str:reference>",
        staff_views.telephone_done,
        name="telephone_done",
    ),
    # Deaths nobody could place, for regional coordinators and the national team (issue 15).
    path("staff/notifications/unassigned", inbox_views.unassigned, name="unassigned"),
    path(
        "staff/notifications/unassigned/<str:reference>",
        inbox_views.unassigned_place,
        name="unassigned_place",
    ),
    # The local area contact's inbox.
    path("staff/notifications", inbox_views.inbox, name="inbox"),
    path("staff/notifications/<str:reference>", inbox_views.detail, name="inbox_detail"),
    path(
        "staff/notifications/<str:reference>/eligibility",
        inbox_views.eligibility_override,
        name="inbox_eligibility",
    ),
    path(
        "staff/notifications/<str:reference>/duplicates/<int:flag_id>",
        inbox_views.duplicate_decision,
        name="inbox_duplicate",
    ),
]
