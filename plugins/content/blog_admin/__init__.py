"""The platform administrators' management of blogs and blog categories (``/api/admin/blogs``,
``/api/admin/blog-categories``), over the catalog's administrator-managed rows (``catalog.admin``)."""
