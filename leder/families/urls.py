"""A family member's own pages (public prefix /family/: no account; a link and a second factor)."""

from django.urls import path

from leder.families import public_views as views

app_name = "families"
urlpatterns = [
    path("<str:token>", views.start, name="start"),
    path("<str:token>/home", views.home, name="home"),
    path("<str:token>/about", views.about, name="about"),
    path("<str:token>/about/easy-read", views.about, {"easy_read": True}, name="about_easy_read"),
    path("<str:token>/story", views.story, name="story"),
    path("<str:token>/care", views.care, name="care"),
    path("<str:token>/drafts/<int:pk>", views.draft, name="draft"),
    path("<str:token>/review", views.family_copy, name="copy"),
    path(
        "<str:token>/review/easy-read",
        views.family_copy,
        {"easy_read": True},
        name="copy_easy_read",
    ),
    path("<str:token>/concerns", views.concerns, name="concerns"),
    path("<str:token>/sign-out", views.sign_out, name="sign_out"),
]
