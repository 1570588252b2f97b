"""The permissions of addresses, the cart and orders: customers for their own, sellers for their shop's."""

CUSTOMERS = ("customer",)
SELLERS = ("seller",)

PERMISSIONS = [
    ("addresses.manage", "See, add, change and remove one's own delivery addresses", CUSTOMERS),
    ("cart.manage", "Fill one's own cart and see its checkout summary", CUSTOMERS),
    ("orders.place", "Place one's cart as orders, and order a delivered order again", CUSTOMERS),
    ("orders.own", "See, cancel and pay one's own orders", CUSTOMERS),
    ("orders.view", "See the own shop's orders", SELLERS),
    ("orders.update", "Move the own shop's orders through their statuses", SELLERS),
    ("orders.review", "Rate the products of one's own delivered orders", CUSTOMERS),
    ("returns.own", "Ask to return products of one's own delivered orders and follow those returns", CUSTOMERS),
    ("returns.view", "See the own shop's returns", SELLERS),
    ("returns.update", "Approve (and so refund) or refuse the own shop's returns", SELLERS),
    ("coupons.use", "Collect vouchers and try coupon codes on one's own cart", CUSTOMERS),
    ("coupons.manage", "Add, change and remove the platform's coupons", ("superadmin",)),
    ("shop.coupons.manage", "Add, change and remove the own shop's coupons", SELLERS),
]
