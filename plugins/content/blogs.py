"""Blogs as the app reads them (FLUTTER_CONTRACT.md section 3.12): lists, details, views."""

import datetime as dt
import re

from markupsafe import Markup
from peewee import JOIN

from kernel import db
from kernel.models import User
from kernel.orm import utcnow
from plugins.catalog.browse.queries import product_listing
from plugins.catalog.payloads import DEFAULT_SHOP_BANNER, image_url, product_cards
from plugins.content.models import Blog, BlogCategory, BlogTag, BlogTagLink

DEFAULT_AVATAR = "defaults/avatar.png"
EXCERPT_LENGTH = 200
NEW_FOR = dt.timedelta(days=7)
RELATED_BLOGS = 4
POPULAR_BLOGS = 4
RELATED_PRODUCTS = 6
AUTHOR_FALLBACK = "Admin"
BLOCK_TAG = re.compile(r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|td|th|blockquote|section|article)\b[^>]*>", re.I)


class BlogNotFound(LookupError):
    """No active blog has this id or slug."""


def excerpt(html: str) -> str:
    """Plain text of an HTML body, cut to 200 characters as the original's ``Str::limit``."""
    # Block boundaries become spaces first, so "<p>One.</p><p>Two</p>" reads "One. Two".
    text = " ".join(Markup(BLOCK_TAG.sub(" ", html or "")).striptags().split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rstrip() + "..."


def listed_blogs():
    """Active blogs with their category and author, newest first (one query for any page)."""
    return (
        Blog.select(Blog, BlogCategory, User)
        .join(BlogCategory)
        .switch(Blog)
        .join(User, JOIN.LEFT_OUTER)
        .where(Blog.is_active == True)  # noqa: E712
        .order_by(Blog.created_at.desc(), Blog.id.desc())
    )


def blog_payload(blog: Blog, now: dt.datetime | None = None) -> dict:
    """``Blogs`` (section 3.12): plain-text description; ``created_at`` shown as is (``d M, Y``)."""
    now = now or utcnow()
    author = blog.author
    return {
        "id": blog.id,
        "title": blog.title,
        "slug": blog.slug,
        "category": {"id": blog.category.id, "name": blog.category.name},
        "post_by": {
            "name": author.name if author else AUTHOR_FALLBACK,
            "profile_photo": image_url(author.avatar if author else None, DEFAULT_AVATAR),
        },
        "thumbnail": image_url(blog.thumbnail, DEFAULT_SHOP_BANNER),
        "total_views": blog.total_views,
        "description": excerpt(blog.description),
        "created_at": blog.created_at.strftime("%d %b, %Y"),
        "is_new": now - blog.created_at < NEW_FOR,
    }


def categories() -> list[dict]:
    rows = BlogCategory.select().where(BlogCategory.is_active == True)  # noqa: E712
    return [{"id": c.id, "name": c.name} for c in rows.order_by(BlogCategory.sort_order, BlogCategory.id)]


def blog_list(category_id: int | None):
    """The query behind ``GET /api/blogs``, narrowed to a category when one is given."""
    query = listed_blogs()
    if category_id is not None:
        query = query.where(Blog.category == category_id)
    return query


def find(key: str) -> Blog:
    """An active blog by numeric id or by slug (a key no slug can be is simply not found)."""
    if "\x00" in key or len(key) > Blog.slug.max_length:
        raise BlogNotFound(key)
    condition = Blog.id == int(key) if key.isascii() and key.isdigit() and len(key) < 10 else Blog.slug == key
    blog = listed_blogs().where(condition).first()
    if blog is None:
        raise BlogNotFound(key)
    return blog


def count_view(blog: Blog) -> None:
    """Add one view, atomically in the database (concurrent readers never lose a count)."""
    with db.transaction():
        Blog.update(total_views=Blog.total_views + 1).where(Blog.id == blog.id).execute()
    blog.total_views += 1


def _tags(blog: Blog) -> list[dict]:
    rows = BlogTag.select().join(BlogTagLink).where(BlogTagLink.blog == blog.id).order_by(BlogTag.name, BlogTag.id)
    return [{"id": t.id, "name": t.name, "slug": t.slug} for t in rows]


def details(key: str, tenant, user_id: int | None) -> dict:
    """``BlogDetails``: the full HTML body with tags, related and popular blogs, and products
    from this storefront (its popular ones, since a blog names no products). Counts the view."""
    blog = find(key)
    count_view(blog)
    now = utcnow()
    others = listed_blogs().where(Blog.id != blog.id)
    related = others.where(Blog.category == blog.category_id).limit(RELATED_BLOGS)
    popular = others.order_by(Blog.total_views.desc(), Blog.id.desc()).limit(POPULAR_BLOGS)
    products = product_listing(tenant, {"sort_type": "popular"}, user_id).limit(RELATED_PRODUCTS)
    return {
        "blog": {**blog_payload(blog, now), "description": blog.description or "", "tags": _tags(blog)},
        "related_blogs": [blog_payload(b, now) for b in related],
        "popular_blogs": [blog_payload(b, now) for b in popular],
        "related_products": product_cards(products, user_id),
    }
