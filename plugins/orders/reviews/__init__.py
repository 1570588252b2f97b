"""Reviews from an order: the customer rates a product of one of their delivered orders (the app's
``POST /api/product-review``). The review itself is the catalog's; this package checks the order.
"""
