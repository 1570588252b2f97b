"""QuteCat kernel: tenants, plans, users, plugins, HTTP, storage, queue and realtime transport.

The kernel knows no e-commerce word; every feature is a plugin under ``plugins/``
or a third-party package found through the ``qutecat.plugins`` entry points.
"""
