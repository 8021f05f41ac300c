"""Models of leder.reports."""
