"""Blog and blog-category management by the platform's administrators, seen at once on /api/blogs and the
blog details; permissions, 404, 409 on a category in use, 422 on bad input."""

import io

import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

import catalog_fixtures as cf
from kernel import storage
from plugins.content.models import Blog, BlogCategory, BlogTag

BLOG_FIELDS = {"id", "title", "slug", "category", "author", "thumbnail", "description", "tags", "is_active",
               "total_views", "created_at", "updated_at"}


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 50), (20, 120, 20)).save(out, "JPEG")
    return out.getvalue()


def send_form(api, method: str, path: str, token: str, fields):
    body, content_type = encode_multipart_formdata(fields)
    return api.request(method, path, token=token, body=body, content_type=content_type)


def new_category(api, token, **fields) -> dict:
    answer = api.post("/api/admin/blog-categories", token=token, json={"name": cf.unique("Topic"), **fields})
    assert answer.status == 201, answer
    return answer.json["data"]["blog_category"]


def new_blog(api, token, category_id: int, **fields) -> dict:
    body = {"title": cf.unique("Post"), "description": "<p>Body</p>", "category_id": category_id, **fields}
    answer = api.post("/api/admin/blogs", token=token, json=body)
    assert answer.status == 201, answer
    return answer.json["data"]["blog"]


def public_blogs(api, **params) -> dict:
    return api.get("/api/blogs", params={"per_page": 100, **params}).json["data"]


# -- blogs ---------------------------------------------------------------------------------------------


def test_blog_round_trip_shows_on_the_public_routes(api, root_token):
    # given a blog category, and root writing a blog with an image and tags (multipart, tags[] repeated)
    category = new_category(api, root_token)
    title = cf.unique("Autumn looks")
    created = send_form(api, "POST", "/api/admin/blogs", root_token, [
        ("title", title), ("description", "<p>Layers.</p><p>Scarves.</p>"), ("category_id", str(category["id"])),
        ("tags[]", "Autumn"), ("tags[]", "Style"), ("thumbnail", ("a.jpg", jpeg_bytes(), "image/jpeg")),
    ])
    assert created.status == 201, created
    blog = created.json["data"]["blog"]
    assert set(blog) == BLOG_FIELDS and blog["author"] and blog["tags"] == ["Autumn", "Style"]
    assert storage.backend().exists(blog["thumbnail"].split("/media/", 1)[1])
    # then the app lists it under its category with the image, and its details carry the body and tags
    listed = public_blogs(api, category_id=category["id"])
    assert [(b["id"], b["title"], b["thumbnail"]) for b in listed["blogs"]] == [(blog["id"], title, blog["thumbnail"])]
    assert listed["blogs"][0]["description"] == "Layers. Scarves."
    assert {"id": category["id"], "name": category["name"]} in listed["categories"]
    details = api.get(f"/api/blog/{blog['slug']}/details").json["data"]["blog"]
    assert details["description"] == "<p>Layers.</p><p>Scarves.</p>"
    assert sorted(t["name"] for t in details["tags"]) == ["Autumn", "Style"]
    # when root changes the title, the tags and the image
    changed = send_form(api, "PUT", f"/api/admin/blogs/{blog['id']}", root_token, [
        ("title", "Winter looks"), ("tags[]", "Winter"), ("thumbnail", ("b.jpg", jpeg_bytes(), "image/jpeg")),
    ])
    # then the details show it at the same address, and the replaced image is gone
    assert changed.status == 200, changed
    assert changed.json["data"]["blog"]["slug"] == blog["slug"]
    details = api.get(f"/api/blog/{blog['id']}/details").json["data"]["blog"]
    assert details["title"] == "Winter looks" and [t["name"] for t in details["tags"]] == ["Winter"]
    assert not storage.backend().exists(blog["thumbnail"].split("/media/", 1)[1])
    # when root hides it, the app no longer shows it; when root deletes it, it is gone for the administrator too
    hidden = api.put(f"/api/admin/blogs/{blog['id']}", token=root_token, json={"is_active": False})
    assert hidden.status == 200 and hidden.json["data"]["blog"]["is_active"] is False
    assert blog["id"] not in {b["id"] for b in public_blogs(api)["blogs"]}
    assert api.get(f"/api/blog/{blog['id']}/details").status == 404
    assert api.delete(f"/api/admin/blogs/{blog['id']}", token=root_token).status == 200
    assert Blog.get_or_none(Blog.id == blog["id"]) is None
    assert api.delete(f"/api/admin/blogs/{blog['id']}", token=root_token).status == 404


def test_blog_slugs_stay_unique_and_readable(api, root_token):
    # given a blog titled "Year in review"
    category = new_category(api, root_token)
    title = cf.unique("Year in review")
    first = new_blog(api, root_token, category["id"], title=title)
    # when a second one takes the same title, and a third is titled with digits only
    second = new_blog(api, root_token, category["id"], title=title)
    digits = new_blog(api, root_token, category["id"], title="2024")
    # then each has its own slug, and each slug opens its blog (digits alone would read as an id)
    assert first["slug"] != second["slug"] and second["slug"].startswith(first["slug"])
    assert not digits["slug"].isdigit()
    for blog in (first, second, digits):
        assert api.get(f"/api/blog/{blog['slug']}/details").json["data"]["blog"]["id"] == blog["id"]


def test_tags_are_shared_by_name_and_can_be_cleared(api, root_token):
    # given two blogs tagged with the same name, spelt differently
    category = new_category(api, root_token)
    tag = cf.unique("Sale")
    first = new_blog(api, root_token, category["id"], tags=[tag, tag.upper()])
    second = new_blog(api, root_token, category["id"], tags=[f" {tag} "])
    # then one tag is shared
    assert first["tags"] == [tag] and second["tags"] == [tag]
    assert BlogTag.select().where(BlogTag.name == tag).count() == 1
    # when the first one's tags are cleared, it has none and the second keeps its tag
    cleared = api.put(f"/api/admin/blogs/{first['id']}", token=root_token, json={"tags": []})
    assert cleared.json["data"]["blog"]["tags"] == []
    listed = api.get("/api/admin/blogs", token=root_token, params={"category_id": category["id"]}).json["data"]
    assert {b["id"]: b["tags"] for b in listed["blogs"]} == {first["id"]: [], second["id"]: [tag]}


def test_blog_input_is_checked(api, root_token):
    # given root and a blog category
    category = new_category(api, root_token)
    valid = {"title": "T", "description": "<p>x</p>", "category_id": category["id"]}
    # when a blog is sent incomplete, blank, under an unknown category, with a bad image or too many tags
    blogs = "/api/admin/blogs"
    answers = {
        "no title": api.post(blogs, token=root_token, json={**valid, "title": None}),
        "blank title": api.post(blogs, token=root_token, json={**valid, "title": "  "}),
        "no body": api.post(blogs, token=root_token, json={**valid, "description": ""}),
        "unknown category": api.post(blogs, token=root_token, json={**valid, "category_id": 2_000_000_000}),
        "not an image": send_form(api, "POST", blogs, root_token, {
            "title": "T", "description": "x", "category_id": str(category["id"]),
            "thumbnail": ("a.jpg", b"GIF89a not really", "image/jpeg"),
        }),
        "too many tags": api.post(blogs, token=root_token, json={**valid, "tags": [f"t{n}" for n in range(21)]}),
        "symbol tag": api.post(blogs, token=root_token, json={**valid, "tags": ["???"]}),
        "no change": api.put("/api/admin/blogs/1", token=root_token, json={}),
    }
    # then each answers 422 with field errors
    for case, answer in answers.items():
        assert answer.status == 422, (case, answer)
        assert answer.json["message"] and answer.json["errors"], case
    assert "category_id" in answers["unknown category"].json["errors"]
    assert "thumbnail" in answers["not an image"].json["errors"]


# -- blog categories -------------------------------------------------------------------------------------


def test_blog_category_round_trip(api, root_token):
    # given root adding a blog category at the front
    category = new_category(api, root_token, sort_order=0)
    # then the app's blog list offers it once it is active
    assert {"id": category["id"], "name": category["name"]} in public_blogs(api)["categories"]
    # when renamed and hidden
    renamed = api.put(f"/api/admin/blog-categories/{category['id']}", token=root_token,
                      json={"name": category["name"] + " II", "is_active": False})
    # then the admin sees the change and the app no longer offers it
    assert renamed.status == 200 and renamed.json["data"]["blog_category"]["is_active"] is False
    assert category["id"] not in {c["id"] for c in public_blogs(api)["categories"]}
    listed = api.get("/api/admin/blog-categories", token=root_token, params={"search": category["name"]})
    assert [c["name"] for c in listed.json["data"]["blog_categories"]] == [category["name"] + " II"]
    # when deleted, it is gone
    assert api.delete(f"/api/admin/blog-categories/{category['id']}", token=root_token).status == 200
    assert BlogCategory.get_or_none(BlogCategory.id == category["id"]) is None


def test_blog_category_in_use_cannot_be_deleted(api, root_token):
    # given a blog category with a hidden blog
    category = new_category(api, root_token)
    blog = new_blog(api, root_token, category["id"], is_active=False)
    # when root deletes the category
    refused = api.delete(f"/api/admin/blog-categories/{category['id']}", token=root_token)
    # then it is refused with 409 until the blog moves elsewhere
    assert refused.status == 409 and "Blogs" in refused.json["message"]
    other = new_category(api, root_token)
    assert api.put(f"/api/admin/blogs/{blog['id']}", token=root_token, json={"category_id": other["id"]}).status == 200
    assert api.delete(f"/api/admin/blog-categories/{category['id']}", token=root_token).status == 200


def test_blog_category_names_are_unique(api, root_token):
    # given a blog category
    category = new_category(api, root_token)
    # when another is added with the same name in other capitals, or one without letters
    duplicate = api.post("/api/admin/blog-categories", token=root_token, json={"name": category["name"].upper()})
    symbols = api.post("/api/admin/blog-categories", token=root_token, json={"name": "%%%"})
    # then both are refused on the name
    assert duplicate.status == 422 and "name" in duplicate.json["errors"]
    assert symbols.status == 422 and "name" in symbols.json["errors"]


# -- who may call ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["blogs", "blog-categories"])
def test_only_platform_administrators_manage_blogs(api, seller_token, customer_token, root_token, collection):
    calls = [("GET", f"/api/admin/{collection}"), ("POST", f"/api/admin/{collection}"),
             ("PUT", f"/api/admin/{collection}/1"), ("DELETE", f"/api/admin/{collection}/1")]
    for method, path in calls:
        body = {"title": "X"} if method in ("POST", "PUT") else None
        # when called without a token, then 401; with a seller's or a customer's, then 403
        assert api.request(method, path, json=body).status == 401, (method, path)
        for token in (seller_token, customer_token):
            assert api.request(method, path, json=body, token=token).status == 403, (method, path)
    # and an unknown id answers 404 to root
    body = {"title": "X"} if collection == "blogs" else {"name": "X"}
    assert api.put(f"/api/admin/{collection}/2000000000", token=root_token, json=body).status == 404
    assert api.delete(f"/api/admin/{collection}/2000000000", token=root_token).status == 404
