"""Registers the review sections of the contacts part."""
