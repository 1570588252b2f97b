"""Permissions for shop themes and the platform's branding."""

PERMISSIONS = [
    ("theme.view", "See the own shop's theme", ("seller",)),
    ("theme.update", "Change the own shop's theme colours", ("seller",)),
    ("theme.branding.manage", "Change the platform's default colour scheme and branding", ("superadmin",)),
]
