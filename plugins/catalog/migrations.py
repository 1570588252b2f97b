"""The catalog's schema history."""

from kernel.migrations import (
    CURRENT_USER, Migration, add_column, create_tables, one_row_per_tenant, policy, sql, steps, tenant_policy_sql,
)
from plugins.catalog import models as m

# The price before any flash sale: the discount when it is a real one, else the list price.
BASE_PRICE = "CASE WHEN discount_price > 0 AND discount_price < price THEN discount_price ELSE price END"
PUBLIC_DETAIL_TABLES = ("product_category", "product_image", "product_color", "product_size", "flash_sale_product")
# What the listing reads of a product to filter, price and order its matches (browse.listing).
LISTING_COLUMNS = (
    "tenant_id, is_active, is_approved, price, discount_price, created_at, sold_count, review_count, rating, brand_id"
)
# Add (sign +) or take away (sign -) one published product of a row's shop in shop_product_count.
COUNT_STEP = (
    "INSERT INTO shop_product_count (tenant_id, published) VALUES ({row}.tenant_id, {sign}1) "
    "ON CONFLICT (tenant_id) DO UPDATE SET published = shop_product_count.published {sign} 1;"
)
# The same for a statement's transition table of products (PostgreSQL).
COUNT_CHANGE = (
    "INSERT INTO shop_product_count (tenant_id, published) "
    "SELECT tenant_id, {sign}count(*) FROM {rows} WHERE is_active AND is_approved GROUP BY tenant_id "
    "ON CONFLICT (tenant_id) DO UPDATE SET published = shop_product_count.published + EXCLUDED.published;"
)
# A product's search vector: name and code weigh A, the short description B (``{row}`` names the row).
SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', coalesce({row}.name, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce({row}.short_description, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce({row}.code, '')), 'A')"
)
# Foreign keys from products to reference data that used to CASCADE or SET NULL (table, column, referenced table).
RESTRICTED_REFERENCES = (
    ("product", "brand_id", "brand"),
    ("product", "unit_id", "unit"),
    ("product_category", "category_id", "category"),
    ("product_color", "color_id", "color"),
    ("product_size", "size_id", "size"),
)

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
    # Sellers set their order-code prefix with the shop settings; adding a column keeps the
    # table's row-level security policies as they are.
    Migration(7, "shop profile order prefix", add_column("shop_profile", "prefix", "VARCHAR(2) NOT NULL DEFAULT ''")),
    # Reference data in use is refused by the database, not only by the admin's check: on PostgreSQL
    # row-level security hides unpublished products from the administrator, and a seller may file a
    # product under a brand between the check and the delete. SQLite cannot alter a foreign key; its
    # writers queue one at a time and it has no row-level security, so the admin's check is complete there.
    Migration(8, "restrict deleting reference data in use", sql(postgres=tuple(
        f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_fkey, ADD CONSTRAINT {table}_{column}_fkey "
        f"FOREIGN KEY ({column}) REFERENCES {target} (id) ON DELETE RESTRICT"
        for table, column, target in RESTRICTED_REFERENCES
    ))),
    # Search on PostgreSQL moves to a table of the published products' vectors. Under product's row-level
    # security a condition may use an index only if its operator is leakproof, and tsvector's @@ is not,
    # so every search scanned the whole catalog. The new table holds public rows only (a product is in it
    # while active and approved), so every storefront may read it (policy true) and its GIN index serves.
    # Triggers keep it in step in the writer's transaction and tenant (which its write policy checks):
    # one per inserting statement, so a bulk load adds its rows in one go, and one per changed row.
    Migration(9, "public product search table", steps(
        sql(postgres=(
            "CREATE TABLE product_search (product_id INTEGER PRIMARY KEY REFERENCES product (id) ON DELETE CASCADE, "
            "tenant_id INTEGER NOT NULL, search_vector TSVECTOR NOT NULL)",
            "CREATE INDEX product_search_vector_idx ON product_search USING GIN (search_vector)",
            "CREATE FUNCTION product_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO product_search (product_id, tenant_id, search_vector) "
            f"SELECT id, tenant_id, {SEARCH_VECTOR.format(row='inserted')} FROM inserted "
            "WHERE is_active AND is_approved; RETURN NULL; END $$",
            "CREATE TRIGGER product_search_insert AFTER INSERT ON product REFERENCING NEW TABLE AS inserted "
            "FOR EACH STATEMENT EXECUTE FUNCTION product_search_insert()",
            "CREATE FUNCTION product_search_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.is_active AND NEW.is_approved THEN "
            "INSERT INTO product_search (product_id, tenant_id, search_vector) "
            f"VALUES (NEW.id, NEW.tenant_id, {SEARCH_VECTOR.format(row='NEW')}) "
            "ON CONFLICT (product_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, "
            "search_vector = EXCLUDED.search_vector; "
            "ELSE DELETE FROM product_search WHERE product_id = NEW.id; END IF; RETURN NULL; END $$",
            "CREATE TRIGGER product_search_update AFTER UPDATE OF tenant_id, name, short_description, code, "
            "is_active, is_approved ON product FOR EACH ROW EXECUTE FUNCTION product_search_update()",
            "INSERT INTO product_search (product_id, tenant_id, search_vector) "
            f"SELECT id, tenant_id, {SEARCH_VECTOR.format(row='product')} FROM product WHERE is_active AND is_approved",
            "DROP INDEX IF EXISTS product_search_idx",
            "ALTER TABLE product DROP COLUMN IF EXISTS search_vector",
            *tenant_policy_sql("product_search"),
        )),
        policy("product_search", "public_read", "true", command="SELECT"),
    )),
    # The product listing (browse.listing) reads a category's or a search's matches from covering indexes,
    # so a page reads about as many index entries as it has matches whatever the catalog's size: by
    # category with the price the indexes of migration 6 hold, by id for products reached through a link
    # or a search, a sub-category's links in order, and the running offers by price for the filter panel.
    # Only published products are indexed (partial); is_active and is_approved are included all the same
    # because PostgreSQL evaluates the row-level security policy on them, and an index-only scan needs
    # every column that policy reads. SQLite has no INCLUDE.
    Migration(10, "product listing covering indexes", sql(
        "CREATE INDEX IF NOT EXISTS product_category_listing_idx ON product_category (category_id, product_id)",
        "CREATE INDEX IF NOT EXISTS flash_sale_product_price_idx ON flash_sale_product (price)",
        postgres=(
            f"CREATE INDEX IF NOT EXISTS product_listing_category_idx ON product (category_id, ({BASE_PRICE}), id) "
            f"INCLUDE ({LISTING_COLUMNS}) WHERE is_active AND is_approved",
            "CREATE INDEX IF NOT EXISTS product_listing_id_idx ON product (id) "
            f"INCLUDE (category_id, {LISTING_COLUMNS}) WHERE is_active AND is_approved",
        ),
        sqlite=(
            f"CREATE INDEX IF NOT EXISTS product_listing_category_idx ON product (category_id, ({BASE_PRICE}), id) "
            "WHERE is_active AND is_approved",
        ),
    )),
    # How many published products each shop has, kept exact by triggers in the writer's transaction, so a
    # listing without filters counts its storefront's products by adding one number per shop instead of
    # reading every product (which the exact total of GET /api/products would otherwise cost).
    # Per-statement triggers on PostgreSQL, so a bulk load adds its counts in one go; per row on SQLite.
    Migration(11, "published product counts per shop", steps(
        sql(
            "CREATE TABLE shop_product_count (tenant_id INTEGER PRIMARY KEY, published INTEGER NOT NULL)",
            "INSERT INTO shop_product_count (tenant_id, published) "
            "SELECT tenant_id, count(*) FROM product WHERE is_active AND is_approved GROUP BY tenant_id",
            postgres=(
                "CREATE FUNCTION shop_product_count_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{COUNT_CHANGE.format(rows='inserted', sign='+')} RETURN NULL; END $$",
                "CREATE TRIGGER shop_product_count_insert AFTER INSERT ON product REFERENCING NEW TABLE AS inserted "
                "FOR EACH STATEMENT EXECUTE FUNCTION shop_product_count_add()",
                "CREATE FUNCTION shop_product_count_remove() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{COUNT_CHANGE.format(rows='deleted', sign='-')} RETURN NULL; END $$",
                "CREATE TRIGGER shop_product_count_delete AFTER DELETE ON product REFERENCING OLD TABLE AS deleted "
                "FOR EACH STATEMENT EXECUTE FUNCTION shop_product_count_remove()",
                "CREATE FUNCTION shop_product_count_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF OLD.is_active AND OLD.is_approved THEN {COUNT_STEP.format(row='OLD', sign='-')} END IF; "
                f"IF NEW.is_active AND NEW.is_approved THEN {COUNT_STEP.format(row='NEW', sign='+')} END IF; "
                "RETURN NULL; END $$",
                "CREATE TRIGGER shop_product_count_update AFTER UPDATE OF tenant_id, is_active, is_approved ON product "
                "FOR EACH ROW EXECUTE FUNCTION shop_product_count_update()",
                *tenant_policy_sql("shop_product_count"),
            ),
            sqlite=(
                "CREATE TRIGGER shop_product_count_insert AFTER INSERT ON product "
                f"WHEN new.is_active AND new.is_approved BEGIN {COUNT_STEP.format(row='new', sign='+')} END",
                "CREATE TRIGGER shop_product_count_delete AFTER DELETE ON product "
                f"WHEN old.is_active AND old.is_approved BEGIN {COUNT_STEP.format(row='old', sign='-')} END",
                "CREATE TRIGGER shop_product_count_update_old AFTER UPDATE OF tenant_id, is_active, is_approved "
                "ON product WHEN old.is_active AND old.is_approved "
                f"BEGIN {COUNT_STEP.format(row='old', sign='-')} END",
                "CREATE TRIGGER shop_product_count_update_new AFTER UPDATE OF tenant_id, is_active, is_approved "
                "ON product WHEN new.is_active AND new.is_approved "
                f"BEGIN {COUNT_STEP.format(row='new', sign='+')} END",
            ),
        ),
        policy("shop_product_count", "public_read", "true", command="SELECT"),
    )),
    # The profile's unique index was skipped by create_tables (peewee's name clash); the first row stays.
    Migration(12, "one storefront profile per shop", one_row_per_tenant("shop_profile")),
]
