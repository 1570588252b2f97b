"""Money as the app reads it: integer minor units in storage, JSON doubles on the wire."""


def to_float(minor: int | None) -> float:
    """Minor units to a JSON double (always a float, so Dart reads a double)."""
    return round((minor or 0) / 100.0, 2)


def to_minor(amount) -> int:
    """A decimal amount from input (float, int or numeric string) to minor units."""
    return int(round(float(amount) * 100))


def abbreviate(count: int) -> str:
    """``12`` -> ``"12"``, ``1200`` -> ``"1.2K"``, as Laravel's Number::abbreviate."""
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if count >= limit:
            value = f"{count / limit:.1f}".rstrip("0").rstrip(".")
            return f"{value}{suffix}"
    return str(count)


def thousands(count: int) -> str:
    """``1234`` -> ``"1,234"``."""
    return f"{count:,}"
