"""Pages of leder.reports."""

app_name = "reports"
urlpatterns = []
