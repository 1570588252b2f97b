"""Catalog: seller."""
