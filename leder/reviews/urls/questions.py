"""Routes: the structured questions and the cause of death of an initial review."""

from django.urls import path

from leder.reviews.views import questions as views

REVIEW = "cases/<str:reference>/review/<str:kind>"

urlpatterns = [
    path(f"{REVIEW}/questions", views.questions_overview, name="questions"),
    path(f"{REVIEW}/questions/<slug:group>", views.questions_group, name="questions_group"),
    path(f"{REVIEW}/cause-of-death", views.cause_of_death, name="cause_of_death"),
    path(f"{REVIEW}/cause-of-death/find", views.cause_of_death_find, name="cause_of_death_find"),
]
