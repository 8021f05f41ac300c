"""Registers the review sections of the learning part."""
