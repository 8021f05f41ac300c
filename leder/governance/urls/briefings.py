"""Routes of the briefings part of governance (staff pages under /staff/governance/): the
learning library, each briefing and its easy read version, and writing, publishing and
withdrawing briefings."""

from django.urls import path

from leder.governance.views import briefings as views

urlpatterns = [
    path("learning", views.library, name="library"),
    path("learning/briefings", views.manage, name="briefings"),
    path("learning/briefings/new", views.create, name="briefing_create"),
    path("learning/<int:pk>", views.briefing, name="briefing"),
    path("learning/<int:pk>/easy-read", views.easy_read, name="briefing_easy_read"),
    path("learning/<int:pk>/edit", views.edit, name="briefing_edit"),
    path("learning/<int:pk>/publish", views.publish, name="briefing_publish"),
    path("learning/<int:pk>/withdraw", views.withdraw, name="briefing_withdraw"),
]
