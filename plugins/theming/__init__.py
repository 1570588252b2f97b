"""Theming (being built)."""
