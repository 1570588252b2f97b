"""Permissions for platform configuration; platform administrators get them all."""

ADMINS = ("superadmin",)

PERMISSIONS = [
    ("settings.view", "See the general and verification settings", ADMINS),
    ("settings.update", "Change the general and verification settings", ADMINS),
    ("currencies.manage", "Edit currencies, their rates and the default", ADMINS),
    ("languages.manage", "Add, enable and order languages", ADMINS),
    ("translations.manage", "Edit interface translations", ADMINS),
    ("legal_pages.manage", "Edit the privacy, terms and refund pages", ADMINS),
    ("pages.manage", "Edit content pages (about, contact, FAQ)", ADMINS),
    ("menus.manage", "Edit the storefront menus", ADMINS),
    ("footers.manage", "Edit the storefront footer", ADMINS),
    ("social_links.manage", "Edit the social media links", ADMINS),
    ("social_auth.view", "See the social sign-in providers", ADMINS),
    ("social_auth.manage", "Configure social sign-in providers and their secrets", ADMINS),
]
