from django.urls import path

from leder.notifications import views

app_name = "notifications"
urlpatterns = [
    path("about/easy-read", views.about_easy_read, name="about_easy_read"),
]
