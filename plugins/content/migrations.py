"""The content plugin's schema history."""

from kernel.migrations import Migration, create_tables, policy, steps
from plugins.content.models import MODELS

MIGRATIONS = [
    Migration(1, "content tables", steps(
        create_tables(*MODELS),
        policy("shop_banner", "public_read", "is_active", command="SELECT"),
    )),
]
