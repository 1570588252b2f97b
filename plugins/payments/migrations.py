"""The payments schema and its row-level security.

Who sees a row: a customer their payments, shares, refunds and wallet; a shop
its shares, refunds, wallet and the commission taken from it, plus the
payments its orders belong to. The ledger has no UPDATE or DELETE policy, so
for the application role it is append-only inside the database too.
"""

from kernel.migrations import CURRENT_TENANT, CURRENT_USER, Migration, create_tables, policy, sql, steps
from plugins.payments import models as m

OWN_WALLETS = (
    f"(account = '{m.SHOP_WALLET}' AND owner_id = {CURRENT_TENANT})"
    f" OR (account = '{m.CUSTOMER_WALLET}' AND owner_id = {CURRENT_USER})"
)
OWN_LEDGER = f"{OWN_WALLETS} OR (account = '{m.PLATFORM}' AND tenant_id = {CURRENT_TENANT})"
CUSTOMER = f"user_id = {CURRENT_USER}"
SHOP = f"tenant_id = {CURRENT_TENANT}"
SHOP_PAYMENT = f"id IN (SELECT payment_id FROM payment_share WHERE tenant_id = {CURRENT_TENANT})"

MIGRATIONS = [
    Migration(1, "payments, ledger and wallets", steps(
        create_tables(*m.MODELS),
        policy("payment", "customer", CUSTOMER, check=CUSTOMER),
        policy("payment", "shop", SHOP_PAYMENT, check=SHOP_PAYMENT),
        policy("payment_share", "customer", CUSTOMER, check=CUSTOMER),
        policy("payment_share", "shop", SHOP, check=SHOP),
        policy("refund", "customer", CUSTOMER, command="SELECT"),
        policy("refund", "shop", SHOP, check=SHOP),
        policy("wallet_balance", "owner", OWN_WALLETS, check=OWN_WALLETS),
        policy("ledger_entry", "owner_read", OWN_LEDGER, command="SELECT"),
        sql(postgres=(
            "DROP POLICY IF EXISTS owner_append ON ledger_entry",
            f"CREATE POLICY owner_append ON ledger_entry FOR INSERT WITH CHECK ({OWN_LEDGER})",
        )),
    )),
]
