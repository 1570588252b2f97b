"""GET /api/products: contract types, every filter and sort, effective prices, search and storefront scoping."""

import datetime as dt

import pytest
from peewee import chunked

import catalog_fixtures as cf
from contract import PRODUCT_CARD, assert_dart_types, under
from kernel import context, db, tenancy
from kernel.orm import utcnow
from plugins.catalog.models import Product

ALL_KEYS = "page=1&per_page=20&search&shop_id&product_id&category_id&rating&min_price&max_price&sort_type" \
           "&sub_category_id&brand_id&size_id&color_id"

LIST_SPEC = {
    "message": "String!",
    "data.total": "int!",
    "data.products": "List!",
    **under("data.products[]", PRODUCT_CARD),
    "data.filters": "Map!",
    "data.filters.sizes": "List!",
    "data.filters.sizes[].id": "int!",
    "data.filters.sizes[].name": "String!",
    "data.filters.sizes[].price": "double!",
    "data.filters.colors": "List!",
    "data.filters.colors[].id": "int!",
    "data.filters.colors[].name": "String!",
    "data.filters.colors[].color_code": "String!",
    "data.filters.colors[].price": "double!",
    "data.filters.brands": "List!",
    "data.filters.brands[].id": "int!",
    "data.filters.brands[].name": "String!",
    "data.filters.min_price": "double!",
    "data.filters.max_price": "double!",
}


@pytest.fixture
def shop(api, root_token):
    return cf.shop(api, root_token, "starter")


def bulk_products(shop_id: int, category, rows: list[dict]) -> None:
    """Many products of one shop in one transaction, through the model (the search triggers run as usual)."""
    with context.use(tenant=shop_id), db.transaction():
        for batch in chunked(rows, 200):
            Product.insert_many([
                {"name": cf.unique("bulk"), "slug": cf.unique("p"), "code": cf.unique("c")[:25], "category": category,
                 "price": 1000, **row}
                for row in batch
            ]).execute()


def ids(response) -> list[int]:
    assert response.status == 200, response
    return [p["id"] for p in response.json["data"]["products"]]


def test_products_answer_the_contract_types_with_every_key_bare(api, shop):
    # given a shop with a product that has a colour, a size and a brand
    shop_id, host = shop
    cat, col, siz, brd = cf.category(), cf.color(), cf.size(), cf.brand()
    cf.product(shop_id, category=cat, brand=brd, colors=[(col, 150)], sizes=[siz], price=2500, discount_price=2000)
    # when the app lists products with all 14 keys, most of them bare
    response = api.get("/api/products", query_string=ALL_KEYS, host=host)
    # then the body parses as the app's models, with money as doubles
    assert response.status == 200, response
    assert_dart_types(response.json, LIST_SPEC)
    card = response.json["data"]["products"][0]
    assert card["price"] == 25.0 and card["discount_price"] == 20.0 and card["discount_percentage"] == 20.0
    assert card["colors"] == [{"id": col.id, "name": col.name, "color_code": col.color_code, "price": 1.5}]
    assert card["brand"] == brd.name and card["is_favorite"] is False
    assert response.json["data"]["filters"]["min_price"] == 20.0
    assert response.json["data"]["filters"]["max_price"] == 20.0


def test_empty_values_mean_no_filter(api, shop):
    # given a shop with two products
    shop_id, host = shop
    cat = cf.category()
    first, second = cf.product(shop_id, category=cat), cf.product(shop_id, category=cat)
    # when every key is sent empty
    response = api.get("/api/products", query_string=ALL_KEYS.replace("&search", "&search=").replace("&rating", "&rating="),
                       host=host)
    # then nothing is filtered
    assert set(ids(response)) == {first.id, second.id}
    assert response.json["data"]["total"] == 2


def test_pagination_counts_every_match_and_pages_do_not_overlap(api, shop):
    # given five products created at the same instant (ties broken by id)
    shop_id, host = shop
    cat = cf.category()
    created = [cf.product(shop_id, category=cat, created_at=utcnow().replace(microsecond=0)) for _ in range(5)]
    # when they are read two at a time
    pages = [api.get("/api/products", params={"page": n, "per_page": 2}, host=host) for n in (1, 2, 3)]
    # then total is all matches and the pages cover every product once, newest (highest id) first
    assert [p.json["data"]["total"] for p in pages] == [5, 5, 5]
    seen = [i for page in pages for i in ids(page)]
    assert seen == sorted((p.id for p in created), reverse=True)


def test_total_is_the_exact_count_of_hundreds_of_matches_on_every_page(api, shop):
    # given 600 products in a sub-category priced 1.00 to 600.00, and 20 more elsewhere
    shop_id, host = shop
    root, other = cf.category(), cf.category()
    sub = cf.category(parent=root)
    bulk_products(shop_id, sub, [{"name": f"Bulkware item {n}", "price": 100 * n} for n in range(1, 601)])
    bulk_products(shop_id, other, [{} for _ in range(20)])
    # when the app pages through 100.50-550.00 (450 matches) cheapest first, past the last page too
    band = {"sub_category_id": sub.id, "min_price": 100.5, "max_price": 550, "sort_type": "low_to_high", "per_page": 20}
    pages = {n: api.get("/api/products", params={**band, "page": n}, host=host) for n in (1, 2, 23, 24)}
    # then every page says 450, the pages run in price order and end where the matches do
    assert {n: page.json["data"]["total"] for n, page in pages.items()} == {1: 450, 2: 450, 23: 450, 24: 450}
    assert [p["price"] for p in pages[1].json["data"]["products"]] == [float(n) for n in range(101, 121)]
    assert len(ids(pages[23])) == 10 and ids(pages[24]) == []
    # and the whole category, its newest first, and a search each count all 600, past the old cap of 500
    for params in ({"category_id": root.id}, {"sub_category_id": sub.id, "sort_type": "newest"},
                   {"search": "bulkware"}, {"search": "bulkware", "sort_type": "high_to_low"}):
        response = api.get("/api/products", params={**params, "page": 2, "per_page": 20}, host=host)
        assert response.json["data"]["total"] == 600, params
        assert len(ids(response)) == 20


def test_unfiltered_total_follows_every_change_to_what_is_published(api, shop):
    # given a shop with two published products, a switched-off one and one awaiting approval
    shop_id, host = shop
    cat = cf.category()
    first, second = cf.product(shop_id, category=cat), cf.product(shop_id, category=cat)
    off = cf.product(shop_id, category=cat, is_active=False)
    pending = cf.product(shop_id, category=cat, is_approved=False)

    def total() -> int:
        own = api.get("/api/products", params={"page": 1, "per_page": 20}, host=host).json["data"]
        listed = api.get("/api/products", params={"shop_id": shop_id, "sort_type": "low_to_high", "per_page": 20})
        assert own["total"] == len(own["products"]) == listed.json["data"]["total"]
        return own["total"]

    # when products are switched off and on, approved and deleted, then each listing's total follows
    assert total() == 2
    cf.update_product(first, is_active=False)
    assert total() == 1
    cf.update_product(pending, is_approved=True)
    cf.update_product(off, is_active=True)
    assert total() == 3
    with context.use(tenant=shop_id), db.transaction():
        Product.delete().where(Product.id == second.id).execute()
    assert total() == 2


def test_search_ranks_a_strong_match_first_among_more_than_a_thousand(api, shop):
    # given the oldest product naming a word, then 1,100 that mention it only in their short description
    shop_id, host = shop
    cat = cf.category()
    word = "lumo" + cf.unique("x").split("-")[1]
    strong = cf.product(shop_id, category=cat, name=f"{word} lantern")
    bulk_products(shop_id, cat, [{"name": f"Lantern {n}", "short_description": f"pairs with a {word}"}
                                 for n in range(1100)])
    # when the customer searches the word (relevance order, newest first among equals)
    response = api.get("/api/products", params={"search": word, "page": 1, "per_page": 20}, host=host)
    # then every match is counted and the name match leads, though it is the oldest of them
    assert response.json["data"]["total"] == 1101
    assert ids(response)[0] == strong.id


def test_without_page_every_product_comes_back(api, shop):
    # given three products
    shop_id, host = shop
    cat = cf.category()
    made = {cf.product(shop_id, category=cat).id for _ in range(3)}
    # when listed with no page nor per_page
    response = api.get("/api/products", host=host)
    # then all come back
    assert set(ids(response)) == made and response.json["data"]["total"] == 3


def test_category_sub_category_brand_size_color_and_shop_filters(api, shop, root_token):
    # given products that differ in one attribute each
    shop_id, host = shop
    root, other_root = cf.category(), cf.category()
    sub = cf.category(parent=root)
    brd, col, siz = cf.brand(), cf.color(), cf.size()
    plain = cf.product(shop_id, category=root)
    in_sub = cf.product(shop_id, category=root, sub_categories=[sub])
    main_is_sub = cf.product(shop_id, category=sub)
    elsewhere = cf.product(shop_id, category=other_root)
    branded = cf.product(shop_id, category=other_root, brand=brd)
    coloured = cf.product(shop_id, category=other_root, colors=[col])
    sized = cf.product(shop_id, category=other_root, sizes=[siz])
    # when each filter is applied, then only the matching products come back
    def listed(**params):
        return set(ids(api.get("/api/products", params=params, host=host)))

    assert listed(category_id=root.id) == {plain.id, in_sub.id, main_is_sub.id}
    assert listed(sub_category_id=sub.id) == {in_sub.id, main_is_sub.id}
    assert listed(brand_id=brd.id) == {branded.id}
    assert listed(color_id=col.id) == {coloured.id}
    assert listed(size_id=siz.id) == {sized.id}
    assert listed(product_id=elsewhere.id) == {elsewhere.id}
    assert listed(shop_id=shop_id, category_id=other_root.id) == {elsewhere.id, branded.id, coloured.id, sized.id}


def test_rating_filter_takes_the_band_from_r_to_r_plus_one(api, shop):
    # given products rated 3.0, 3.9, 4.0 and 5.0
    shop_id, host = shop
    cat = cf.category()
    made = {r: cf.product(shop_id, category=cat, rating=r) for r in (3.0, 3.9, 4.0, 5.0)}
    # when filtering on rating=3.0 and rating=5.0 as the app formats doubles
    three = api.get("/api/products", query_string="rating=3.0", host=host)
    five = api.get("/api/products", query_string="rating=5.0", host=host)
    # then [3, 4) and [5, 6) come back
    assert set(ids(three)) == {made[3.0].id, made[3.9].id}
    assert set(ids(five)) == {made[5.0].id}


def test_price_filter_and_sorts_use_the_effective_price(api, shop):
    # given list 100 with a running flash sale at 15, list 50 with discount 30, list 40, and
    # list 20 whose flash sale is sold out (so it costs 20)
    shop_id, host = shop
    cat = cf.category()
    flashed = cf.product(shop_id, category=cat, price=10000)
    discounted = cf.product(shop_id, category=cat, price=5000, discount_price=3000)
    plain = cf.product(shop_id, category=cat, price=4000)
    sold_out = cf.product(shop_id, category=cat, price=2000)
    cf.flash_sale([(flashed, 1500, 10), (sold_out, 500, 5, 5)])
    # when filtering 16..35 and sorting by price both ways
    in_band = api.get("/api/products", params={"min_price": 16, "max_price": 35}, host=host)
    cheap = api.get("/api/products", params={"max_price": 15}, host=host)
    up = api.get("/api/products", params={"sort_type": "low_to_high"}, host=host)
    down = api.get("/api/products", params={"sort_type": "high_to_low"}, host=host)
    # then the flash price (not the list price) and the discount decide
    assert set(ids(in_band)) == {discounted.id, sold_out.id}
    assert ids(cheap) == [flashed.id]
    assert ids(up) == [flashed.id, sold_out.id, discounted.id, plain.id]
    assert ids(down) == [plain.id, discounted.id, sold_out.id, flashed.id]
    card = next(p for p in cheap.json["data"]["products"])
    assert card["discount_price"] == 15.0 and card["quantity"] == 10
    assert up.json["data"]["filters"]["min_price"] == 15.0 and up.json["data"]["filters"]["max_price"] == 40.0


def test_sorts_order_by_what_they_promise(api, shop):
    # given products with distinct sales, reviews and ages
    shop_id, host = shop
    cat = cf.category()
    now = utcnow()
    old = cf.product(shop_id, category=cat, sold_count=50, review_count=1, rating=5.0,
                     created_at=now - dt.timedelta(days=3))
    mid = cf.product(shop_id, category=cat, sold_count=5, review_count=9, rating=3.0,
                     created_at=now - dt.timedelta(days=2))
    new = cf.product(shop_id, category=cat, sold_count=20, review_count=9, rating=4.0,
                     created_at=now - dt.timedelta(days=1))

    def order(sort):
        return ids(api.get("/api/products", params={"sort_type": sort}, host=host))

    # when sorted, then each order follows its column (ties: rating, then id)
    assert order("top_selling") == [old.id, new.id, mid.id]
    assert order("newest") == [new.id, mid.id, old.id]
    assert order("popular") == [new.id, mid.id, old.id]
    assert order("popular_product") == [new.id, mid.id, old.id]
    assert order("just_for_you") == [new.id, mid.id, old.id]


def test_just_for_you_puts_the_customers_favourite_categories_first(api, shop):
    # given an older product in a category the customer has wish-listed from, and a newer one elsewhere
    shop_id, host = shop
    liked_cat, other_cat = cf.category(), cf.category()
    now = utcnow()
    liked = cf.product(shop_id, category=liked_cat, created_at=now - dt.timedelta(days=5))
    older_liked = cf.product(shop_id, category=liked_cat, created_at=now - dt.timedelta(days=6))
    newer = cf.product(shop_id, category=other_cat, created_at=now)
    _, token = cf.customer()
    assert api.post("/api/favorite-add-or-remove", json={"product_id": older_liked.id}, token=token, host=host).status == 200
    # when the customer asks for just_for_you, and an anonymous visitor does
    mine = ids(api.get("/api/products", params={"sort_type": "just_for_you"}, token=token, host=host))
    anonymous = ids(api.get("/api/products", params={"sort_type": "just_for_you"}, host=host))
    # then the customer's categories lead; the visitor gets newest first
    assert mine == [liked.id, older_liked.id, newer.id]
    assert anonymous == [newer.id, liked.id, older_liked.id]


def test_unknown_sort_and_bad_numbers_are_422(api, shop):
    # given a shop host
    _, host = shop
    # when sort_type or a number is invalid, then 422 with field errors and no data
    for query in ("sort_type=cheapest", "rating=abc", "min_price=-1", "per_page=0", "category_id=99999999999"):
        response = api.get("/api/products", query_string=query, host=host)
        assert response.status == 422, (query, response)
        assert "data" not in response.json and response.json["errors"]


def test_search_ranks_the_most_relevant_product_first(api, shop):
    # given products mentioning a word in the name, only in the description, and not at all
    shop_id, host = shop
    cat = cf.category()
    word = cf.unique("zebra").split("-")[1] + "zebra"
    in_description = cf.product(shop_id, category=cat, name="Striped mug", short_description=f"a {word} pattern")
    in_name = cf.product(shop_id, category=cat, name=f"{word} hoodie", short_description="warm")
    cf.product(shop_id, category=cat, name="Plain mug")
    # when searching without a sort
    response = api.get("/api/products", params={"search": word}, host=host)
    # then both matches come back, the name match first
    assert ids(response) == [in_name.id, in_description.id]
    assert response.json["data"]["total"] == 2


def test_search_with_a_sort_keeps_the_sort(api, shop):
    # given two matching products with different prices
    shop_id, host = shop
    cat = cf.category()
    cheap = cf.product(shop_id, category=cat, name="Lamp shade", short_description="lamp lamp lamp", price=100)
    dear = cf.product(shop_id, category=cat, name="Desk lamp", price=900)
    # when searching sorted high to low, then price order wins over relevance
    assert ids(api.get("/api/products", params={"search": "lamp", "sort_type": "high_to_low"}, host=host)) == [dear.id, cheap.id]


def test_search_matches_every_word_in_any_order_and_unicode(api, shop):
    # given products with accented and multi-word names
    shop_id, host = shop
    cat = cf.category()
    cafe = cf.product(shop_id, category=cat, name="Café crème cup")
    cf.product(shop_id, category=cat, name="Tea cup")
    # when searching two words reversed, then only the product holding both comes back
    assert ids(api.get("/api/products", params={"search": "crème café"}, host=host)) == [cafe.id]


def test_search_finds_the_start_of_a_word(api, shop):
    # given a product whose name holds a long, rare word
    shop_id, host = shop
    cat = cf.category()
    word = "quasar" + cf.unique("x").split("-")[1]
    found = cf.product(shop_id, category=cat, name=f"{word.capitalize()} lamp")
    cf.product(shop_id, category=cat, name="Plain lamp")
    # when the customer types only the start of that word, or two letters of it
    partial = api.get("/api/products", params={"search": word[:8]}, host=host)
    too_short = api.get("/api/products", params={"search": word[:2]}, host=host)
    # then the partial word finds it, as the original's substring search did; two letters must match whole
    assert ids(partial) == [found.id]
    assert ids(too_short) == []


def test_search_reads_only_the_last_word_as_the_start_of_one(api, shop):
    # given a product whose name holds two long, rare words
    shop_id, host = shop
    first, second = ("nebula" + cf.unique("x").split("-")[1] for _ in range(2))
    found = cf.product(shop_id, category=cf.category(), name=f"{first} {second} lamp")
    # when the customer has typed the first word and part of the second, or part of the first then the second
    typing = api.get("/api/products", params={"search": f"{first} {second[:7]}"}, host=host)
    cut = api.get("/api/products", params={"search": f"{first[:7]} {second}"}, host=host)
    # then the word being typed matches as a start, a word followed by a space only whole
    assert ids(typing) == [found.id]
    assert ids(cut) == []


@pytest.mark.parametrize("text", ['"a OR (', "*", '"', "''", "NEAR(", "a AND", "-", "^x", "col:val", "😀", "ä\u0301", "(((", "x" * 200])
def test_hostile_search_text_never_errors(api, shop, text):
    # given a shop with a product
    shop_id, host = shop
    cf.product(shop_id, category=cf.category(), name="Ordinary thing")
    # when the search text is FTS syntax or odd unicode
    response = api.get("/api/products", params={"search": text}, host=host)
    # then it answers 200 with a well-typed (possibly empty) list
    assert response.status == 200, response
    assert_dart_types(response.json, LIST_SPEC)


def test_shop_host_shows_only_its_own_published_products(api, root_token):
    # given two shops, each with a product, plus an inactive and an unapproved product in the first
    (first_id, first_host), (second_id, second_host) = cf.shop(api, root_token), cf.shop(api, root_token)
    cat = cf.category()
    mine = cf.product(first_id, category=cat)
    cf.product(first_id, category=cat, is_active=False)
    cf.product(first_id, category=cat, is_approved=False)
    theirs = cf.product(second_id, category=cat)
    # when each storefront lists the shared category, and the first asks for the second's shop
    first = api.get("/api/products", params={"category_id": cat.id}, host=first_host)
    foreign = api.get("/api/products", params={"shop_id": second_id}, host=first_host)
    marketplace = api.get("/api/products", params={"category_id": cat.id})
    # then a shop host never shows another shop, and the marketplace shows both published ones
    assert ids(first) == [mine.id]
    assert ids(foreign) == [] and foreign.json["data"]["total"] == 0
    assert set(ids(marketplace)) == {mine.id, theirs.id}


def test_marketplace_hides_shops_not_listed_on_it(api, root_token):
    # given a listed shop and a Free shop whose marketplace feature is switched off
    (listed_id, _), (hidden_id, hidden_host) = cf.shop(api, root_token), cf.shop(api, root_token, "free")
    cat = cf.category()
    shown = cf.product(listed_id, category=cat)
    hidden = cf.product(hidden_id, category=cat)
    with db.transaction():
        tenancy.set_override(hidden_id, "marketplace", enabled=False)
    # when the marketplace and the unlisted shop's own host list the category
    marketplace = api.get("/api/products", params={"category_id": cat.id})
    own = api.get("/api/products", params={"category_id": cat.id}, host=hidden_host)
    # then the marketplace leaves it out, its own storefront still shows it
    assert ids(marketplace) == [shown.id]
    assert ids(own) == [hidden.id]
    assert api.get(f"/api/products/{hidden.id}").status == 404


def test_is_favorite_is_per_user_on_the_public_listing(api, shop):
    # given two customers, one of whom wish-listed the product
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, fan = cf.customer()
    _, other = cf.customer()
    api.post(f"/api/products/{item.id}/favorite", token=fan, host=host)
    # when each lists products (and a visitor without a token)
    def flag(token):
        return api.get("/api/products", token=token, host=host).json["data"]["products"][0]["is_favorite"]

    # then only the fan sees it marked
    assert (flag(fan), flag(other), flag(None)) == (True, False, False)
