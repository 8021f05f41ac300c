from django.urls import path

from leder.messaging import views

app_name = "messaging"
urlpatterns = [
    path("notify-callback", views.notify_callback, name="notify_callback"),
]
