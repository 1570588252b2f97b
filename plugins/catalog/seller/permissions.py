"""The permissions of seller product and storefront-profile management, granted to sellers."""

SELLERS = ("seller",)

PERMISSIONS = [
    ("products.view", "See the own shop's products", SELLERS),
    ("products.create", "Create products in the own shop (within the plan's limit)", SELLERS),
    ("products.update", "Change, publish and hide the own shop's products", SELLERS),
    ("products.delete", "Delete the own shop's products", SELLERS),
    ("shop.profile.view", "See the own shop's storefront profile and settings", SELLERS),
    ("shop.profile.update", "Change the own shop's name, logo, banner, texts, hours and order settings", SELLERS),
]
