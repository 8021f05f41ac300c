"""Registers the review sections of the workspace part."""
