"""Permissions for managing banners: the platform's by its administrators, a shop's by its sellers."""

PERMISSIONS = [
    ("banners.manage", "Add, change and remove the marketplace's banners", ("superadmin",)),
    ("shop.banners.manage", "Add, change and remove the own shop's storefront banners", ("seller",)),
]
