"""Blogs and blog categories as the platform's administrators manage them.

Both are platform content (one editorial voice for every storefront), so no tenant is in play and
a blog's image counts against no shop's allowance. ``GET /api/blogs`` and the blog details read the
tables directly (nothing caches them), so a change shows there at once.

A blog's slug is made from its title when the blog is created and then kept, so links to it stay
valid when the title is edited; a title whose slug is taken (or is all digits, which the details
route reads as an id) gets a short random suffix. Tags are named by the administrator and shared
by every blog that uses the same name.
"""

import secrets

from peewee import JOIN
from slugify import slugify

from kernel import context
from kernel.models import User
from kernel.orm import utcnow
from plugins.catalog.admin.services import AdminTable, Invalid, stored_image_url, with_slug
from plugins.content.models import Blog, BlogCategory, BlogTag, BlogTagLink


class BlogCategories(AdminTable):
    label = "blog category"
    model = BlogCategory
    order = (BlogCategory.sort_order, BlogCategory.id)
    in_use_message = "Blogs are still filed under this category; move them first."

    def columns(self, fields, row):
        return with_slug(fields)

    def in_use(self, row):
        return Blog.select(Blog.id).where(Blog.category == row.id).exists()

    def payload(self, row):
        return {
            "id": row.id, "name": row.name, "slug": row.slug, "sort_order": row.sort_order,
            "is_active": row.is_active,
        }


def _free_slug(title: str) -> str:
    """A slug for a new blog: the title's, or with a random suffix when that one is taken or all digits."""
    limit = Blog.slug.max_length
    slug = slugify(title)[:limit]
    if not slug:
        raise Invalid({"title": ["The title must contain a letter or a digit."]})
    if slug.isdigit() or Blog.select(Blog.id).where(Blog.slug == slug).exists():
        slug = f"{slug[:limit - 7]}-{secrets.token_hex(3)}"
    return slug


def _tag_ids(names: list[str]) -> list[int]:
    """The ids of the named tags, adding the missing ones; names that slug alike are one tag."""
    slugs = {}
    for name in names:
        slug = slugify(name)[:BlogTag.slug.max_length]
        if not slug:
            raise Invalid({"tags": ["Each tag must contain a letter or a digit."]})
        slugs.setdefault(slug, name)
    if not slugs:
        return []
    # Two requests adding the same new tag at once: the second insert is ignored, both read the one row.
    BlogTag.insert_many([{"name": name, "slug": slug} for slug, name in slugs.items()]).on_conflict_ignore().execute()
    ids = {tag.slug: tag.id for tag in BlogTag.select(BlogTag.id, BlogTag.slug).where(BlogTag.slug.in_(list(slugs)))}
    return [ids[slug] for slug in slugs]


class Blogs(AdminTable):
    """Blogs, newest first; the creating administrator is the author, ``tags`` replaces the blog's tags."""

    label = "blog"
    model = Blog
    order = (Blog.created_at.desc(), Blog.id.desc())
    image = "thumbnail"
    prefix = "content/blogs"
    referenced = False

    def rows(self):
        return Blog.select(Blog, BlogCategory, User).join(BlogCategory).switch(Blog).join(User, JOIN.LEFT_OUTER)

    def listing(self, search: str | None = None, category_id: int | None = None):
        query = self.rows().order_by(*self.order)
        if search:
            query = query.where(Blog.title.contains(search))
        if category_id is not None:
            query = query.where(Blog.category == category_id)
        return query

    def columns(self, fields, row):
        columns = {name: value for name, value in fields.items() if name not in ("category_id", "tags")}
        if "category_id" in fields:
            if BLOG_CATEGORIES.find(fields["category_id"]) is None:
                raise Invalid({"category_id": ["The selected blog category is invalid."]})
            columns["category"] = fields["category_id"]
        if row is None:
            columns["slug"] = _free_slug(fields["title"])
            columns["author"] = context.user_id()
        else:
            columns["updated_at"] = utcnow()
        return columns

    def after_save(self, row_id, row, fields, columns):
        if "tags" not in fields:
            return
        BlogTagLink.delete().where(BlogTagLink.blog == row_id).execute()
        links = [{"blog": row_id, "tag": tag_id} for tag_id in _tag_ids(fields["tags"])]
        if links:
            BlogTagLink.insert_many(links).execute()

    def duplicate(self, fields, row):
        """A category deleted meanwhile fails its foreign key; otherwise another blog took the slug meanwhile."""
        if "category_id" in fields and BLOG_CATEGORIES.find(fields["category_id"]) is None:
            return Invalid({"category_id": ["The selected blog category is invalid."]})
        return Invalid({"title": ["A blog with this title was saved at the same moment; send it again."]})

    def payloads(self, rows):
        """Blogs with their tag names, loaded for the whole page in one query."""
        rows = list(rows)
        tags: dict[int, list[str]] = {row.id: [] for row in rows}
        if rows:
            links = (
                BlogTagLink.select(BlogTagLink.blog, BlogTag.name).join(BlogTag)
                .where(BlogTagLink.blog.in_(list(tags))).order_by(BlogTag.name, BlogTag.id)
            )
            for link in links:
                tags[link.blog_id].append(link.tag.name)
        return [self._payload(row, tags[row.id]) for row in rows]

    def payload(self, row):
        return self.payloads([row])[0]

    def _payload(self, row, tags: list[str]) -> dict:
        return {
            "id": row.id,
            "title": row.title,
            "slug": row.slug,
            "category": {"id": row.category.id, "name": row.category.name},
            "author": row.author.name if row.author else None,
            "thumbnail": stored_image_url(row.thumbnail),
            "description": row.description,
            "tags": tags,
            "is_active": row.is_active,
            "total_views": row.total_views,
            "created_at": row.created_at.isoformat(sep=" ", timespec="seconds"),
            "updated_at": row.updated_at.isoformat(sep=" ", timespec="seconds"),
        }


BLOG_CATEGORIES = BlogCategories()
BLOGS = Blogs()
