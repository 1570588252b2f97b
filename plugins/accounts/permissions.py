"""The permissions the accounts plugin brings, and the roles that get them."""

CUSTOMER = ("customer",)
EVERY_ACCOUNT = ("customer", "seller", "rider", "superadmin")
ADMINS = ("superadmin",)

PERMISSIONS = [
    ("profile.view", "See one's own profile", EVERY_ACCOUNT),
    ("profile.update", "Update one's own profile and avatar", EVERY_ACCOUNT),
    ("profile.delete", "Delete one's own account", EVERY_ACCOUNT),
    ("password.change", "Change one's own password", EVERY_ACCOUNT),
    ("session.logout", "Revoke one's own token", EVERY_ACCOUNT),
    ("users.view", "List and see accounts", ADMINS),
    ("users.create", "Create accounts", ADMINS),
    ("users.update", "Update any account", ADMINS),
    ("users.delete", "Delete any account", ADMINS),
    ("users.suspend", "Suspend or reactivate accounts", ADMINS),
    ("users.verify", "Mark an account's e-mail or phone verified", ADMINS),
    ("users.roles.assign", "Assign roles to accounts", ()),
    ("roles.view", "See roles and their permissions", ADMINS),
    ("roles.manage", "Change which permissions a role grants", ()),
]
