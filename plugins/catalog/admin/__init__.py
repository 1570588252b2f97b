"""The platform administrators' management of the catalog's reference data: categories and their
sub-categories, brands, sizes, colours and units (``/api/admin/...``)."""
