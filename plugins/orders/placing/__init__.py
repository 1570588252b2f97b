"""Placing orders from the cart: one order per shop under one payment, idempotently."""
