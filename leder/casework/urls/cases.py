"""Routes: cases. (Filled in by the cases work.)"""

urlpatterns: list = []
