"""Storefront routes: shops, shop categories, flash sales and the home screen, against the app's contract."""

import datetime as dt
import re

import pytest

import catalog_fixtures as f
from contract import assert_dart_types
from kernel import context, db
from kernel.orm import utcnow
from plugins.catalog.models import Favorite, ShopProfile
from plugins.catalog.storefront.shops import shop_status
from plugins.content.models import ShopBanner

SHOP = {
    "id": "int!", "name": "String!", "logo": "String!", "banner": "String!", "total_products": "int!",
    "total_categories": "int!", "rating": "double!", "shop_status": "String!", "total_reviews": "String!",
}
BANNER = {"id": "int!", "title": "String!", "thumbnail": "String!"}
CATEGORY = {
    "id": "int!", "name": "String!", "thumbnail": "String!", "sub_categories": "List!",
    "sub_categories[].id": "int!", "sub_categories[].name": "String!", "sub_categories[].thumbnail": "String!",
    "sub_categories[].sub_categories": "List!",
}
CARD = {
    "id": "int!", "name": "String!", "thumbnail": "String!", "price": "double!", "discount_price": "double!",
    "discount_percentage": "double!", "rating": "double!", "total_reviews": "String!", "total_sold": "String!",
    "quantity": "int!", "colors": "List!", "colors[].id": "int!", "colors[].name": "String!",
    "colors[].price": "double!", "sizes": "List!", "sizes[].id": "int!", "sizes[].name": "String!",
    "is_favorite": "bool!", "brand": "String?", "shop": "Map!", "shop.id": "int!", "shop.name": "String!",
    "shop.logo": "String!", "shop.rating": "double!", "shop.delivery_charge": "double!",
    "shop.estimated_delivery_time": "String!",
}
FLASH_SALE = {"id": "int!", "name": "String!", "thumbnail": "String!", "start_date": "String!", "end_date": "String!"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def within(prefix: str, spec: dict) -> dict:
    return {f"{prefix}.{key}": value for key, value in spec.items()}


def hours_around_now() -> tuple[str, str]:
    now = utcnow()
    return (now - dt.timedelta(hours=1)).strftime("%H:%M"), (now + dt.timedelta(hours=1)).strftime("%H:%M")


def open_shop(make_shop, plan: str = "free", **profile):
    """A shop with a published profile, open now, and one product in a fresh category."""
    shop, token, host = make_shop(plan)
    opening, closing = hours_around_now()
    f.shop_profile(shop["id"], **{"opening_time": opening, "closing_time": closing, **profile})
    category = f.category()
    product = f.product(shop["id"], category=category, price=5000)
    return shop, token, host, product


def marketplace_shops(api) -> dict[int, dict]:
    """Every shop the marketplace lists, by id, paging as the app does."""
    shops, page = {}, 1
    while True:
        data = api.get("/api/shops", params={"page": page, "per_page": 100}).json["data"]
        shops.update({s["id"]: s for s in data["shops"]})
        if page * 100 >= data["total"]:
            return shops
        page += 1


# -- shop status ------------------------------------------------------------------------------

MONDAY_NOON = dt.datetime(2026, 11, 23, 12, 0)


@pytest.mark.parametrize("opening,closing,off_days,now,expected", [
    ("09:00", "21:00", [], MONDAY_NOON, "Online"),
    ("09:00", "21:00", [], MONDAY_NOON.replace(hour=8, minute=59), "Offline"),
    ("09:00", "21:00", [], MONDAY_NOON.replace(hour=21, minute=0), "Offline"),
    ("20:00", "02:00", [], MONDAY_NOON.replace(hour=1), "Online"),
    ("20:00", "02:00", [], MONDAY_NOON.replace(hour=3), "Offline"),
    ("09:00", "21:00", ["Monday"], MONDAY_NOON, "Offline"),
    ("09:00", "21:00", ["friday"], MONDAY_NOON, "Online"),
    ("00:00", "00:00", [], MONDAY_NOON, "Online"),
    ("9am", "21:00", [], MONDAY_NOON, "Offline"),
])
def test_shop_status_follows_opening_hours_and_off_days(opening, closing, off_days, now, expected):
    # given a profile with opening hours and off days
    with context.use(tenant=1):
        profile = ShopProfile(opening_time=opening, closing_time=closing, off_days=off_days)
    # when its status is computed at a given UTC time
    # then it is Online only inside the hours on a working day
    assert shop_status(profile, now) == expected


def test_shop_status_on_the_wire_is_online_or_offline(api, make_shop):
    # given one shop open now and one whose off day is today
    open_now, _, _, _ = open_shop(make_shop)
    closed, _, _, _ = open_shop(make_shop, off_days=[utcnow().strftime("%A")])
    # when the app loads each shop
    statuses = {shop["id"]: api.get(f"/api/shops/{shop['id']}").json["data"]["shop"]["shop_status"]
                for shop in (open_now, closed)}
    # then the open one is Online and the other Offline
    assert statuses == {open_now["id"]: "Online", closed["id"]: "Offline"}


# -- shops -------------------------------------------------------------------------------------


def test_shops_list_has_the_app_types_and_counts(api, make_shop):
    # given a listed shop with two active products in two categories and one inactive product
    shop, _, _, product = open_shop(make_shop, rating=4.5, review_count=1200)
    f.product(shop["id"], category=f.category())
    f.product(shop["id"], category=f.category(), is_active=False)
    # when the app loads the marketplace's shops
    response = api.get("/api/shops", params={"page": 1, "per_page": 20})
    # then every shop parses and the shop's counters are right
    assert response.status == 200
    assert_dart_types(response.json, {"message": "String!", "data.total": "int!", "data.shops": "List!",
                                      **within("data.shops[]", SHOP)})
    mine = marketplace_shops(api)[shop["id"]]
    assert mine["total_products"] == 2 and mine["total_categories"] == 2
    assert mine["rating"] == 4.5 and mine["total_reviews"] == "1.2K"
    assert mine["logo"].startswith("http://") and mine["banner"].startswith("http://")


def test_shops_list_pages_with_total_of_all_matches(api):
    # given the marketplace's shops
    everything = api.get("/api/shops").json["data"]
    # when the app asks for the first page of one
    first = api.get("/api/shops", params={"page": 1, "per_page": 1}).json["data"]
    second = api.get("/api/shops", params={"page": 2, "per_page": 1}).json["data"]
    # then total counts every shop and pages do not overlap
    assert first["total"] == everything["total"] == len(everything["shops"]) >= 2
    assert len(first["shops"]) == 1 and first["shops"][0]["id"] != second["shops"][0]["id"]


def test_marketplace_lists_only_marketplace_shops_with_published_profiles(api, make_shop):
    # given a listed shop, a shop that switched marketplace presence off and one with an unpublished profile
    listed, _, _, _ = open_shop(make_shop)
    unlisted, owner_token, unlisted_host, _ = open_shop(make_shop)
    switched = api.put("/api/seller/features/marketplace", token=owner_token, json={"enabled": False})
    assert switched.status == 200, switched
    hidden, _, _, _ = open_shop(make_shop, is_published=False)
    # when the marketplace lists its shops
    ids = set(marketplace_shops(api))
    # then only the listed shop is there, and the others' pages are not found on the marketplace
    assert listed["id"] in ids and unlisted["id"] not in ids and hidden["id"] not in ids
    assert api.get(f"/api/shops/{unlisted['id']}").status == 404
    assert api.get(f"/api/shops/{hidden['id']}").status == 404
    # and the unlisted shop still shows itself on its own host
    own = api.get("/api/shops", host=unlisted_host).json["data"]
    assert [s["id"] for s in own["shops"]] == [unlisted["id"]] and own["total"] == 1


def test_shop_host_lists_only_itself(api, make_shop):
    # given two listed shops
    shop, _, host, _ = open_shop(make_shop)
    other, _, _, _ = open_shop(make_shop)
    # when the shop's own host lists shops and opens the other shop
    listing = api.get("/api/shops", host=host)
    foreign = api.get(f"/api/shops/{other['id']}", host=host)
    # then it lists itself alone and the other shop is not found there
    assert listing.json["data"]["total"] == 1 and [s["id"] for s in listing.json["data"]["shops"]] == [shop["id"]]
    assert foreign.status == 404 and "data" not in foreign.json


def test_shop_details_have_the_app_types_and_the_shops_banners(api, make_shop):
    # given a shop with two active banners (sorted) and one inactive banner
    shop, _, host, _ = open_shop(make_shop, description="<p>Hello</p>", short_description="Hi")
    with context.use(tenant=shop["id"]), db.transaction():
        ShopBanner.create(title="Second", thumbnail="content/x/second.jpg", sort_order=2)
        ShopBanner.create(title="First", thumbnail="content/x/first.jpg", sort_order=1)
        ShopBanner.create(title="Hidden", thumbnail="content/x/hidden.jpg", is_active=False)
    # when the app opens the shop on the marketplace and on its host
    for where in (None, host):
        response = api.get(f"/api/shops/{shop['id']}", host=where)
        # then ShopDetails parses and carries the active banners in order, with absolute URLs
        assert response.status == 200
        assert_dart_types(response.json, {
            **within("data.shop", {k: v for k, v in SHOP.items() if k not in ("total_categories", "total_reviews")}),
            "data.shop.description": "String?", "data.shop.banners": "List!", **within("data.shop.banners[]", BANNER),
        })
        data = response.json["data"]["shop"]
        assert [b["title"] for b in data["banners"]] == ["First", "Second"]
        assert all(b["thumbnail"].startswith("http") for b in data["banners"])
        assert data["description"] == "<p>Hello</p>" and data["total_products"] == 1


def test_shop_details_404_for_unknown_shop(api):
    # when the app opens a shop id that does not exist
    response = api.get("/api/shops/2147483000")
    # then it is not found, without a data object
    assert response.status == 404 and "data" not in response.json
    assert isinstance(response.json["message"], str)


def test_shop_banners_hook_is_declared_by_the_catalog_and_answered_by_content(platform, make_shop):
    # given a shop with one banner
    shop, _, _, _ = open_shop(make_shop)
    with context.use(tenant=shop["id"]), db.transaction():
        ShopBanner.create(title="Only", thumbnail="content/x/only.jpg")
    # when the shop's hook view is asked for its banners
    from kernel import tenancy

    answers = platform.host.view(tenancy.get(shop["id"]).live).shop_banners(shop_id=shop["id"])
    # then content answers with the banner list
    assert [[b["title"] for b in answer] for answer in answers] == [["Only"]]


# -- shop categories ------------------------------------------------------------------------------


def test_shop_categories_are_those_with_active_products_and_their_used_sub_categories(api, make_shop):
    # given a shop selling twice in A (filed under sub-category A1), once in B, and only inactively in C
    shop, _, host = make_shop("free")
    f.shop_profile(shop["id"])
    a, b, c = f.category(), f.category(), f.category()
    a1, _a2 = f.category(parent=a), f.category(parent=a)
    f.product(shop["id"], category=a, sub_categories=[a1])
    f.product(shop["id"], category=a)
    f.product(shop["id"], category=b)
    f.product(shop["id"], category=c, is_active=False)
    # when the app loads the shop's categories on the marketplace and on the shop's host (no shop_id)
    on_marketplace = api.get("/api/shop-categories", params={"shop_id": shop["id"]})
    on_host = api.get("/api/shop-categories?shop_id", host=host)
    # then A (most products) then B come back, A with only the sub-category in use
    for response in (on_marketplace, on_host):
        assert response.status == 200
        assert_dart_types(response.json, {"data.categories": "List!", **within("data.categories[]", CATEGORY)})
        categories = response.json["data"]["categories"]
        assert [cat["id"] for cat in categories] == [a.id, b.id]
        assert [sub["id"] for sub in categories[0]["sub_categories"]] == [a1.id]
        assert response.json["data"]["total"] == 2


def test_shop_categories_page_when_asked(api, make_shop):
    # given a shop selling in two categories
    shop, _, _, _ = open_shop(make_shop)
    f.product(shop["id"], category=f.category())
    # when the app asks for one category per page
    data = api.get("/api/shop-categories", params={"shop_id": shop["id"], "page": 2, "per_page": 1}).json["data"]
    # then the total counts both and the page holds one
    assert data["total"] == 2 and len(data["categories"]) == 1


def test_shop_categories_errors(api, make_shop):
    # given a shop listed on the marketplace
    _, _, host, _ = open_shop(make_shop)
    # when the marketplace is asked without a shop, for an unknown shop, or a shop host for another shop
    missing = api.get("/api/shop-categories?shop_id")
    unknown = api.get("/api/shop-categories", params={"shop_id": 2147483000})
    other, _, _, _ = open_shop(make_shop)
    foreign = api.get("/api/shop-categories", params={"shop_id": other["id"]}, host=host)
    # then a missing shop is invalid and an unknown or foreign one not found, all without data
    assert missing.status == 422 and "shop_id" in missing.json["errors"]
    assert unknown.status == 404 and foreign.status == 404
    assert all("data" not in r.json for r in (missing, unknown, foreign))


# -- flash sales -----------------------------------------------------------------------------------


def sales_for(product):
    """An ended, a running and an incoming sale holding ``product``."""
    now = utcnow()
    ended = f.flash_sale([(product, 3000, 10)], start=now - dt.timedelta(days=2), end=now - dt.timedelta(hours=1))
    running = f.flash_sale([(product, 4000, 10, 3)], start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=5))
    incoming = f.flash_sale([(product, 3500, 5)], start=now + dt.timedelta(days=1), end=now + dt.timedelta(days=2))
    return ended, running, incoming


def test_flash_sales_show_the_running_and_the_incoming_sale(api, make_shop):
    # given a shop whose product is in an ended, a running and an incoming sale
    _, _, host, product = open_shop(make_shop)
    _, running, incoming = sales_for(product)
    # when the app loads the flash sales on the shop's host
    response = api.get("/api/flash-sales", host=host)
    # then the running and the incoming sale come back with parseable dates
    assert response.status == 200
    assert_dart_types(response.json, {**within("data.running_flash_sale", FLASH_SALE),
                                      **within("data.incoming_flash_sale", FLASH_SALE)})
    data = response.json["data"]
    assert data["running_flash_sale"]["id"] == running.id and data["incoming_flash_sale"]["id"] == incoming.id
    for sale in data.values():
        assert DATE.match(sale["start_date"]) and DATE.match(sale["end_date"])
        dt.datetime.fromisoformat(sale["end_date"])


def test_flash_sales_are_null_when_the_storefront_has_none(api, make_shop):
    # given a shop with no product in any sale
    _, _, host, _ = open_shop(make_shop)
    # when its host loads the flash sales
    response = api.get("/api/flash-sales", host=host)
    # then both keys are present and null
    assert response.status == 200
    assert response.json["data"] == {"running_flash_sale": None, "incoming_flash_sale": None}


def test_flash_sale_details_price_the_storefronts_products_at_the_sale_price(api, make_shop):
    # given a running sale holding one product of this shop (3 of 10 sold) and one of another shop
    shop, _, host, product = open_shop(make_shop)
    _, _, _, foreign = open_shop(make_shop)
    now = utcnow()
    sale = f.flash_sale([(product, 4000, 10, 3), (foreign, 100, 5)], start=now - dt.timedelta(hours=1),
                        end=now + dt.timedelta(hours=5))
    # when the shop's host loads the sale's details
    response = api.get(f"/api/flash-sale/{sale.id}/details", host=host)
    # then only this shop's product comes back, priced at the sale price with the units left
    assert response.status == 200
    assert_dart_types(response.json, {**within("data.flash_sale", FLASH_SALE), "data.total_products": "int!",
                                      "data.products": "List!", **within("data.products[]", CARD)})
    data = response.json["data"]
    assert data["total_products"] == 1 and [p["id"] for p in data["products"]] == [product.id]
    card = data["products"][0]
    assert card["price"] == 50.0 and card["discount_price"] == 40.0 and card["discount_percentage"] == 20.0
    assert card["quantity"] == 7


def test_flash_sale_details_page_18_by_default_and_filter_by_category(api, make_shop):
    # given a running sale with 20 products of one shop, 2 of them in their own category
    shop, _, host, _ = open_shop(make_shop)
    common, special = f.category(), f.category()
    products = [f.product(shop["id"], category=special if i < 2 else common, price=2000) for i in range(20)]
    sale = f.flash_sale([(p, 1000, 5) for p in products])
    # when the app loads the details without paging, then page 2, then one category
    first = api.get(f"/api/flash-sale/{sale.id}/details", host=host).json["data"]
    second = api.get(f"/api/flash-sale/{sale.id}/details", host=host, params={"page": 2}).json["data"]
    filtered = api.get(f"/api/flash-sale/{sale.id}/details", host=host, params={"category_id": special.id}).json["data"]
    # then the first page holds 18 of 20, the second the other 2, and the filter keeps the category's 2
    assert first["total_products"] == 20 and len(first["products"]) == 18
    assert len(second["products"]) == 2
    assert not {p["id"] for p in first["products"]} & {p["id"] for p in second["products"]}
    assert filtered["total_products"] == 2 and {p["id"] for p in filtered["products"]} == {p.id for p in products[:2]}


def test_flash_sale_details_of_incoming_ended_and_foreign_sales(api, make_shop):
    # given a shop's product in an ended, a running and an incoming sale, and another listed shop
    _, _, host, product = open_shop(make_shop)
    _, _, other_host, _ = open_shop(make_shop)
    ended, running, incoming = sales_for(product)
    # when each sale's details are asked for on the shop's host and the running one on the other shop's host
    statuses = {name: api.get(f"/api/flash-sale/{sale.id}/details", host=host).status
                for name, sale in (("ended", ended), ("running", running), ("incoming", incoming))}
    foreign = api.get(f"/api/flash-sale/{running.id}/details", host=other_host)
    unknown = api.get("/api/flash-sale/2147483000/details")
    # then the ended sale is gone, the incoming one previews, and a sale without this storefront's products is not found
    assert statuses == {"ended": 404, "running": 200, "incoming": 200}
    assert foreign.status == 404 and unknown.status == 404 and "data" not in foreign.json


def test_flash_sale_details_mark_favorites_per_user(api, make_shop):
    # given a running sale and a customer who wish-listed its product
    _, _, host, product = open_shop(make_shop)
    sale = f.flash_sale([(product, 1000, 5)])
    user, token = f.customer()
    with context.use(user=user.id), db.transaction():
        Favorite.create(user=user.id, product=product.id)
    # when the details are loaded with and without the customer's token
    signed_in = api.get(f"/api/flash-sale/{sale.id}/details", host=host, token=token).json["data"]["products"][0]
    anonymous = api.get(f"/api/flash-sale/{sale.id}/details", host=host).json["data"]["products"][0]
    # then only the customer's view marks it a favourite
    assert signed_in["is_favorite"] is True and anonymous["is_favorite"] is False


# -- home ----------------------------------------------------------------------------------------------

HOME = {
    "message": "String!", "data.banners": "List!", **within("data.banners[]", BANNER),
    "data.categories": "List!", **within("data.categories[]", CATEGORY),
    "data.shops": "List!", **within("data.shops[]", SHOP),
    "data.popular_products": "List!", **within("data.popular_products[]", CARD),
    "data.just_for_you": "Map!", "data.just_for_you.total": "int!", "data.just_for_you.products": "List!",
    **within("data.just_for_you.products[]", CARD),
}


def test_home_on_the_marketplace_has_every_section_typed(api):
    # given the seeded marketplace
    # when the app loads the home screen
    response = api.get("/api/home")
    # then every section parses and is bounded as the app expects
    assert response.status == 200
    assert_dart_types(response.json, HOME)
    data = response.json["data"]
    assert data["banners"] and data["categories"] and data["shops"] and data["popular_products"]
    assert len(data["categories"]) <= 10 and len(data["shops"]) <= 8 and len(data["popular_products"]) <= 6
    assert len(data["just_for_you"]["products"]) == min(8, data["just_for_you"]["total"])


def test_home_pages_just_for_you_when_asked(api):
    # given the seeded marketplace
    # when the app asks for the second page of two
    first = api.get("/api/home", params={"page": 1, "per_page": 2}).json["data"]["just_for_you"]
    second = api.get("/api/home", params={"page": 2, "per_page": 2}).json["data"]["just_for_you"]
    # then pages hold two each and do not overlap, with the same total
    assert len(first["products"]) == len(second["products"]) == 2 and first["total"] == second["total"]
    assert not {p["id"] for p in first["products"]} & {p["id"] for p in second["products"]}


def test_home_on_a_shop_host_shows_that_shop_and_no_shops(api, make_shop):
    # given a shop with a banner and one product, wish-listed by a customer
    shop, _, host, product = open_shop(make_shop)
    with context.use(tenant=shop["id"]), db.transaction():
        ShopBanner.create(title="Shop banner", thumbnail="content/x/shop.jpg")
    user, token = f.customer()
    with context.use(user=user.id), db.transaction():
        Favorite.create(user=user.id, product=product.id)
    # when the customer loads the shop's home
    response = api.get("/api/home", host=host, token=token)
    # then the shop's banner, its category and product come back, no shop list, and the favourite is marked
    assert response.status == 200
    assert_dart_types(response.json, HOME)
    data = response.json["data"]
    assert data["shops"] == []
    assert [b["title"] for b in data["banners"]] == ["Shop banner"]
    assert [c["id"] for c in data["categories"]] == [product.category_id]
    assert [p["id"] for p in data["popular_products"]] == [product.id]
    assert data["just_for_you"]["total"] == 1 and data["just_for_you"]["products"][0]["is_favorite"] is True


def test_home_lists_are_present_when_the_shop_has_nothing(api, make_shop):
    # given a new shop with no profile, product or banner
    _, _, host = make_shop("free")
    # when its home is loaded
    response = api.get("/api/home", host=host)
    # then every list is there, empty
    assert response.status == 200
    assert response.json["data"] == {"banners": [], "categories": [], "shops": [], "popular_products": [],
                                     "just_for_you": {"total": 0, "products": []}}


def test_home_rejects_a_bad_page(api):
    # when the app sends a page that is not a number
    response = api.get("/api/home", params={"page": "x"})
    # then it is a validation error without data
    assert response.status == 422 and "data" not in response.json
