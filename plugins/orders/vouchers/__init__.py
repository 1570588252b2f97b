"""Coupons (the app's vouchers): platform-wide and shop-specific codes, collected and used by customers."""
