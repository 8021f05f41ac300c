"""Registers the review sections of the timeline part."""
