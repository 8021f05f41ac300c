"""Routes: register. (Filled in by the register work.)"""

urlpatterns: list = []
