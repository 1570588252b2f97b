"""Reference data as the platform's administrators manage it: categories with their sub-categories,
brands, sizes, colours and units.

The rows are platform-wide (every shop files its products under them), so no tenant is in play and
stored images count against no shop's allowance. Storefronts read these tables directly (nothing
caches them), so a change shows on every public route at once.

Names are unique where the model says so: sizes, colours and units by name, categories and brands
by the slug made from the name (a sub-category's slug starts with its category's, so a name repeats
only under different categories). The database decides, so a duplicate sent by a concurrent request
is refused too (``Invalid`` on ``name``). A row that products use is never deleted (``InUse``): the
check here reads what the administrator may see, and the RESTRICT foreign keys refuse the rest
(products that row-level security hides, a product filed between the check and the delete).
"""

import peewee
from slugify import slugify

from kernel import db, storage, uploads
from plugins.catalog.models import (
    Brand, Category, Color, Product, ProductCategory, ProductColor, ProductSize, Size, Unit,
)

SLUG_LENGTH = Category.slug.max_length
# The category a sub-category belongs to, joined into every read of sub-categories.
MAIN = Category.alias("main_category")


class Invalid(Exception):
    """A change the catalog's rules refuse: ``errors`` is ``{field: [message]}`` (422)."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


class InUse(Exception):
    """The row is still used by other rows, so it stays (409)."""


class Gone(LookupError):
    """The row was deleted by another request while this one was changing it (404)."""


def _slug(name: str) -> str:
    slug = slugify(name)[:SLUG_LENGTH]
    if not slug:
        raise Invalid({"name": ["The name must contain a letter or a digit."]})
    return slug


def with_slug(fields: dict) -> dict:
    """The fields as columns, with the slug of a new name (``Invalid`` when the name has no letter or digit)."""
    columns = dict(fields)
    if "name" in fields:
        columns["slug"] = _slug(fields["name"])
    return columns


def stored_image_url(key: str | None) -> str | None:
    """The image's URL, or None when the row has none (the administrator sees the default is in use)."""
    return storage.backend().url(key) if key else None


class AdminTable:
    """One kind of platform-wide row that administrators manage: listing, finding, saving with its
    image, deleting. The reference data here are kinds of it; content's blogs use it too.

    A kind names its table, what messages call it, its order and, when it has one, the column of its
    uploaded image (the request field of the same name carries the file, ``remove_<column>`` drops
    it); it says which columns a change writes, whether other rows use a row and how a row is shown.
    """

    label = ""
    model: type[peewee.Model]
    order: tuple = ()
    image: str | None = None
    upload_kind = "image"
    prefix = ""
    # Whether other rows refer to rows of this kind, so that deleting one can be refused (409).
    referenced = True

    @property
    def in_use_message(self) -> str:
        return f"Products still use this {self.label}; change or remove them first."

    def rows(self):
        """Every row of this kind (categories and sub-categories share a table)."""
        return self.model.select()

    def listing(self, search: str | None = None):
        """The rows in their order, those whose name contains ``search`` when it is given."""
        query = self.rows().order_by(*self.order)
        if search:
            query = query.where(self.model.name.contains(search))
        return query

    def find(self, row_id: int):
        """The row of this kind with this id, or None."""
        return self.rows().where(self.model.id == row_id).first()

    def columns(self, fields: dict, row) -> dict:
        """The columns a change writes (``row`` is None when creating); runs inside the change's transaction."""
        return dict(fields)

    def after_save(self, row_id: int, row, fields: dict, columns: dict) -> None:
        """Keep dependent rows in step with a change (``row`` is None after creating), inside its transaction."""

    def duplicate(self, fields: dict, row) -> Invalid:
        """Why the database refused a change: the name is the only unique key of reference data."""
        return Invalid({"name": [f"A {self.label} with this name already exists."]})

    def in_use(self, row) -> bool:
        """Whether other rows still use this one (asked only of a ``referenced`` kind)."""
        raise NotImplementedError

    def images_of(self, row) -> list[str]:
        """The stored images that go when the row goes."""
        key = getattr(row, self.image) if self.image else None
        return [key] if key else []

    def payload(self, row) -> dict:
        raise NotImplementedError

    def payloads(self, rows) -> list[dict]:
        """A page of rows as shown (a kind that shows related rows loads them for the whole page at once)."""
        return [self.payload(row) for row in rows]

    def create(self, fields: dict):
        return self._save(None, fields)

    def update(self, row, fields: dict):
        return self._save(row, fields)

    def delete(self, row) -> None:
        """Delete a row nothing uses, with its images after commit; ``InUse`` otherwise."""
        try:
            with db.transaction():
                if self.referenced and self.in_use(row):
                    raise InUse(self.in_use_message)
                uploads.discard(self.images_of(row), None)
                if not self.model.delete().where(self.model.id == row.id).execute():
                    raise Gone(row.id)
        except peewee.IntegrityError:
            raise InUse(self.in_use_message) from None

    def _checked(self, upload) -> uploads.CheckedUpload | None:
        return uploads.check_field(self.image, upload, self.upload_kind)

    def _save(self, row, fields: dict):
        """Write a new or changed row and its image in one transaction.

        The image is recognised by its content before anything is written; a
        replaced or removed image is deleted after commit, and a new one is
        removed again when the change rolls back.
        """
        fields = dict(fields)
        image, remove_image = None, False
        if self.image is not None:
            image = self._checked(fields.pop(self.image, None))
            remove_image = fields.pop(f"remove_{self.image}", False)
        key = None
        try:
            with db.transaction():
                columns = self.columns(fields, row)
                if image is not None:
                    key = uploads.store(image, self.prefix, None)
                    columns[self.image] = key
                elif remove_image:
                    columns[self.image] = None
                if row is None:
                    row_id = self.model.insert(**columns).execute()
                else:
                    row_id = row.id
                    if columns and not self.model.update(**columns).where(self.model.id == row_id).execute():
                        raise Gone(row_id)
                    if self.image in columns:
                        uploads.discard([getattr(row, self.image)], None)
                self.after_save(row_id, row, fields, columns)
        except BaseException as exc:
            if key is not None:
                uploads.remove_now([key])
            if isinstance(exc, peewee.IntegrityError):
                raise self.duplicate(fields, row) from None
            raise
        saved = self.find(row_id)
        if saved is None:
            raise Gone(row_id)
        return saved


class Categories(AdminTable):
    """Top-level categories. Deleting one deletes its sub-categories, which products may not use either."""

    label = "category"
    model = Category
    order = (Category.sort_order, Category.id)
    image = "thumbnail"
    prefix = "catalog/categories"
    in_use_message = "Products are still filed under this category or one of its sub-categories; move them first."

    def rows(self):
        return Category.select().where(Category.parent.is_null())

    def columns(self, fields, row):
        return with_slug(fields)

    def after_save(self, row_id, row, fields, columns):
        """A renamed category's sub-categories take its new slug as their prefix, so names stay unique per category."""
        if row is None or "slug" not in columns:
            return
        for child in Category.select(Category.id, Category.name).where(Category.parent == row_id):
            slug = f"{columns['slug']}-{_slug(child.name)}"[:SLUG_LENGTH]
            Category.update(slug=slug).where(Category.id == child.id).execute()

    def in_use(self, row):
        family = Category.select(Category.id).where((Category.id == row.id) | (Category.parent == row.id))
        return (
            Product.across_tenants(Product.id).where(Product.category.in_(family)).exists()
            or ProductCategory.across_tenants(ProductCategory.id).where(ProductCategory.category.in_(family)).exists()
        )

    def images_of(self, row):
        family = Category.select(Category.thumbnail).where((Category.id == row.id) | (Category.parent == row.id))
        return [category.thumbnail for category in family if category.thumbnail]

    def payload(self, row):
        return {
            "id": row.id, "name": row.name, "slug": row.slug, "thumbnail": stored_image_url(row.thumbnail),
            "sort_order": row.sort_order, "is_active": row.is_active,
        }


class SubCategories(AdminTable):
    """Sub-categories, each belonging to a top-level category (``category_id``)."""

    label = "sub-category"
    model = Category
    order = (MAIN.sort_order, MAIN.id, Category.sort_order, Category.id)
    image = "thumbnail"
    prefix = "catalog/categories"
    in_use_message = "Products are still filed under this sub-category; move them first."

    def rows(self):
        return Category.select(Category, MAIN).join(MAIN, on=(Category.parent == MAIN.id))

    def listing(self, search: str | None = None, category_id: int | None = None):
        query = super().listing(search)
        if category_id is not None:
            query = query.where(Category.parent == category_id)
        return query

    def columns(self, fields, row):
        columns = {name: value for name, value in fields.items() if name != "category_id"}
        if "category_id" in fields:
            main = CATEGORIES.find(fields["category_id"])
            if main is None:
                raise Invalid({"category_id": ["The selected category is invalid."]})
            columns["parent"] = main.id
        else:
            main = row.parent
        if "name" in fields or "category_id" in fields:
            name = fields.get("name") or row.name
            columns["slug"] = f"{main.slug}-{_slug(name)}"[:SLUG_LENGTH]
        return columns

    def duplicate(self, fields, row):
        """A category deleted meanwhile fails the foreign key; otherwise the name is taken in the category."""
        main_id = fields.get("category_id") or row.parent_id
        if CATEGORIES.find(main_id) is None:
            return Invalid({"category_id": ["The selected category is invalid."]})
        return Invalid({"name": ["This category already has a sub-category with this name."]})

    def in_use(self, row):
        return (
            Product.across_tenants(Product.id).where(Product.category == row.id).exists()
            or ProductCategory.across_tenants(ProductCategory.id).where(ProductCategory.category == row.id).exists()
        )

    def payload(self, row):
        return {
            **CATEGORIES.payload(row),
            "category": {"id": row.parent.id, "name": row.parent.name},
        }


class Brands(AdminTable):
    label = "brand"
    model = Brand
    order = (Brand.name, Brand.id)
    image = "logo"
    upload_kind = "logo"
    prefix = "catalog/brands"

    def columns(self, fields, row):
        return with_slug(fields)

    def in_use(self, row):
        return Product.across_tenants(Product.id).where(Product.brand == row.id).exists()

    def payload(self, row):
        return {
            "id": row.id, "name": row.name, "slug": row.slug, "logo": stored_image_url(row.logo),
            "is_active": row.is_active,
        }


class Sizes(AdminTable):
    label = "size"
    model = Size
    order = (Size.sort_order, Size.id)

    def in_use(self, row):
        return ProductSize.across_tenants(ProductSize.id).where(ProductSize.size == row.id).exists()

    def payload(self, row):
        return {"id": row.id, "name": row.name, "sort_order": row.sort_order}


class Colors(AdminTable):
    """Colours with their ``#RRGGBB`` code, stored in capitals as the seeded ones are."""

    label = "color"
    model = Color
    order = (Color.name, Color.id)

    def columns(self, fields, row):
        columns = dict(fields)
        if "color_code" in fields:
            columns["color_code"] = fields["color_code"].upper()
        return columns

    def in_use(self, row):
        return ProductColor.across_tenants(ProductColor.id).where(ProductColor.color == row.id).exists()

    def payload(self, row):
        return {"id": row.id, "name": row.name, "color_code": row.color_code}


class Units(AdminTable):
    label = "unit"
    model = Unit
    order = (Unit.name, Unit.id)

    def in_use(self, row):
        return Product.across_tenants(Product.id).where(Product.unit == row.id).exists()

    def payload(self, row):
        return {"id": row.id, "name": row.name}


CATEGORIES = Categories()
SUB_CATEGORIES = SubCategories()
BRANDS = Brands()
SIZES = Sizes()
COLORS = Colors()
UNITS = Units()
