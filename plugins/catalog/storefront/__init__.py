"""Catalog: storefront."""
