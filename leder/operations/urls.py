from django.urls import path

from leder.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.index, name="index"),
    path("retry", views.retry, name="retry"),
]
