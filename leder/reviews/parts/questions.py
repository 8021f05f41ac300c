"""Registers the review sections of the questions part."""
