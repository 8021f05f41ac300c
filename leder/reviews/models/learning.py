"""Models for the learning part of the review."""

__all__: list[str] = []
