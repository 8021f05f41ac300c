from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from leder.core import views as core_views
from leder.operations import views as operations_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accessibility", core_views.accessibility, name="accessibility"),
    path("privacy", core_views.privacy, name="privacy"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("staff/operations/", include("leder.operations.urls")),
    path("account/", include("leder.accounts.urls")),
    path("", include("leder.notifications.urls")),
    path("staff/", include("leder.casework.urls")),
    path("staff/", include("leder.reviews.urls")),
    path("staff/", include("leder.organisations.urls")),
    path("staff/", include("leder.families.staff_urls")),
    path("staff/governance/", include("leder.governance.urls")),
    path("staff/reports/", include("leder.reports.urls")),
    path("staff/national/", include("leder.exports.urls")),
    path("staff/release/", include("leder.exports.release_urls")),
    path("staff/import/", include("leder.imports.urls")),
    path("feedback/", include("leder.governance.urls.public")),
    path("api/v1/", include("leder.api.urls")),
    # Records requested from organisations: the public upload page (no account).
    path("records/", include("leder.reviews.urls.uploads")),
    # GOV.UK Notify's delivery-status callbacks (bearer token, no session).
    path("messaging/", include("leder.messaging.urls")),
    # A family's own way into the review (a link and a second factor, no account).
    path("family/", include("leder.families.urls")),
    path("admin/", admin.site.urls),
    # The NHS.UK stylesheet refers to /assets/images/…; serve the vendored assets there.
    re_path(r"^assets/(?P<path>.*)$", serve, {"document_root": settings.NHSUK_ASSETS_DIR}),
]

handler403 = "leder.core.errors.permission_denied"
handler404 = "leder.core.errors.page_not_found"
handler500 = "leder.core.errors.server_error"
