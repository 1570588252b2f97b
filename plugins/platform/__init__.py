"""Platform configuration (being built)."""
