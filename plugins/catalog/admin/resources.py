"""Thin Falcon resources of reference-data management: ``/api/admin/<kind>`` lists and adds,
``/api/admin/<kind>/{id}`` changes and deletes, for categories, sub-categories, brands, sizes,
colours and units.

Every kind of administrator-managed row behaves alike, so :func:`admin_routes` builds a kind's two
routes from its service (``services.AdminTable``), its permission and its schemas (content's blog
management uses it too); every responder still carries its own ``op`` contract and OpenAPI schemas.
"""

from kernel import uploads
from kernel.http import APIError, Route, ok, op, paginate, upload_error, validation_error
from plugins.catalog.admin import schemas, services

TAGS = ("admin catalog",)
FORM = "multipart/form-data"
# Room for a body's fields besides its image (and the whole of a JSON body).
FIELDS_ROOM = 64 * 1024


def _call(title: str, call, *args):
    """Run a service call on rows of the kind ``title`` names, turning its refusals into the envelope's errors."""
    try:
        return call(*args)
    except services.Gone:
        raise APIError(404, f"{title} not found.") from None
    except uploads.UploadRejected as exc:
        raise upload_error(exc) from None
    except services.Invalid as exc:
        raise validation_error(exc.errors) from None
    except services.InUse as exc:
        raise APIError(409, str(exc)) from None


def admin_routes(path: str, kind: services.AdminTable, *, permission: str, singular: str, list_query, list_data,
                 data, create_body, change_body, filters=("search",), tags=TAGS,
                 fields_room: int = FIELDS_ROOM) -> list[Route]:
    """The collection route (list, add) and the item route (change, delete) of one kind of managed rows.

    Args:
        path: the kind's segment after ``/api/admin/``; its list key is the same with ``_``.
        kind: the service that lists, finds, saves and deletes the rows.
        singular: the key of one row in ``data``.
        filters: the ``list_query`` keys passed to ``kind.listing``.
        fields_room: bytes allowed for a body's fields besides its image.
    """
    plural = path.replace("-", "_")
    label = kind.label
    title = label[0].upper() + label[1:]
    with_image = kind.image is not None
    content_type = FORM if with_image else "application/json"
    max_body = uploads.LIMITS[kind.upload_kind] + fields_room if with_image else fields_room
    upload_errors = (413,) if with_image else ()
    image_note = f" (multipart, with an optional {kind.image})" if with_image else ""
    delete_errors = (404, 409) if kind.referenced else (404,)
    delete_note = " (409 while other rows use it)" if kind.referenced else ""
    hidden_note = ", inactive ones included" if "is_active" in kind.model._meta.fields else ""

    def find_or_404(row_id: int):
        row = kind.find(row_id)
        if row is None:
            raise APIError(404, f"{title} not found.")
        return row

    class Collection:
        @op(permission=permission, query=list_query, response=list_data, tags=tags,
            summary=f"Every {label}{hidden_note} (page and per_page page the list)")
        def on_get(self, req, resp):
            params = req.context.query
            query = kind.listing(**{name: params.get(name) for name in filters})
            page = paginate(query, params, plural, lambda row: row)
            page[plural] = kind.payloads(page[plural])
            ok(resp, page)

        @op(permission=permission, body=create_body, content_type=content_type, max_body=max_body, response=data,
            status=201, errors=upload_errors, tags=tags, summary=f"Add a {label}{image_note}")
        def on_post(self, req, resp):
            row = _call(title, kind.create, req.context.body)
            ok(resp, {singular: kind.payload(row)}, f"{title} created.", status=201)

    class Item:
        @op(permission=permission, body=change_body, content_type=content_type, max_body=max_body, response=data,
            errors=(404, *upload_errors), tags=tags, summary=f"Change a {label} (only the fields sent)")
        def on_put(self, req, resp, row_id):
            row = _call(title, kind.update, find_or_404(row_id), req.context.body)
            ok(resp, {singular: kind.payload(row)}, f"{title} updated.")

        @op(permission=permission, errors=delete_errors, tags=tags, summary=f"Delete a {label}{delete_note}")
        def on_delete(self, req, resp, row_id):
            _call(title, kind.delete, find_or_404(row_id))
            ok(resp, message=f"{title} deleted.")

    return [Route(f"/api/admin/{path}", Collection()), Route(f"/api/admin/{path}/{{row_id:int}}", Item())]


def routes() -> list[Route]:
    s = schemas
    return [
        *admin_routes("categories", services.CATEGORIES, permission="categories.manage", singular="category",
                      list_query=s.AdminListQuery, list_data=s.ManagedCategoryListData, data=s.ManagedCategoryData,
                      create_body=s.CategoryIn, change_body=s.CategoryChangesIn),
        *admin_routes("sub-categories", services.SUB_CATEGORIES, permission="categories.manage",
                      singular="sub_category", list_query=s.SubCategoryListQuery,
                      list_data=s.ManagedSubCategoryListData, data=s.ManagedSubCategoryData,
                      create_body=s.SubCategoryIn, change_body=s.SubCategoryChangesIn,
                      filters=("search", "category_id")),
        *admin_routes("brands", services.BRANDS, permission="brands.manage", singular="brand",
                      list_query=s.AdminListQuery, list_data=s.ManagedBrandListData, data=s.ManagedBrandData,
                      create_body=s.BrandIn, change_body=s.BrandChangesIn),
        *admin_routes("sizes", services.SIZES, permission="sizes.manage", singular="size",
                      list_query=s.AdminListQuery, list_data=s.ManagedSizeListData, data=s.ManagedSizeData,
                      create_body=s.SizeIn, change_body=s.SizeChangesIn),
        *admin_routes("colors", services.COLORS, permission="colors.manage", singular="color",
                      list_query=s.AdminListQuery, list_data=s.ManagedColorListData, data=s.ManagedColorData,
                      create_body=s.ColorIn, change_body=s.ColorChangesIn),
        *admin_routes("units", services.UNITS, permission="units.manage", singular="unit",
                      list_query=s.AdminListQuery, list_data=s.ManagedUnitListData, data=s.ManagedUnitData,
                      create_body=s.UnitIn, change_body=s.UnitIn),
    ]
