"""The customer's cart across shops: lines, prices, the checkout summary and both route sets."""
