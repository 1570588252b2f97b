"""Request and response schemas of blog and blog-category management.

A blog's body is a multipart form (``thumbnail`` a JPEG, PNG, GIF or WebP of at
most 5 MB; ``tags[]`` repeated) or JSON without an image. A change (PUT)
sends only the fields it changes; ``tags`` replaces the blog's tags.
"""

from marshmallow import Schema, fields, pre_load, validate

from kernel.http.fields import File, Line, WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.catalog.admin.schemas import AdminListQuery, Changes
from plugins.content.models import Blog, BlogCategory, BlogTag

ID = validate.Range(min=1, max=MAX_ID)
MAX_TAGS = 20
# HTML of a long article with its markup; the model's column is unbounded.
DESCRIPTION_LENGTH = 100_000


# -- blog categories -----------------------------------------------------------------------------


class BlogCategoryChangesIn(Changes):
    name = Line(validate=validate.Length(min=1, max=BlogCategory.name.max_length))
    sort_order = WholeNumber(validate=validate.Range(min=0, max=100_000))
    is_active = fields.Boolean()


class BlogCategoryIn(BlogCategoryChangesIn):
    name = Line(required=True, validate=validate.Length(min=1, max=BlogCategory.name.max_length))


class ManagedBlogCategoryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    sort_order = fields.Integer(required=True)
    is_active = fields.Boolean(required=True)


class ManagedBlogCategoryData(Schema):
    blog_category = fields.Nested(ManagedBlogCategoryOut, required=True)


class ManagedBlogCategoryListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    blog_categories = fields.List(fields.Nested(ManagedBlogCategoryOut), required=True)


# -- blogs -----------------------------------------------------------------------------------------


class ManagedBlogListQuery(AdminListQuery):
    search = Line(validate=validate.Length(max=120), metadata={"description": "Part of the title"})
    category_id = WholeNumber(validate=ID, metadata={"description": "Only this blog category's blogs"})


class BlogChangesIn(Changes):
    """``remove_thumbnail`` brings the default image back; ``is_active`` false hides the blog from the app."""

    title = Line(validate=validate.Length(min=1, max=Blog.title.max_length))
    description = fields.String(validate=validate.Length(min=1, max=DESCRIPTION_LENGTH),
                                metadata={"description": "The body, as HTML"})
    category_id = WholeNumber(validate=ID, metadata={"description": "The blog category"})
    tags = fields.List(Line(validate=validate.Length(max=BlogTag.name.max_length)),
                       validate=validate.Length(max=MAX_TAGS))
    thumbnail = File()
    remove_thumbnail = fields.Boolean()
    is_active = fields.Boolean()

    @pre_load
    def _one_tag_is_a_list(self, data, **kwargs):
        """A form sending one ``tags`` value (not ``tags[]``) names one tag."""
        if isinstance(data.get("tags"), str):
            data = {**data, "tags": [data["tags"]]}
        return data


class BlogIn(BlogChangesIn):
    title = Line(required=True, validate=validate.Length(min=1, max=Blog.title.max_length))
    description = fields.String(required=True, validate=validate.Length(min=1, max=DESCRIPTION_LENGTH),
                                metadata={"description": "The body, as HTML"})
    category_id = WholeNumber(required=True, validate=ID, metadata={"description": "The blog category"})


class ManagedBlogCategoryRefOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ManagedBlogOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    slug = fields.String(required=True)
    category = fields.Nested(ManagedBlogCategoryRefOut, required=True)
    author = fields.String(required=True, allow_none=True)
    thumbnail = fields.String(required=True, allow_none=True, metadata={"description": "Null: the default image"})
    description = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    is_active = fields.Boolean(required=True)
    total_views = fields.Integer(required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class ManagedBlogData(Schema):
    blog = fields.Nested(ManagedBlogOut, required=True)


class ManagedBlogListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    blogs = fields.List(fields.Nested(ManagedBlogOut), required=True)
