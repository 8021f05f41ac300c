"""Reads of the review record. Every query starts from `cases_visible_to(user)`."""
