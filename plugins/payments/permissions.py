"""Permissions of the payments plugin."""

ADMINS = ("superadmin",)
SELLERS = ("seller",)

PERMISSIONS = [
    ("payments.settings.manage", "Set the platform's commission and the minimum shop withdrawal", ADMINS),
    ("payment_gateways.manage", "Switch payment gateways on or off platform-wide, retitle and order them", ADMINS),
    ("shop.wallet.view", "See the own shop's wallet: sales, commission, balance and transactions", SELLERS),
]
