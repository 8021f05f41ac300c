"""The public upload page for records requested from organisations, mounted at /records/ (a
public prefix: no account, no second factor; see `RequireTwoFactorMiddleware`)."""

from django.urls import path

from leder.reviews.views import uploads

app_name = "record_uploads"
urlpatterns = [
    path("upload/<str:token>", uploads.upload, name="upload"),
]
