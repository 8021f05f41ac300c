"""Routes: triage. (Filled in by the triage work.)"""

urlpatterns: list = []
