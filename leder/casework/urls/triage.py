"""Routes: triage of new notifications by the local area contact."""

from django.urls import path

from leder.casework.views import triage

urlpatterns = [
    path("triage", triage.queue, name="triage_queue"),
    path("triage/<str:reference>", triage.triage, name="triage"),
    path("triage/<str:reference>/opt-out", triage.opt_out, name="triage_opt_out"),
    path("triage/<str:reference>/reconsider", triage.reconsider, name="triage_reconsider"),
]
