"""Full-text product search behind one interface, on PostgreSQL and on SQLite.

Both engines answer the same question, "which products match this text and how
well": :func:`sql` gives the join and condition that narrow the listing's
``product p`` to the matches, :func:`rank_sql` their relevance (higher is
better on both engines, so callers sort ``rank DESC`` either way), and
:meth:`Match.parameters` the text's parameters. Every match is ranked.

User text is cut into words on both engines, so no query syntax reaches
either: the words must all appear, in any order. The last word, when it has
``PREFIX_MIN`` characters or more, also matches as the start of a longer one
("shir" finds "Shirt", as the original's ``LIKE '%shir%'`` did for a customer
still typing it); the words before it were ended by a space, so they match
whole, as they did in that ``LIKE``. Matching a prefix reads every entry the
prefix covers in full, so keeping it to one word keeps a search of common
words cheap on a large catalog.

PostgreSQL matches ``to_tsquery`` over the quoted words against
``product_search``, a table of the published products' search vectors (GIN
index ``product_search_vector_idx``) kept by triggers on ``product``
(migration 9). The vectors cannot live on ``product`` itself: under its
row-level security a condition may only use an index when its operator is
leakproof, and ``@@`` is not, so PostgreSQL scanned the whole catalog. The
search table holds public rows only (a product is in it while published),
readable by every storefront (policy ``true``), so the index serves; the
page's rows are still read from ``product`` under its own policies. SQLite
joins the FTS5 table ``product_fts``; FTS5 has its own query language in
which stray quotes, ``*``, ``NEAR(`` or ``OR (`` are syntax errors, so each
word is sent as a quoted string.
"""

import re
from dataclasses import dataclass

MAX_WORDS = 16
PREFIX_MIN = 3
# Name and code weigh five times the short description, as the A and B weights do on PostgreSQL.
BM25_WEIGHTS = (10.0, 2.0, 10.0)
# Words as FTS5's unicode61 tokenizer sees them; \w never matches a quote, so quoting is safe.
_WORD = re.compile(r"\w+", re.UNICODE)


def _prefixed(words: list[str]) -> list[tuple[str, bool]]:
    """The words kept, each with whether it also matches as a prefix (the last one, if long enough)."""
    kept = words[:MAX_WORDS]
    return [(word, n == len(kept) - 1 and len(word) >= PREFIX_MIN) for n, word in enumerate(kept)]


def fts5_query(words: list[str]) -> str:
    """An FTS5 query matching every word literally: each is quoted, so none is read as syntax."""
    return " ".join(f'"{word}"*' if prefix else f'"{word}"' for word, prefix in _prefixed(words))


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` text matching every word; a word holds no quote (``\\w`` never matches one)."""
    return " & ".join(f"'{word}':*" if prefix else f"'{word}'" for word, prefix in _prefixed(words))


# Constant SQL text: the search words travel as a parameter.
_TS_QUERY = "to_tsquery('simple', %(tsquery)s)"
_FTS_MATCHES = (
    " JOIN (SELECT rowid AS id, -bm25(product_fts, " + ", ".join(str(w) for w in BM25_WEIGHTS) + ") AS rank "
    "FROM product_fts WHERE product_fts MATCH %(fts)s) s ON s.id = p.id"
)


@dataclass(frozen=True)
class Match:
    """The words of a search text."""

    words: tuple[str, ...]

    def parameters(self, on_postgres: bool) -> dict:
        """The parameters :func:`sql`, :func:`published_sql` and :func:`rank_sql` read."""
        if on_postgres:
            return {"tsquery": tsquery_text(list(self.words))}
        return {"fts": fts5_query(list(self.words))}


def matches(text: str) -> Match | None:
    """The search for ``text``, or None when the text holds no searchable word (nothing matches)."""
    words = _WORD.findall(text)
    if not words:
        return None
    return Match(tuple(words))


def sql(on_postgres: bool) -> tuple[str, str]:
    """``(join, condition)`` narrowing ``product p`` to the matches."""
    if on_postgres:
        return " JOIN product_search s ON s.product_id = p.id", f"s.search_vector @@ {_TS_QUERY}"
    return _FTS_MATCHES, "true"


def published_sql(on_postgres: bool) -> tuple[str, str] | None:
    """``(table, condition)`` matching the published products' search rows alone, when the engine keeps them.

    On PostgreSQL ``product_search s`` holds exactly the published products,
    with their shop (``s.product_id``, ``s.tenant_id``), so a search with no
    other filter is matched, counted and ranked there without reading
    ``product``. SQLite's FTS table holds every product: None.
    """
    if on_postgres:
        return "product_search s", f"s.search_vector @@ {_TS_QUERY}"
    return None


def rank_sql(on_postgres: bool) -> str:
    """The relevance of the match on ``product p``, higher is better."""
    if on_postgres:
        return f"ts_rank(s.search_vector, {_TS_QUERY})"
    return "s.rank"
