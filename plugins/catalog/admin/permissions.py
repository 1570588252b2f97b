"""The permissions of reference-data management, granted to platform administrators (root holds every one)."""

ADMINS = ("superadmin",)

PERMISSIONS = [
    ("categories.manage", "List, add, change and remove categories and sub-categories", ADMINS),
    ("brands.manage", "List, add, change and remove brands", ADMINS),
    ("sizes.manage", "List, add, change and remove sizes", ADMINS),
    ("colors.manage", "List, add, change and remove colours", ADMINS),
    ("units.manage", "List, add, change and remove units", ADMINS),
]
