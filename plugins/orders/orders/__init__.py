"""Orders: one per shop of a checkout, their lines, status history, and the routes of customers and sellers."""
