"""Returns: a customer asks to send back lines of a delivered order; the shop decides, and an approval refunds."""
