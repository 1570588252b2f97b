"""The customer's delivery addresses and both route sets."""
