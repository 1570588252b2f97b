"""The routes of blog and blog-category management, built like the catalog's reference data."""

from kernel.http import Route
from plugins.catalog.admin.resources import admin_routes
from plugins.catalog.admin.schemas import AdminListQuery
from plugins.content.blog_admin import schemas, services

TAGS = ("admin content",)
# A blog's fields besides its image: the HTML body at its longest (4 bytes a character at worst) and the rest.
BLOG_FIELDS_ROOM = 4 * schemas.DESCRIPTION_LENGTH + 64 * 1024


def routes() -> list[Route]:
    s = schemas
    return [
        *admin_routes("blogs", services.BLOGS, permission="blogs.manage", singular="blog",
                      list_query=s.ManagedBlogListQuery, list_data=s.ManagedBlogListData, data=s.ManagedBlogData,
                      create_body=s.BlogIn, change_body=s.BlogChangesIn, filters=("search", "category_id"),
                      tags=TAGS, fields_room=BLOG_FIELDS_ROOM),
        *admin_routes("blog-categories", services.BLOG_CATEGORIES, permission="blog_categories.manage",
                      singular="blog_category", list_query=AdminListQuery,
                      list_data=s.ManagedBlogCategoryListData, data=s.ManagedBlogCategoryData,
                      create_body=s.BlogCategoryIn, change_body=s.BlogCategoryChangesIn, tags=TAGS),
    ]
