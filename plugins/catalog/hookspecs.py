"""Hooks the catalog declares for other plugins (added through ``addhooks``)."""

from kernel.hookspecs import hookspec


@hookspec
def shop_banners(shop_id):
    """Return the banners a shop's storefront page shows, as a list of ``{"id", "title", "thumbnail"}``.

    Collect hook: called through the shop's own hook view when ``GET /api/shops/{id}``
    builds the shop's details, so only plugins live for that shop answer. Each
    answer is a list (``thumbnail`` an absolute URL); the lists are concatenated
    in plugin load order. The catalog itself knows no banners: the content
    plugin, which depends on the catalog, supplies them.
    """
