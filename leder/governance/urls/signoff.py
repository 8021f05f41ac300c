"""Routes: the sign-offs of a review, each signed-off version, and reopening (staff pages under
/staff/governance/). Included from `urls.panels`."""

from django.urls import path

from leder.governance.views import signoff as views

REVIEW = "cases/<str:reference>/review/<str:kind>"

urlpatterns = [
    path(f"{REVIEW}/sign-offs", views.signoffs, name="signoffs"),
    path(f"{REVIEW}/sign-offs/<int:pk>", views.signoff_version, name="signoff_version"),
    path(f"{REVIEW}/reopen", views.reopen, name="signoff_reopen"),
]
