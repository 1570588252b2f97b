"""Content tables.

Platform banners, blogs, blog categories and tags are platform-wide (one
editorial voice for every storefront). Shop banners are tenant-owned: a shop
writes only its own, and PostgreSQL lets every storefront read the active ones.
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, TenantModel, utcnow


class PlatformBanner(BaseModel):
    """A banner of the marketplace home screen."""

    title = peewee.CharField(max_length=160, default="")
    thumbnail = peewee.CharField(max_length=255)
    link = peewee.CharField(max_length=500, null=True)
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("is_active", "sort_order"), False),)


class ShopBanner(TenantModel):
    """A banner of one shop's storefront (its home on its own host, its page on the marketplace)."""

    title = peewee.CharField(max_length=160, default="")
    thumbnail = peewee.CharField(max_length=255)
    link = peewee.CharField(max_length=500, null=True)
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("tenant_id", "is_active", "sort_order"), False),)


class BlogCategory(BaseModel):
    name = peewee.CharField(max_length=120)
    slug = peewee.CharField(max_length=140, unique=True)
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)


class BlogTag(BaseModel):
    name = peewee.CharField(max_length=80)
    slug = peewee.CharField(max_length=100, unique=True)


class Blog(BaseModel):
    """A blog post; ``description`` is HTML, ``total_views`` counts detail views."""

    title = peewee.CharField(max_length=200)
    slug = peewee.CharField(max_length=220, unique=True)
    category = peewee.ForeignKeyField(BlogCategory, backref="blogs", on_delete="RESTRICT")
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    thumbnail = peewee.CharField(max_length=255, null=True)
    description = peewee.TextField(default="")
    total_views = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("is_active", "created_at"), False),
            (("category", "is_active", "created_at"), False),
            (("total_views",), False),
        )


class BlogTagLink(BaseModel):
    blog = peewee.ForeignKeyField(Blog, backref="tag_links", on_delete="CASCADE")
    tag = peewee.ForeignKeyField(BlogTag, backref="blog_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("blog", "tag"), True), (("tag",), False))


MODELS = [PlatformBanner, ShopBanner, BlogCategory, BlogTag, Blog, BlogTagLink]
