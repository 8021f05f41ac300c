"""Routes of the panels part of governance (staff pages under /staff/governance/): the panel,
its meetings, agenda, attendance, minutes, decisions and papers pack; and the sign-off pages."""

from django.urls import path

from leder.governance.views import panels as views

MEETING = "panels/meetings/<int:pk>"

urlpatterns = [
    path("panels/", views.panels, name="panels"),
    path("panels/<int:icb_id>/", views.panel, name="panel"),
    path("panels/<int:icb_id>/edit", views.panel_edit, name="panel_edit"),
    path("panels/<int:icb_id>/meetings/new", views.meeting_new, name="panel_meeting_new"),
    path(f"{MEETING}/", views.meeting, name="panel_meeting"),
    path(f"{MEETING}/agenda/add", views.agenda_add, name="panel_agenda_add"),
    path(f"{MEETING}/agenda/<int:item>/remove", views.agenda_remove, name="panel_agenda_remove"),
    path(f"{MEETING}/agenda/<int:item>/move", views.agenda_move, name="panel_agenda_move"),
    path(f"{MEETING}/agenda/<int:item>/decision", views.decision, name="panel_decision"),
    path(f"{MEETING}/attendance", views.attendance, name="panel_attendance"),
    path(f"{MEETING}/minutes", views.minutes, name="panel_minutes"),
    path(f"{MEETING}/papers.pdf", views.papers, name="panel_papers"),
    path(f"{MEETING}/papers", views.papers_page, name="panel_papers_page"),
    # The sign-off pages are the panels part's too.
]
