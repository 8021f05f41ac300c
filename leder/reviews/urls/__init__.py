"""Review pages, mounted under /staff/. Each part of the review keeps its routes in a module of
this package; the URL names are all in the "reviews" namespace."""

from django.urls import include, path

app_name = "reviews"
urlpatterns = [
    path("", include("leder.reviews.urls.workspace")),
    path("", include("leder.reviews.urls.contacts")),
    path("", include("leder.reviews.urls.timeline")),
    path("", include("leder.reviews.urls.learning")),
    path("", include("leder.reviews.urls.questions")),
    path("", include("leder.reviews.urls.corrections")),
]
