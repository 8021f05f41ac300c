"""Public feedback pages (no account), mounted under /feedback/: a survey for people with lived
experience and families, and its thank-you page."""

from django.urls import path

from leder.governance.views import surveys as views

app_name = "feedback"
urlpatterns = [
    path("<slug:slug>", views.public_answer, name="survey"),
    path("<slug:slug>/thank-you", views.public_thanks, name="thanks"),
]
