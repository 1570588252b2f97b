"""Catalog: browse."""
