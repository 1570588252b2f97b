"""Permissions for managing content: the platform's banners and blogs by its administrators, a shop's banners
by its sellers."""

PERMISSIONS = [
    ("banners.manage", "Add, change and remove the marketplace's banners", ("superadmin",)),
    ("shop.banners.manage", "Add, change and remove the own shop's storefront banners", ("seller",)),
    ("blogs.manage", "List, write, change, hide and remove blogs", ("superadmin",)),
    ("blog_categories.manage", "List, add, change and remove blog categories", ("superadmin",)),
]
