"""Content: banners per storefront, blogs with categories and tags, blog details, demo content seeding."""

import datetime as dt
import io

from PIL import Image
from urllib3 import encode_multipart_formdata

import catalog_fixtures as f
from contract import assert_dart_types
from kernel import context, db, seeding, storage
from kernel.orm import utcnow
from plugins.content.models import Blog, BlogCategory, BlogTag, BlogTagLink, PlatformBanner, ShopBanner

BANNER = {"id": "int!", "title": "String!", "thumbnail": "String!"}
BLOG = {
    "id": "int!", "title": "String!", "slug": "String!", "category": "Map!", "category.id": "int!",
    "category.name": "String!", "post_by": "Map!", "post_by.name": "String!", "post_by.profile_photo": "String!",
    "thumbnail": "String!", "total_views": "int!", "description": "String!", "created_at": "String!", "is_new": "bool!",
}
CARD = {
    "id": "int!", "name": "String!", "thumbnail": "String!", "price": "double!", "discount_price": "double!",
    "rating": "double!", "total_reviews": "String!", "total_sold": "String!", "is_favorite": "bool!",
    "colors": "List!", "sizes": "List!", "shop": "Map!",
}


def within(prefix: str, spec: dict) -> dict:
    return {f"{prefix}.{key}": value for key, value in spec.items()}


def blog_category(name: str | None = None) -> BlogCategory:
    with db.transaction():
        return BlogCategory.create(name=name or f.unique("topic"), slug=f.unique("topic"))


def blog(category: BlogCategory, *, tags=(), days_ago: int = 0, **fields) -> Blog:
    created = utcnow() - dt.timedelta(days=days_ago)
    with db.transaction():
        row = Blog.create(title=fields.pop("title", f.unique("Post")), slug=fields.pop("slug", f.unique("post")),
                          category=category, created_at=created, **{"description": "<p>Body</p>", **fields})
        for tag in tags:
            BlogTagLink.create(blog=row, tag=tag)
    return row


def tag(name: str) -> BlogTag:
    with db.transaction():
        return BlogTag.create(name=name, slug=f.unique(name.lower()))


# -- banners ---------------------------------------------------------------------------------------


def test_marketplace_banners_are_the_platforms_active_ones_in_order(api):
    # given an inactive platform banner besides the seeded ones
    with db.transaction():
        hidden = PlatformBanner.create(title="Hidden", thumbnail="content/banners/hidden.jpg", is_active=False)
    # when the marketplace's banners are loaded
    response = api.get("/api/banners")
    # then the seeded active banners come back typed, in order, with absolute URLs
    assert response.status == 200
    assert_dart_types(response.json, {"data.banners": "List!", **within("data.banners[]", BANNER)})
    banners = response.json["data"]["banners"]
    assert [b["title"] for b in banners][:3] == ["Summer Collection", "Flash Deals Every Week", "Shop Local Stores"]
    assert hidden.id not in {b["id"] for b in banners}
    assert all(b["thumbnail"].startswith("http://qutecat.test/media/") for b in banners)


def test_shop_host_banners_are_the_shops_own(api, make_shop):
    # given a shop with one banner and another shop with one too
    shop, _, host = make_shop("free")
    other, _, _ = make_shop("free")
    for owner, title in ((shop, "Mine"), (other, "Theirs")):
        with context.use(tenant=owner["id"]), db.transaction():
            ShopBanner.create(title=title, thumbnail="content/x/banner.jpg")
    # when the shop's host loads its banners
    response = api.get("/api/banners", host=host)
    # then only its own banner comes back
    assert response.status == 200
    assert [b["title"] for b in response.json["data"]["banners"]] == ["Mine"]


# -- blogs -----------------------------------------------------------------------------------------------


def test_blogs_have_the_app_types_with_categories(api):
    # given the seeded blogs
    # when the app loads the blog list as it does (page 1 of 20, no category)
    response = api.get("/api/blogs?page=1&per_page=20&category_id")
    # then BlogModel parses: a total of every blog, the page, and the categories
    assert response.status == 200
    assert_dart_types(response.json, {
        "message": "String!", "data.total": "int!", "data.blogs": "List!", **within("data.blogs[]", BLOG),
        "data.categories": "List!", "data.categories[].id": "int!", "data.categories[].name": "String!",
    })
    data = response.json["data"]
    assert data["total"] >= 6 and len(data["categories"]) >= 4
    created = [b["created_at"] for b in data["blogs"]]
    assert all(dt.datetime.strptime(c, "%d %b, %Y") for c in created)


def test_blog_list_descriptions_are_plain_text_excerpts(api):
    # given a blog whose HTML body is long
    category = blog_category()
    body = "<h2>Title</h2>" + "<p>" + "word " * 100 + "</p>"
    blog(category, description=body)
    # when its category's blogs are listed
    listed = api.get("/api/blogs", params={"category_id": category.id}).json["data"]["blogs"][0]
    # then the description is plain text cut to 200 characters and an ellipsis
    assert "<" not in listed["description"] and listed["description"].startswith("Title word")
    assert len(listed["description"]) == 203 and listed["description"].endswith("...")


def test_blogs_filter_by_category_page_and_mark_new_ones(api):
    # given a category with a new blog, an old blog and an inactive blog
    category = blog_category()
    new = blog(category, days_ago=1)
    old = blog(category, days_ago=30)
    blog(category, is_active=False)
    # when the category's blogs are listed one per page
    first = api.get("/api/blogs", params={"category_id": category.id, "page": 1, "per_page": 1}).json["data"]
    second = api.get("/api/blogs", params={"category_id": category.id, "page": 2, "per_page": 1}).json["data"]
    # then the total counts the two active ones, newest first, and only the recent one is new
    assert first["total"] == 2
    assert [b["id"] for b in first["blogs"] + second["blogs"]] == [new.id, old.id]
    assert first["blogs"][0]["is_new"] is True and second["blogs"][0]["is_new"] is False


def test_blog_details_by_id_and_slug_with_tags_related_and_popular(api):
    # given a category with three blogs (one much viewed) and another category's popular blog
    category = blog_category()
    style, trends = tag("Style"), tag("Trends")
    subject = blog(category, tags=[trends, style], description="<p>Full <b>HTML</b></p>")
    sibling = blog(category, days_ago=1)
    viewed = blog(category, days_ago=2, total_views=10_000_000)
    elsewhere = blog(blog_category(), total_views=20_000_000)
    # when the app opens the blog by id, then by slug
    by_id = api.get(f"/api/blog/{subject.id}/details")
    by_slug = api.get(f"/api/blog/{subject.slug}/details")
    # then BlogDetails parses, with the full HTML, the tags, and the related and popular lists
    assert by_id.status == 200 and by_slug.status == 200
    assert_dart_types(by_id.json, {
        "message": "String!", **within("data.blog", BLOG), "data.blog.tags": "List!",
        "data.blog.tags[].id": "int!", "data.blog.tags[].name": "String!", "data.blog.tags[].slug": "String!",
        "data.related_blogs": "List!", **within("data.related_blogs[]", BLOG),
        "data.popular_blogs": "List!", **within("data.popular_blogs[]", BLOG),
        "data.related_products": "List!", **within("data.related_products[]", CARD),
    })
    data = by_slug.json["data"]
    assert data["blog"]["id"] == subject.id and data["blog"]["description"] == "<p>Full <b>HTML</b></p>"
    assert [t["name"] for t in data["blog"]["tags"]] == ["Style", "Trends"]
    related = [b["id"] for b in data["related_blogs"]]
    assert subject.id not in related and {sibling.id, viewed.id} <= set(related)
    assert [b["id"] for b in data["popular_blogs"]][:2] == [elsewhere.id, viewed.id]
    assert data["related_products"], "the marketplace's popular products are offered"


def test_blog_details_count_each_view(api):
    # given a blog never viewed
    subject = blog(blog_category())
    # when it is opened twice
    first = api.get(f"/api/blog/{subject.id}/details").json["data"]["blog"]["total_views"]
    second = api.get(f"/api/blog/{subject.id}/details").json["data"]["blog"]["total_views"]
    # then each view counts, in the answer and in the database
    assert (first, second) == (1, 2)
    assert Blog.get_by_id(subject.id).total_views == 2


def test_blog_details_404_for_unknown_or_inactive_blogs(api):
    # given an inactive blog
    hidden = blog(blog_category(), is_active=False)
    # when the app opens it, an unknown id, an unknown slug and an absurd key
    responses = [
        api.get(f"/api/blog/{key}/details")
        for key in (hidden.id, 2147483000, "no-such-post", "9" * 40, "x" * 300)
    ]
    # then each is not found, without data
    assert [r.status for r in responses] == [404] * 5
    assert all("data" not in r.json and isinstance(r.json["message"], str) for r in responses)


def test_blog_related_products_come_from_the_storefront(api, make_shop):
    # given a shop host whose only product is in a fresh shop
    shop, _, host = make_shop("free")
    f.shop_profile(shop["id"])
    product = f.product(shop["id"], category=f.category())
    subject = blog(blog_category())
    # when the blog is opened on the shop's host
    data = api.get(f"/api/blog/{subject.id}/details", host=host).json["data"]
    # then the related products are that shop's
    assert [p["id"] for p in data["related_products"]] == [product.id]


# -- banner management -----------------------------------------------------------------------------------


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 50), (20, 20, 20)).save(out, "JPEG")
    return out.getvalue()


def send_form(api, method: str, path: str, token: str, fields: dict):
    body, content_type = encode_multipart_formdata(fields)
    return api.request(method, path, token=token, body=body, content_type=content_type)


def test_seller_manages_the_shops_banners(api, make_shop):
    # given a seller's listed shop
    shop, token, host = make_shop("free")
    f.shop_profile(shop["id"])
    # when the seller adds a banner with an image
    created = send_form(api, "POST", "/api/seller/banners", token, {
        "title": "Autumn", "sort_order": "1", "thumbnail": ("autumn.jpg", jpeg_bytes(), "image/jpeg"),
    })
    # then it is stored and shown on the shop's page and its host
    assert created.status == 200, created
    banner = created.json["data"]["banner"]
    assert banner["title"] == "Autumn" and banner["is_active"] is True
    assert storage.backend().exists(banner["thumbnail"].split("/media/", 1)[1])
    assert [b["id"] for b in api.get(f"/api/shops/{shop['id']}").json["data"]["shop"]["banners"]] == [banner["id"]]
    assert [b["id"] for b in api.get("/api/banners", host=host).json["data"]["banners"]] == [banner["id"]]
    # when the seller hides it, it leaves the storefront but stays in the seller's list
    hidden = send_form(api, "PUT", f"/api/seller/banners/{banner['id']}", token,
                       {"is_active": "false", "title": "Later"})
    assert hidden.status == 200 and hidden.json["data"]["banner"]["title"] == "Later"
    assert api.get("/api/banners", host=host).json["data"]["banners"] == []
    assert [b["is_active"] for b in api.get("/api/seller/banners", token=token).json["data"]["banners"]] == [False]
    # when the seller deletes it, it is gone
    assert api.delete(f"/api/seller/banners/{banner['id']}", token=token).status == 200
    assert api.get("/api/seller/banners", token=token).json["data"]["banners"] == []


def test_sellers_cannot_touch_another_shops_banners(api, make_shop):
    # given a banner of one shop
    shop, _, _ = make_shop("free")
    _, other_token, _ = make_shop("free")
    with context.use(tenant=shop["id"]), db.transaction():
        banner = ShopBanner.create(title="Theirs", thumbnail="content/x/theirs.jpg")
    # when another shop's seller changes or deletes it
    changed = send_form(api, "PUT", f"/api/seller/banners/{banner.id}", other_token, {"title": "Mine now"})
    deleted = api.delete(f"/api/seller/banners/{banner.id}", token=other_token)
    # then both are not found and the banner is untouched
    assert changed.status == 404 and deleted.status == 404
    with context.use(tenant=shop["id"]):
        assert ShopBanner.get_by_id(banner.id).title == "Theirs"


def test_banner_uploads_are_checked_by_content(api, make_shop, customer_token):
    # given a seller
    _, token, _ = make_shop("free")
    # when the seller sends text named as a JPEG, or no image at all
    spoofed = send_form(api, "POST", "/api/seller/banners", token,
                        {"thumbnail": ("banner.jpg", b"not an image at all", "image/jpeg")})
    missing = send_form(api, "POST", "/api/seller/banners", token, {"title": "No image"})
    # and a customer tries to manage banners
    forbidden = send_form(api, "POST", "/api/seller/banners", customer_token,
                          {"thumbnail": ("banner.jpg", jpeg_bytes(), "image/jpeg")})
    # then the fake image and the missing one are invalid, and the customer is refused
    assert spoofed.status == 422 and "thumbnail" in spoofed.json["errors"]
    assert missing.status == 422 and "thumbnail" in missing.json["errors"]
    assert forbidden.status == 403
    assert all("data" not in r.json for r in (spoofed, missing, forbidden))


def test_admin_manages_the_marketplace_banners(api, root_token, seller_token):
    # given the root administrator
    # when root adds a marketplace banner last in order
    created = send_form(api, "POST", "/api/admin/banners", root_token, {
        "title": "Admin banner", "sort_order": "999", "link": "/shops",
        "thumbnail": ("admin.jpg", jpeg_bytes(), "image/jpeg"),
    })
    # then the marketplace shows it last, and a seller may not manage platform banners
    assert created.status == 200, created
    banner_id = created.json["data"]["banner"]["id"]
    assert api.get("/api/banners").json["data"]["banners"][-1]["id"] == banner_id
    assert api.get("/api/admin/banners", token=seller_token).status == 403
    # when root removes it, the marketplace no longer shows it
    assert api.delete(f"/api/admin/banners/{banner_id}", token=root_token).status == 200
    assert banner_id not in {b["id"] for b in api.get("/api/banners").json["data"]["banners"]}
    assert api.delete(f"/api/admin/banners/{banner_id}", token=root_token).status == 404


# -- seeding -----------------------------------------------------------------------------------------------


def content_seeders(platform):
    return [seeder for plugin, seeder in seeding.collect(platform.host) if plugin == "content"]


def counts() -> dict:
    platform_wide = {m.__name__: m.select().count() for m in (PlatformBanner, BlogCategory, BlogTag, Blog, BlogTagLink)}
    return {**platform_wide, "ShopBanner": ShopBanner.across_tenants().count()}


def test_demo_content_is_seeded_with_local_images(platform):
    # given the demo phase ran at start-up
    backend = storage.backend()
    # then platform banners, 6+ blogs with categories and tags exist, each with a stored image
    assert PlatformBanner.select().count() >= 3
    blogs = list(Blog.select().where(Blog.slug.in_(["ten-wardrobe-staples", "spot-a-real-deal"])))
    assert len(blogs) == 2 and Blog.select().count() >= 6
    assert all(backend.exists(b.thumbnail) for b in blogs)
    summer = PlatformBanner.get_or_none(PlatformBanner.title == "Summer Collection")
    assert summer is not None and backend.exists(summer.thumbnail)
    assert BlogTagLink.select().join(Blog).where(Blog.slug == "ten-wardrobe-staples").count() == 3


def test_demo_content_seeding_is_idempotent(platform):
    # given the seeded content
    before = counts()
    # when the content seeders run again
    for seeder in content_seeders(platform):
        with db.transaction():
            seeder.run(seeding.SeedContext(host=platform.host, production=False, demo_allowed=True,
                                           echo=lambda _m: None))
    # then no row was added
    assert counts() == before

