"""Catalog: products with variants, categories, brands, reviews, flash sales, wishlist and storefronts.

Shared pieces: ``models`` (tables), ``payloads`` (the app's JSON), ``pricing``
(effective prices), ``visibility`` (which shops a storefront shows), ``money``.
Routes live in ``browse`` (customer browsing), ``storefront`` (shops, flash
sales, home), ``seller`` (seller product management) and ``admin`` (the
platform's categories, brands, sizes, colours and units).
"""

from plugins.catalog.plugin import (  # noqa: F401
    addhooks, home_sections, register_migrations, register_models, register_permissions, register_routes,
    register_seeders, register_tasks,
)
