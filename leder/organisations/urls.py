"""Staff pages of the organisations app, mounted under /staff/: an ICB's LeDeR contact details,
and the organisation pickers' search."""

from django.urls import path

from leder.organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisations/choices", views.organisation_choices, name="choices"),
    path("leder-contact", views.leder_contact_mine, name="leder_contact_mine"),
    path("icbs/<str:ods_code>/leder-contact", views.leder_contact, name="leder_contact"),
    path(
        "icbs/<str:ods_code>/leder-contact/change",
        views.leder_contact_change,
        name="leder_contact_change",
    ),
]
