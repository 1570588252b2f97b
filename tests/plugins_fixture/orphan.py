"""A plugin that depends on a plugin nobody provides; found through an entry point."""

MANIFEST = {
    "version": "0.1.0",
    "summary": "Needs the loyalty_points plugin, which is not installed.",
    "depends": ["loyalty_points"],
    "features": ["orphan.feature"],
}
