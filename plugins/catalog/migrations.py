"""The catalog's schema history."""

from kernel.migrations import CURRENT_USER, Migration, create_tables, policy, sql, steps
from plugins.catalog import models as m

# The price before any flash sale: the discount when it is a real one, else the list price.
BASE_PRICE = "CASE WHEN discount_price > 0 AND discount_price < price THEN discount_price ELSE price END"
PUBLIC_DETAIL_TABLES = ("product_category", "product_image", "product_color", "product_size", "flash_sale_product")

MIGRATIONS = [
    Migration(1, "catalog tables", steps(
        create_tables(*m.MODELS),
        policy("product", "public_read", "is_active AND is_approved", command="SELECT"),
        policy("shop_profile", "public_read", "is_published", command="SELECT"),
        policy("review", "public_read", "is_visible", command="SELECT"),
        policy("review", "author", f"user_id = {CURRENT_USER}", check=f"user_id = {CURRENT_USER}"),
        policy("favorite", "owner", f"user_id = {CURRENT_USER}", check=f"user_id = {CURRENT_USER}"),
        *(policy(table, "public_read", "true", command="SELECT") for table in PUBLIC_DETAIL_TABLES),
    )),
    Migration(2, "product full-text search", sql(
        postgres=(
            "ALTER TABLE product ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', coalesce(name, '')), 'A') || "
            "setweight(to_tsvector('simple', coalesce(short_description, '')), 'B') || "
            "setweight(to_tsvector('simple', coalesce(code, '')), 'A')) STORED",
            "CREATE INDEX product_search_idx ON product USING GIN (search_vector)",
        ),
        sqlite=(
            "CREATE VIRTUAL TABLE product_fts USING fts5(name, short_description, code, "
            "content='product', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            "CREATE TRIGGER product_fts_insert AFTER INSERT ON product BEGIN "
            "INSERT INTO product_fts(rowid, name, short_description, code) "
            "VALUES (new.id, new.name, new.short_description, new.code); END",
            "CREATE TRIGGER product_fts_delete AFTER DELETE ON product BEGIN "
            "INSERT INTO product_fts(product_fts, rowid, name, short_description, code) "
            "VALUES ('delete', old.id, old.name, old.short_description, old.code); END",
            "CREATE TRIGGER product_fts_update AFTER UPDATE OF name, short_description, code ON product BEGIN "
            "INSERT INTO product_fts(product_fts, rowid, name, short_description, code) "
            "VALUES ('delete', old.id, old.name, old.short_description, old.code); "
            "INSERT INTO product_fts(rowid, name, short_description, code) "
            "VALUES (new.id, new.name, new.short_description, new.code); END",
        ),
    )),
    # "popular" sorts by review count then rating; without this index each page would sort the whole catalog.
    Migration(3, "product popularity index", sql(
        "CREATE INDEX IF NOT EXISTS product_popular_idx ON product (review_count, rating)",
    )),
    # Price sorts and filters walk the price without a flash offer (browse.queries.base_price, the same
    # expression) in order and stop after a page; the filter panel's min/max reads one end of it. Not
    # partial: PostgreSQL keeps statistics on the expression of a full index only, and the planner needs
    # them to see how many products a price range holds.
    Migration(6, "product price indexes", sql(
        f"CREATE INDEX IF NOT EXISTS product_price_idx ON product (({BASE_PRICE}), id)",
        f"CREATE INDEX IF NOT EXISTS product_shop_price_idx ON product (tenant_id, ({BASE_PRICE}), id)",
    )),
]
