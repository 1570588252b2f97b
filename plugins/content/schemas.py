"""Request and response schemas of the content routes (FLUTTER_CONTRACT.md sections 3.3 and 3.12)."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from kernel.http.fields import File, WholeNumber
from kernel.http.openapi import MAX_ID
from kernel.http.pagination import PageQuery
from plugins.accounts.schemas import UserOut
from plugins.catalog.storefront.schemas import BannerOut, ProductCardOut


class BannerListData(Schema):
    banners = fields.List(fields.Nested(BannerOut), required=True)


class BlogCategoryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class BlogAuthorOut(Schema):
    name = fields.String(required=True)
    profile_photo = fields.String(required=True)


class BlogOut(Schema):
    """``Blogs``: ``description`` is plain text cut to 200 characters."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    slug = fields.String(required=True)
    category = fields.Nested(BlogCategoryOut, required=True)
    post_by = fields.Nested(BlogAuthorOut, required=True)
    thumbnail = fields.String(required=True)
    total_views = fields.Integer(required=True)
    description = fields.String(required=True)
    created_at = fields.String(required=True)
    is_new = fields.Boolean(required=True)


class BlogTagOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)


class BlogDetailOut(BlogOut):
    """The ``Blogs`` keys with ``description`` as full HTML, plus the tags."""

    tags = fields.List(fields.Nested(BlogTagOut), required=True)


class BlogListQuery(PageQuery):
    category_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


class BlogListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    blogs = fields.List(fields.Nested(BlogOut), required=True)
    categories = fields.List(fields.Nested(BlogCategoryOut), required=True)


class BlogDetailsData(Schema):
    blog = fields.Nested(BlogDetailOut, required=True)
    related_blogs = fields.List(fields.Nested(BlogOut), required=True)
    popular_blogs = fields.List(fields.Nested(BlogOut), required=True)
    related_products = fields.List(fields.Nested(ProductCardOut), required=True)


# -- banner management -----------------------------------------------------------------------------


class BannerUpdateIn(Schema):
    """A banner's changes, as multipart form fields (``thumbnail`` a JPEG, PNG, GIF or WebP of at most 5 MB)."""

    title = fields.String(validate=[
        validate.Length(max=160), validate.Regexp(r"^[^\r\n]*$", error="Must be one line."),
    ])
    link = fields.String(validate=[
        validate.Length(max=500),
        validate.Regexp(r"^(https?://|/)\S*$", error="Must be an http(s) URL or a path starting with /."),
    ])
    sort_order = fields.Integer(validate=validate.Range(min=0, max=100_000))
    is_active = fields.Boolean()
    thumbnail = File()

    @validates_schema
    def _changes_something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.")


class BannerCreateIn(BannerUpdateIn):
    thumbnail = File(required=True)


class ManagedBannerOut(BannerOut):
    sort_order = fields.Integer(required=True)
    is_active = fields.Boolean(required=True)


class ManagedBannerData(Schema):
    banner = fields.Nested(ManagedBannerOut, required=True)


class ManagedBannerListData(Schema):
    banners = fields.List(fields.Nested(ManagedBannerOut), required=True)


# -- the original seller app's banner routes (FLUTTER_CONTRACT.md section 12.1) ----------------------


class SellerBannerStoreIn(BannerCreateIn):
    """The original form: an optional ``title`` and the image as ``banner``."""

    class Meta:
        unknown = EXCLUDE

    thumbnail = File(required=True, data_key="banner")


class SellerBannerUpdateIn(BannerUpdateIn):
    """The original form: the banner's ``id`` and a new image as ``banner`` (or other changes)."""

    class Meta:
        unknown = EXCLUDE

    id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))
    thumbnail = File(data_key="banner")

    @validates_schema
    def _changes_something(self, data, **kwargs):
        if not set(data) - {"id"}:
            raise ValidationError("Send a new banner image or another field to change.")


class SellerBannerUserData(Schema):
    """The original routes answer with the seller's account, as its login does."""

    user = fields.Nested(UserOut, required=True)


class SellerBannerChangeData(SellerBannerUserData):
    banner = fields.Nested(ManagedBannerOut, required=True)
