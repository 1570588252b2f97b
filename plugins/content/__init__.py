"""Content: platform and shop banners, blogs with categories and tags.

Blogs and platform banners are platform content shown on every storefront;
shop banners belong to their shop (tenant-owned) and are readable by everyone.
The catalog shows a shop's banners through its ``shop_banners`` hook, which
this plugin implements, so the catalog never imports content.
"""

from plugins.content.plugin import (  # noqa: F401
    home_sections, register_migrations, register_models, register_permissions, register_routes, register_seeders,
    shop_banners,
)
