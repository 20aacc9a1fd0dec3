"""Vietnamese full-text search on both stores: text folded the same way on each, one index of public entries.

Folding (the one rule, :func:`fold`): Unicode NFD, combining marks removed, ``đ``/``Đ`` → ``d``, lower case,
then words of letters and digits joined by single spaces. "Quyết định số 12/QĐ-UBND" and "quyet dinh so 12 qd
ubnd" fold to the same words, so a query typed with or without diacritics finds the same entries. (SQLite's
``remove_diacritics`` tokenizer option does not fold ``đ``, which has no Unicode decomposition, and
PostgreSQL's ``unaccent`` needs an extension the owner may not create; folding in Python gives both stores the
same words.)

The index, ``public_search``, holds the folded text of every *public* entry only (published documents of the
PAR database, published answers to questions), so the public login may read it whole:

* SQLite: an FTS5 virtual table ``public_search(search_text)`` whose rowid is the entry key;
* PostgreSQL: a table ``public_search(key bigint primary key, kind smallint, ref_id integer, search_text text,
  search_vector tsvector generated from search_text with the 'simple' configuration)`` with a GIN index; the
  plain ``ref_id`` lets a search join the public views by their primary key (an integer equality, which the
  planner may use through a security-barrier view).

An entry key is ``ref_id * KEY_KINDS + kind`` (:func:`entry_key`). A query is folded into words; an entry
matches when it has every word, the last one as a word prefix (what is being typed: FTS5 ``"w"*``, PostgreSQL
``w:*``), the same rule on both stores. Matches are listed newest first by the read models (the same order on
both stores; every match contains every word, so relevance adds little and would cost a score for each match). Services call :func:`put` / :func:`remove` with the owner's connection when an entry becomes public
or stops being public; read models call :func:`match_sql` to join the index to their public views.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, text

#: kinds of entries in the index (the key's remainder modulo KEY_KINDS)
KINDS = {"document": 1, "question": 2}
KEY_KINDS = 8
#: most words a query keeps; longest word kept (characters)
MAX_QUERY_WORDS = 8
MAX_WORD = 40
_WORD = re.compile(r"[0-9a-z]+")
#: the search index's objects on SQLite: the FTS5 table and its shadow tables (what the public may read)
SQLITE_OBJECTS = (
    "public_search",
    "public_search_data",
    "public_search_idx",
    "public_search_content",
    "public_search_docsize",
    "public_search_config",
)


def modelled(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Alembic ``include_name`` filter: False for the search index and its shadow tables and index, which are made
    by migration 0008 per store and are deliberately not SQLModel tables (autogenerate must leave them alone)."""
    table = name if type_ == "table" else parent_names.get("table_name")
    return table not in SQLITE_OBJECTS


def fold(value: str) -> str:
    """Folded words of ``value`` (see the module docstring), joined by single spaces."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_WORD.findall(plain))


def query_words(query: str) -> list[str]:
    """The words of a search query: folded, at most MAX_QUERY_WORDS, each at most MAX_WORD characters."""
    return [w[:MAX_WORD] for w in fold(query).split()][:MAX_QUERY_WORDS]


def entry_key(kind: str, ref_id: int) -> int:
    """The index key of entry ``ref_id`` of ``kind``."""
    return int(ref_id) * KEY_KINDS + KINDS[kind]


def ref_id(key: int) -> int:
    return int(key) // KEY_KINDS


def search_text(parts: Iterable[str | None]) -> str:
    """The folded text of an entry from its fields (empty ones skipped)."""
    return fold(" ".join(p for p in parts if p))


def remove(connection: Connection, kind: str, ref_ids: Sequence[int]) -> None:
    """Take entries out of the index (nothing happens for entries that are not in it)."""
    if not ref_ids:
        return
    column = "rowid" if connection.dialect.name == "sqlite" else "key"
    keys = [{"k": entry_key(kind, i)} for i in ref_ids]
    connection.execute(text(f"DELETE FROM public_search WHERE {column} = :k"), keys)


def put(connection: Connection, kind: str, entries: Sequence[tuple[int, str]]) -> None:
    """Index entries ``(ref_id, folded text)`` of ``kind``, replacing what was indexed for them."""
    if not entries:
        return
    remove(connection, kind, [ref for ref, _ in entries])
    rows = [{"k": entry_key(kind, ref), "n": KINDS[kind], "r": int(ref), "t": folded} for ref, folded in entries]
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO public_search (rowid, search_text) VALUES (:k, :t)"), rows)
    else:
        sql = "INSERT INTO public_search (key, kind, ref_id, search_text) VALUES (:k, :n, :r, :t)"
        connection.execute(text(sql), rows)


def match_sql(dialect: str, kind: str, alias: str = "s") -> tuple[str, str]:
    """SQL pieces that restrict a query to entries of ``kind`` matching the bound parameter ``:q`` (from
    :func:`match_param`): (FROM item, WHERE condition). The FROM item exposes ``{alias}.ref_id``."""
    number = KINDS[kind]
    if dialect == "sqlite":
        source = f"(SELECT rowid / {KEY_KINDS} AS ref_id FROM public_search"
        source += f" WHERE public_search MATCH :q AND rowid % {KEY_KINDS} = {number}) AS {alias}"
        return source, "1 = 1"
    return f"public_search AS {alias}", f"{alias}.search_vector @@ to_tsquery('simple', :q) AND {alias}.kind = {number}"


def match_param(dialect: str, words: Sequence[str]) -> str:
    """The bound value of ``:q`` for ``words``: every word required, the last one as a prefix."""
    if dialect == "sqlite":
        return " AND ".join(f'"{w}"' for w in words[:-1]) + (" AND " if len(words) > 1 else "") + f'"{words[-1]}"*'
    return " & ".join([*words[:-1], f"{words[-1]}:*"])
