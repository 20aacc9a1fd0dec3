"""The view context every public page works in: language, index, year, the store and the visible sets.

The entry file (public_app.py) builds one :class:`AppContext` per run from the URL-bound controls; pages call
:func:`get_context`. It holds no rule: names and numbers come from backend.i18n and backend.published.fmt,
everything else from the read model through dashboards.data_access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from backend.i18n import translator
from backend.published import fmt, links
from backend.published.sets import Catalogue, ResultSetInfo
from backend.published.sources import export_metadata
from backend.services.exports import ExportMetadata
from dashboards import data_access as da
from dashboards.render_cache import PartKey

INDEX_PARAM = {"PAR_INDEX": "par", "SIPAS": "sipas"}
_KEY = "_public_ctx"


@dataclass
class AppContext:
    lang: str
    index_code: str
    year: int
    db: str
    catalogue: Catalogue
    t: Callable[..., str] = field(repr=False)
    pinned: int | None = None  # a visible older version asked for by id (URL ``set``): errata link to it
    #: set by a page that shows only the official record (no demo figure): the demo banner says so
    official_only: bool = False

    def scopes(self) -> list[str]:
        return self.catalogue.scopes(self.index_code, self.year) or self.catalogue.scopes(self.index_code)

    def set_for(self, scope: str, year: int | None = None) -> ResultSetInfo | None:
        """The current set of the scope and year, or the pinned older version when it is that set's."""
        current = self.catalogue.get(self.index_code, scope, year or self.year)
        pinned = self.catalogue.by_id(self.pinned) if self.pinned is not None else None
        if pinned is not None and current is not None:
            same = (pinned.index_code, pinned.unit_scope, pinned.year) == (current.index_code, scope, current.year)
            return pinned if same else current
        return current

    def link_to(self, set_id: int | None) -> str:
        """A link (query string) to this page showing version ``set_id`` (None: the current version)."""
        return links.page_query(st.query_params.to_dict(), set=None if set_id is None else str(set_id))

    def previous(self, info: ResultSetInfo) -> ResultSetInfo | None:
        """The set a page compares ``info`` with (the latest earlier year of the same index and scope)."""
        return self.catalogue.previous(info)

    def series(self, scope: str) -> tuple[ResultSetInfo, ...]:
        """Every current set of the index and scope, oldest year first (trends, histories)."""
        return self.catalogue.series(self.index_code, scope)

    def year_sets(self) -> list[ResultSetInfo]:
        """The current sets of the index and year, one per scope."""
        return [i for i in (self.set_for(s) for s in self.catalogue.scopes(self.index_code, self.year)) if i]

    def part_key(self, *sets: ResultSetInfo | None, record: bool = False) -> PartKey:
        """The key of a finished part that reads ``sets`` (and the published record when ``record``)."""
        return PartKey(
            db=self.db,
            lang=self.lang,
            index_code=self.index_code,
            year=self.year,
            sets=tuple(s for s in sets if s is not None),
            record=da.record_version(self.db) if record else (0, 0),
        )

    def index_name(self, index_code: str | None = None) -> str:
        return self.t(f"index.{index_code or self.index_code}")

    def scope_name(self, scope: str) -> str:
        return self.t(f"scope.{scope}")

    def name_col(self) -> str:
        return "name_vi" if self.lang == "vi" else "name_en"

    def num(self, value: Any, decimals: int = 2) -> str:
        return fmt.number(value, self.lang, decimals)

    def signed(self, value: Any, decimals: int = 2) -> str:
        return fmt.signed(value, self.lang, decimals)

    def source(self, info: ResultSetInfo | None) -> str:
        return da.source_line(self.db, info, self.lang)

    def demo_label(self, info: ResultSetInfo | Iterable[ResultSetInfo] | None) -> str | None:
        infos = [info] if isinstance(info, ResultSetInfo) else list(info or [])
        return self.t("demo.mark") if any(i.is_demo for i in infos) else None

    def metadata(self, infos: Iterable[ResultSetInfo | None], title: str, notes: Iterable[str] = ()) -> ExportMetadata:
        return export_metadata(infos, title, self.lang, url=self.share_url(), notes=notes)

    def record_metadata(self, title: str) -> ExportMetadata:
        """The metadata of a download of the published record (official figures, each with its source)."""
        return ExportMetadata(
            title=title,
            index_code=self.index_code,
            year=str(self.year),
            dataset=self.t("record.dataset"),
            dataset_kind="official",
            source=self.t("record.source_note"),
            url=self.share_url(),
            notes=[self.t("record.legend")],
        )

    def share_url(self) -> str:
        """The link of this view for files and citations: only the known parameters, validated
        (backend.published.links)."""
        try:
            base = st.context.url or ""
        except Exception:  # pragma: no cover - outside a Streamlit run
            base = ""
        return links.share_url(base, st.query_params.to_dict())


def set_context(ctx: AppContext) -> None:
    st.session_state[_KEY] = ctx


def get_context() -> AppContext:
    ctx = st.session_state.get(_KEY)
    if ctx is None:  # a page run without the entry file (should not happen with st.navigation)
        st.error("Context missing: open the app through dashboards/public_app.py")
        st.stop()
    return ctx  # type: ignore[no-any-return]


def build_context(
    lang: str, index_code: str, year: int, db: str, catalogue: Catalogue, pinned: int | None = None
) -> AppContext:
    return AppContext(
        lang=lang, index_code=index_code, year=year, db=db, catalogue=catalogue, t=translator(lang), pinned=pinned
    )
