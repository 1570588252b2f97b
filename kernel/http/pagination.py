"""The one pagination helper: ``page``/``per_page`` in, ``total`` plus a named list out."""

from marshmallow import Schema, fields, validate

# Without page and per_page the original API returned every row; keep a ceiling.
UNPAGED_CEILING = 1000
MAX_PER_PAGE = 100


class PageQuery(Schema):
    """Query keys shared by paginated routes; bare or empty keys mean absent."""

    page = fields.Integer(validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE))


def paginate(query, params: dict, list_key: str, serialize, default_per_page: int | None = None,
             total: int | None = None) -> dict:
    """Slice a peewee query and return ``{total, page, per_page, <list_key>: [...]}``.

    ``total`` counts every matching row, unless the caller counted them its own
    way and passes it. Without ``page`` and ``per_page`` (and no default) all
    rows up to a ceiling come back, as the app expects.
    """
    page = params.get("page")
    per_page = params.get("per_page") or (default_per_page if page or default_per_page else None)
    if total is None:
        total = query.count()
    if page is None and per_page is None:
        rows = query.limit(UNPAGED_CEILING)
    else:
        page = page or 1
        per_page = per_page or 20
        rows = query.paginate(page, per_page)
    result = {"total": total, list_key: [serialize(row) for row in rows]}
    if per_page is not None:
        result["page"] = page
        result["per_page"] = per_page
    return result
