"""Check JSON against the Dart types the Flutter app parses (FLUTTER_CONTRACT.md).

A spec maps a path to a Dart type. Paths are dotted keys, ``[]`` walks every
element of a list: ``"data.currencies[].rate_from_default": "double!"``.
Types: ``int``, ``double``, ``num``, ``String``, ``bool``, ``List``, ``Map``,
``dynamic``; a trailing ``!`` means the key must be present and non-null, a
trailing ``?`` allows null or a missing key.

Dart is strict where Python is loose: ``true`` is not an ``int``, ``1`` is not
a ``double`` (``(json['rate'] as double)`` throws on ``1``), and ``"880"`` is
not an ``int``.
"""

_MISSING = object()


def _matches(value, dart_type: str) -> bool:
    if dart_type == "dynamic":
        return True
    if dart_type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if dart_type == "double":
        return isinstance(value, float)
    if dart_type == "num":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if dart_type == "String":
        return isinstance(value, str)
    if dart_type == "bool":
        return isinstance(value, bool)
    if dart_type == "List":
        return isinstance(value, list)
    if dart_type == "Map":
        return isinstance(value, dict)
    raise ValueError(f"unknown Dart type {dart_type!r}")


def _values(document, path: str):
    """Yield ``(concrete path, value)`` for every value a path names (``_MISSING`` when absent)."""
    nodes = [("", document)]
    for part in path.split("."):
        each = part.endswith("[]")
        key = part[:-2] if each else part
        next_nodes = []
        for where, node in nodes:
            here = f"{where}.{key}" if where else key
            value = node.get(key, _MISSING) if isinstance(node, dict) else _MISSING
            if each and isinstance(value, list):
                next_nodes.extend((f"{here}[{i}]", item) for i, item in enumerate(value))
            else:
                next_nodes.append((here, value))
        nodes = next_nodes
    return nodes


def violations(document, spec: dict[str, str]) -> list[str]:
    """Return every way ``document`` breaks ``spec`` (empty when it parses)."""
    problems = []
    for path, declared in spec.items():
        required = declared.endswith("!")
        dart_type = declared.rstrip("!?")
        for where, value in _values(document, path):
            if value is _MISSING or value is None:
                if required:
                    problems.append(f"{where}: missing or null, expected {declared}")
                continue
            if not _matches(value, dart_type):
                problems.append(f"{where}: {type(value).__name__} {value!r:.40}, expected {declared}")
    return problems


def assert_dart_types(document, spec: dict[str, str]) -> None:
    """Fail with every violation at once, so one run shows the whole contract breakage."""
    problems = violations(document, spec)
    assert not problems, "contract violations:\n  " + "\n  ".join(problems)


def under(prefix: str, spec: dict[str, str]) -> dict[str, str]:
    """The same spec rooted at ``prefix`` (``under("data.products[]", PRODUCT_CARD)``)."""
    return {f"{prefix}.{path}": declared for path, declared in spec.items()}


# The product card of section 3.1, as every list of products is parsed.
PRODUCT_CARD = {
    "id": "int!", "name": "String!", "thumbnail": "String!", "price": "double!", "discount_price": "double!",
    "discount_percentage": "double!", "rating": "double!", "total_reviews": "String!", "total_sold": "String!",
    "quantity": "int!", "colors": "List!", "colors[].id": "int!", "colors[].name": "String!",
    "colors[].price": "double!", "sizes": "List!", "sizes[].id": "int!", "sizes[].name": "String!",
    "sizes[].price": "num!", "is_favorite": "bool!", "brand": "String?", "shop": "Map!", "shop.id": "int!",
    "shop.name": "String!", "shop.logo": "String!", "shop.rating": "num!", "shop.delivery_charge": "num!",
    "shop.estimated_delivery_time": "String!",
}

# Category of section 3.3 with its sub-categories.
CATEGORY = {
    "id": "int!", "name": "String!", "thumbnail": "String!", "sub_categories": "List!",
    "sub_categories[].id": "int!", "sub_categories[].name": "String!", "sub_categories[].thumbnail": "String!",
}
