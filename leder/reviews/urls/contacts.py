"""Routes: the contacts section and the records section, under
/staff/cases/<reference>/review/<kind>/. The public upload page is in `urls.uploads`."""

from django.urls import path

from leder.reviews.views import contacts as views

REVIEW = "cases/<str:reference>/review/<str:kind>"

urlpatterns = [
    path(f"{REVIEW}/contacts", views.contacts, name="contacts"),
    path(f"{REVIEW}/contacts/add", views.contact_add, name="contact_add"),
    path(f"{REVIEW}/contacts/<int:contact_id>", views.contact_edit, name="contact_edit"),
    path(
        f"{REVIEW}/contacts/<int:contact_id>/attempts/add",
        views.contact_attempt_add,
        name="contact_attempt_add",
    ),
    path(
        f"{REVIEW}/contacts/no-conversation-with-family",
        views.family_not_possible,
        name="contacts_family_not_possible",
    ),
    path(f"{REVIEW}/contacts/gp-record", views.gp_record_reviewed, name="contacts_gp_record"),
    path(f"{REVIEW}/records", views.records, name="records"),
    path(f"{REVIEW}/records/request", views.records_request, name="records_request"),
    path(
        f"{REVIEW}/records/<int:request_id>/received",
        views.records_request_received,
        name="records_request_received",
    ),
    path(
        f"{REVIEW}/records/<int:request_id>/withdraw",
        views.records_request_withdraw,
        name="records_request_withdraw",
    ),
    path(
        f"{REVIEW}/records/files/<int:file_id>",
        views.record_download,
        name="record_download",
    ),
]
