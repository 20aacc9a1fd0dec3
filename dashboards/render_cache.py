"""Finished page parts: rendered once per result set, replayed to every visitor.

A public page is two things: the visitor's widgets (scope switch, unit choice, downloads: cheap, per session)
and what they select, which is the same for every visitor of the same result set: headers, metrics, tables,
charts. The second part is drawn by a function decorated with :func:`finished`; Streamlit records the
elements it drew (the finished protobuf messages: serialised tables, chart specs) and replays them on the
next call with the same key without running the function, so no figure is rebuilt and no table re-serialised
for a second visitor.

Keys (:class:`PartKey`): the store, the language, the index and year, and **every visible result set the part
reads** (the whole :class:`~backend.published.sets.ResultSetInfo`: id, version, status dates, erratum…), plus
the published record's version where the part shows it. A set that is withdrawn or corrected leaves the
catalogue (cached ``CATALOGUE_TTL`` = 5 s in dashboards/data_access.py); from then on no page builds a key with
it, so its finished parts can never be served again, in this process or any other (each process keeps its own
cache and its own 5-second catalogue). A correction is a new set (new id): new keys, new parts. Old entries
are not served and leave the cache by age (``TTL``) or count (``ENTRIES``).

Rules for a finished part: no widget inside (they are per visitor), no ``st.stop`` (a part that stops is not
cached), and it reads only the sets in its key (pass them explicitly to dashboards.data_access). Parts live in
importable modules (dashboards/parts/), decorated once per process: a page script is run on every view, and
decorating a function there would make Streamlit read and tokenise its source on every view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import streamlit as st

from backend.published.sets import ResultSetInfo

#: seconds a finished part is kept, and how many are kept per part function (per process)
TTL = 3600
ENTRIES = 256

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class PartKey:
    """What a finished part depends on. Everything else it shows follows from these."""

    db: str
    lang: str
    index_code: str
    year: int
    sets: tuple[ResultSetInfo, ...]
    record: tuple[int, int] = (0, 0)  # (rows, highest id) of the published record, where the part shows it
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """One digest of every field (each set's id, version, dates, erratum…): what the cache hashes."""
        text = repr((self.db, self.lang, self.index_code, self.year, self.sets, self.record))
        object.__setattr__(self, "digest", hashlib.sha256(text.encode("utf-8")).hexdigest())

    @property
    def info(self) -> ResultSetInfo:
        """The set the page is about (the first one)."""
        return self.sets[0]


def finished(func: F) -> F:
    """Cache the elements ``func`` draws (and its return value) per key; replay them on a hit.

    Arguments whose name starts with ``_`` (the view context) are not part of the key.
    """
    cache = st.cache_resource(
        ttl=TTL, max_entries=ENTRIES, show_spinner=False, hash_funcs={PartKey: lambda key: key.digest}
    )
    return cache(func)  # type: ignore[return-value]
