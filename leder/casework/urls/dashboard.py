"""Routes: dashboard. (Filled in by the dashboard work.)"""

urlpatterns: list = []
