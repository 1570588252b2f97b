"""Demo content: platform banners, the demo shop's banners, blog categories, tags and blogs.

Images are drawn locally (``images``) and stored once; rows are inserted only
when missing (``kernel.seeddata.ensure``), so the phase can be re-run.
"""

import datetime as dt

from kernel import context
from kernel.models import Tenant, User
from kernel.orm import utcnow
from kernel.seeddata import ensure, load
from kernel.seeding import Seeder
from plugins.content import images
from plugins.content.models import Blog, BlogCategory, BlogTag, BlogTagLink, PlatformBanner, ShopBanner

AUTHOR_EMAIL = "root@qutekart.com"


def seed_banners(ctx) -> None:
    """Demo banners go only where there are none yet: a banner an administrator or seller
    removed stays removed when the phase runs again."""
    data = load("demo", "content")
    platform_rows = [] if PlatformBanner.select().exists() else data["platform_banners"]
    for position, row in enumerate(platform_rows):
        key = images.ensure_image(f"content/banners/{row['slug']}.jpg", row["title"], images.BANNER_SIZE, row["color"])
        ensure(PlatformBanner, {"title": row["title"]}, {"thumbnail": key, "link": row["link"], "sort_order": position})
    for slug, rows in data["shop_banners"].items():
        shop = Tenant.get_or_none(Tenant.slug == slug)
        if shop is None:
            continue
        with context.use(tenant=shop.id):
            if ShopBanner.select().exists():
                continue
            for position, row in enumerate(rows):
                key = images.ensure_image(
                    f"content/shops/{shop.id}/{row['slug']}.jpg", row["title"], images.BANNER_SIZE, row["color"]
                )
                ensure(ShopBanner, {"tenant_id": shop.id, "title": row["title"]},
                       {"thumbnail": key, "link": row["link"], "sort_order": position})


def seed_blogs(ctx) -> None:
    data = load("demo", "content")
    categories = {
        row["slug"]: ensure(BlogCategory, {"slug": row["slug"]}, {"name": row["name"], "sort_order": position})[0]
        for position, row in enumerate(data["blog_categories"])
    }
    tags = {row["slug"]: ensure(BlogTag, {"slug": row["slug"]}, {"name": row["name"]})[0] for row in data["blog_tags"]}
    author = User.get_or_none(User.email == AUTHOR_EMAIL)
    now = utcnow()
    for row in data["blogs"]:
        key = images.ensure_image(f"content/blogs/{row['slug']}.jpg", row["title"], images.BLOG_SIZE, row["color"])
        created = now - dt.timedelta(days=row["days_ago"])
        blog, _ = ensure(Blog, {"slug": row["slug"]}, {
            "title": row["title"], "category": categories[row["category"]], "author": author, "thumbnail": key,
            "description": row["description"], "created_at": created, "updated_at": created,
        })
        for tag in row["tags"]:
            ensure(BlogTagLink, {"blog": blog, "tag": tags[tag]})


SEEDERS = [
    Seeder("demo", "banners", seed_banners, order=60),
    Seeder("demo", "blogs", seed_blogs, order=60),
]
