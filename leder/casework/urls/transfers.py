"""Routes: moving a death to another ICB (issue 15)."""

from django.urls import path

from leder.casework.views import transfers

urlpatterns = [
    path("transfers", transfers.transfer_list, name="transfers"),
    path("transfers/<int:pk>", transfers.transfer_decide, name="transfer_decide"),
    path("transfers/new/<str:reference>", transfers.transfer_request, name="transfer_request"),
]
