"""Models of leder.analytics."""
