"""Full-text product search behind one interface, on PostgreSQL and on SQLite.

Both engines answer the same question, "which products match this text and how
well": :meth:`Match.apply` narrows a product query to the matches and returns
the rank expression. A higher rank is a better match on both engines, so
callers sort ``rank DESC`` either way.

User text is cut into words on both engines, so no query syntax reaches
either: the words must all appear, in any order. A word of ``PREFIX_MIN``
characters or more also matches as the start of a longer one ("shir" finds
"Shirt", as the original's ``LIKE '%shir%'`` did for a customer typing part of
a word); shorter words must match whole, which keeps the index's prefix
expansion small.

PostgreSQL tests the product's own generated ``search_vector`` column (GIN
index ``product_search_idx``) with ``to_tsquery`` over the quoted words; the
condition sits on the listed row itself, so the planner can combine it with the
other filters and no second pass over the product table is needed. SQLite
joins the FTS5 table ``product_fts``; FTS5 has its own query language in which
stray quotes, ``*``, ``NEAR(`` or ``OR (`` are syntax errors, so each word is
sent as a quoted string.
"""

import re
from dataclasses import dataclass

from peewee import SQL, Column, Expression, Table, fn

from kernel import db
from plugins.catalog.models import Product

MAX_WORDS = 16
PREFIX_MIN = 3
# Name and code weigh five times the short description, as the A and B weights do on PostgreSQL.
BM25_WEIGHTS = (10.0, 2.0, 10.0)
# Words as FTS5's unicode61 tokenizer sees them; \w never matches a quote, so quoting is safe.
_WORD = re.compile(r"\w+", re.UNICODE)


def _is_prefix(word: str) -> bool:
    return len(word) >= PREFIX_MIN


def fts5_query(words: list[str]) -> str:
    """An FTS5 query matching every word literally: each is quoted, so none is read as syntax."""
    return " ".join(f'"{word}"*' if _is_prefix(word) else f'"{word}"' for word in words[:MAX_WORDS])


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` text matching every word; a word holds no quote (``\\w`` never matches one)."""
    return " & ".join(f"'{word}':*" if _is_prefix(word) else f"'{word}'" for word in words[:MAX_WORDS])


@dataclass(frozen=True)
class Match:
    """A search text ready to apply to a product query on the configured engine."""

    words: tuple[str, ...]

    def apply(self, query):
        """Narrow ``query`` (over ``Product``) to the matches; return it and the rank expression."""
        if db.is_postgres():
            vector = Column(Product, "search_vector")
            tsquery = fn.to_tsquery("simple", tsquery_text(list(self.words)))
            return query.where(Expression(vector, "@@", tsquery)), fn.ts_rank(vector, tsquery)
        found = _sqlite_matches(fts5_query(list(self.words)))
        return query.join(found, on=(found.c.id == Product.id)).switch(Product), found.c.rank


def matches(text: str) -> Match | None:
    """The search for ``text``, or None when the text holds no searchable word (nothing matches)."""
    words = _WORD.findall(text)
    if not words:
        return None
    return Match(tuple(words))


def _sqlite_matches(expression: str):
    fts = Table("product_fts", alias="product_fts")
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    return (
        fts.select(fts.c.rowid.alias("id"), SQL(f"-bm25(product_fts, {weights})").alias("rank"))
        .where(SQL("product_fts MATCH ?", [expression]))
        .alias("search_match")
    )
