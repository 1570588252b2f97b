"""Reading the data files under seeds/ and inserting only what is missing."""

import json

from kernel import config


def load(phase: str, name: str):
    """Return the parsed JSON file ``seeds/<phase>/<name>.json``."""
    with open(config.ROOT / "seeds" / phase / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def ensure(model, lookup: dict, defaults: dict | None = None):
    """Insert a row matching ``lookup`` unless one exists; never update an existing row.

    Returns ``(row, created)``. This is what makes every phase safe to re-run.
    """
    row = model.get_or_none(**lookup)
    if row is not None:
        return row, False
    return model.create(**lookup, **(defaults or {})), True
