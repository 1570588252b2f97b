"""Permissions for shops, plans, features and plugins."""

ADMINS = ("superadmin",)
SELLERS = ("seller",)

PERMISSIONS = [
    ("shops.view", "List and see every shop", ADMINS),
    ("shops.create", "Create a shop and its owner", ADMINS),
    ("shops.update", "Update any shop", ADMINS),
    ("shops.delete", "Delete a shop", ()),
    ("shops.suspend", "Suspend or reactivate a shop", ADMINS),
    ("shops.plan.change", "Move a shop to another plan", ADMINS),
    ("shops.features.grant", "Grant a shop a feature beyond its plan", ()),
    ("shops.domains.manage", "Add and verify shop domains", ADMINS),
    ("plans.view", "See plans with their limits and features", ADMINS + SELLERS),
    ("plans.manage", "Create and edit plans", ()),
    ("plugins.view", "See installed plugins, their hooks and skip reasons", ADMINS),
    ("shop.features.view", "See the own shop's features", SELLERS),
    ("shop.features.toggle", "Switch the own shop's granted features on and off", SELLERS),
    ("shop.usage.view", "See the own shop's usage against its plan", SELLERS),
    ("shop.team.view", "See the own shop's team", SELLERS),
    ("shop.team.manage", "Invite and remove team members", SELLERS),
    ("shop.settings.view", "See the own shop's plugin settings", SELLERS),
    ("shop.settings.update", "Change the own shop's plugin settings", SELLERS),
    ("shop.domains.view", "See the own shop's custom domains", SELLERS),
    ("shop.domains.manage", "Add and remove the own shop's custom domains", SELLERS),
    ("shops.usage.view", "See any shop's usage against its plan", ADMINS),
    ("shops.members.manage", "Manage any shop's team", ADMINS),
]
