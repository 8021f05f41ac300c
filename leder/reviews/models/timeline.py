"""Models for the timeline part of the review."""

__all__: list[str] = []
