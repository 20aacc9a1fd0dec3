"""The view context every public page works in: language, index, year, the store, the visible result sets.

The entry file (public_app.py) builds one :class:`AppContext` per run from the URL-bound controls and
stores it for the page that runs next; pages call :func:`get_context`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from backend.i18n import translator
from backend.services.exports import ExportMetadata
from dashboards import data_access as da
from dashboards.components import fmt, model

INDEXES = ("PAR_INDEX", "SIPAS")
INDEX_PARAM = {"PAR_INDEX": "par", "SIPAS": "sipas"}
SCOPES = ("province", "ministry")
_KEY = "_public_ctx"


@dataclass
class AppContext:
    lang: str
    index_code: str
    year: int
    db: str
    catalogue: pd.DataFrame
    t: Callable[..., str] = field(repr=False)

    # ---- result sets ----------------------------------------------------------------------------------
    def sets(self, scope: str | None = None, index_code: str | None = None) -> pd.DataFrame:
        cat = self.catalogue
        sel = cat[cat["index_code"] == (index_code or self.index_code)]
        if scope:
            sel = sel[sel["unit_scope"] == scope]
        return sel.sort_values("year")

    def scopes(self) -> list[str]:
        present = set(self.sets()["unit_scope"])
        return [s for s in SCOPES if s in present]

    def set_for(self, scope: str, year: int | None = None) -> pd.Series | None:
        sel = self.sets(scope)
        sel = sel[sel["year"] == (year or self.year)]
        return None if sel.empty else sel.iloc[0]

    def previous_set(self, scope: str, year: int | None = None) -> pd.Series | None:
        sel = self.sets(scope)
        sel = sel[sel["year"] < (year or self.year)]
        return None if sel.empty else sel.iloc[-1]

    def is_demo(self, sets: pd.DataFrame | pd.Series | None = None) -> bool:
        if sets is None:
            sets = self.sets()
        if isinstance(sets, pd.Series):
            return sets.get("dataset_kind") == "demo"
        return bool((sets["dataset_kind"] == "demo").any())

    def demo_label(self, sets: pd.DataFrame | pd.Series | None = None) -> str | None:
        return self.t("demo.mark") if self.is_demo(sets) else None

    # ---- units, names, labels -----------------------------------------------------------------------
    def units(self) -> pd.DataFrame:
        return da.units(self.db)

    def name_col(self) -> str:
        return model.unit_name_column(self.lang)

    def unit_names(self, unit_ids: Iterable[int] | None = None) -> dict[int, str]:
        units = self.units()
        if unit_ids is not None:
            units = units[units["unit_id"].isin(list(unit_ids))]
        return dict(zip(units["unit_id"].astype(int), units[self.name_col()], strict=False))

    def region_names(self) -> dict[str, str]:
        regions = da.regions(self.db)
        gso = regions[regions["scheme"] == "gso6"]
        return dict(zip(gso["code"], gso["name_vi" if self.lang == "vi" else "name_en"], strict=False))

    def metric_labels(self, set_row: pd.Series, metrics: Iterable[str]) -> dict[str, str]:
        crit = da.criteria(self.db, (int(set_row["framework_id"]),))
        metrics = list(metrics)
        fallback = {m: self.t(f"metric.{m}") for m in metrics if self._has(f"metric.{m}")}
        return model.metric_labels(metrics, crit, self.lang, fallback)

    def _has(self, key: str) -> bool:
        from backend.i18n import has

        return has(key, self.lang)

    def index_name(self, index_code: str | None = None) -> str:
        return self.t(f"index.{index_code or self.index_code}")

    def scope_name(self, scope: str) -> str:
        return self.t(f"scope.{scope}")

    # ---- numbers --------------------------------------------------------------------------------------
    def num(self, value: Any, decimals: int = 2) -> str:
        return fmt.number(value, self.lang, decimals)

    def signed(self, value: Any, decimals: int = 2) -> str:
        return fmt.signed(value, self.lang, decimals)

    # ---- comparisons ----------------------------------------------------------------------------------
    def comparison(self, scope: str, year: int | None = None) -> tuple[pd.Series | None, model.Comparability]:
        current = self.set_for(scope, year)
        previous = self.previous_set(scope, year)
        if current is None or previous is None:
            return previous, model.Comparability(False, "no_previous")
        cur_units = set(da.set_rows(self.db, int(current["id"])).query("scope == 'unit'")["unit_id"].dropna())
        prev_units = set(da.set_rows(self.db, int(previous["id"])).query("scope == 'unit'")["unit_id"].dropna())
        overlap = cur_units & prev_units
        if not overlap:  # a new list of units: changes only through the lineage (see model.with_changes)
            changed = model.comparability(current, previous, units_changed=True)
            return previous, model.Comparability(True, "units_changed", changed.method_changed)
        result = model.comparability(current, previous, units_changed=False)
        if cur_units != prev_units:
            return previous, model.Comparability(True, "partly_units_changed", result.method_changed)
        return previous, result

    def lineage(self) -> pd.DataFrame:
        return da.lineage(self.db)

    # ---- context lines ---------------------------------------------------------------------------------
    def source_line(self, set_row: pd.Series | None) -> str:
        if set_row is None:
            return self.t("source.none")
        published = set_row.get("published_at")
        if published is None or pd.isna(published):
            published = set_row.get("publish_at")
        text = self.t(
            "source.line",
            index=self.index_name(str(set_row["index_code"])),
            year=int(set_row["year"]),
            scope=self.scope_name(str(set_row["unit_scope"])),
            version=int(set_row["version"]),
            date=fmt.date_text(pd.Timestamp(published).to_pydatetime() if published is not None else None, self.lang),
        )
        if self.is_demo(set_row):
            text += " · " + self.t("demo.mark")
        return text

    def export_metadata(self, set_rows: Iterable[pd.Series], title: str, notes: Iterable[str] = ()) -> ExportMetadata:
        rows = [r for r in set_rows if r is not None]
        if not rows:
            return ExportMetadata(title=title, notes=list(notes))
        first = rows[0]
        dates = []
        for r in rows:
            when = r.get("published_at")
            if when is None or pd.isna(when):
                when = r.get("publish_at")
            dates.append(fmt.date_text(pd.Timestamp(when).to_pydatetime(), self.lang) if when is not None else "")
        kinds = {str(r["dataset_kind"]) for r in rows}
        status = {str(r["framework_status"]) for r in rows}
        return ExportMetadata(
            title=title,
            index_code=str(first["index_code"]),
            year=", ".join(sorted({str(int(r["year"])) for r in rows})),
            scope=", ".join(sorted({self.scope_name(str(r["unit_scope"])) for r in rows})),
            version=", ".join(
                f"{int(r['year'])}/{self.scope_name(str(r['unit_scope']))}: v{int(r['version'])}" for r in rows
            ),
            result_set_ids=", ".join(str(int(r["id"])) for r in rows),
            publication_date=", ".join(sorted({d for d in dates if d})),
            method=", ".join(
                sorted({str(r["framework_title_vi" if self.lang == "vi" else "framework_title_en"]) for r in rows})
            ),
            legal_basis=", ".join(sorted({str(r["legal_basis"]) for r in rows if r["legal_basis"]})),
            method_status=", ".join(sorted(self.t(f"framework.status.{s}") for s in status)),
            dataset=", ".join(sorted({f"{r['dataset_name']} ({r['dataset_kind']})" for r in rows})),
            dataset_kind="demo" if "demo" in kinds else "official",
            source=self.t("source.publisher"),
            url=self.share_url(),
            notes=list(notes),
        )

    def share_url(self) -> str:
        try:
            base = st.context.url or ""
        except Exception:  # pragma: no cover - outside a Streamlit run
            base = ""
        base = base.split("?", 1)[0]
        params = "&".join(f"{k}={v}" for k, v in st.query_params.to_dict().items())
        return f"{base}?{params}" if params else base


def set_context(ctx: AppContext) -> None:
    st.session_state[_KEY] = ctx


def get_context() -> AppContext:
    ctx = st.session_state.get(_KEY)
    if ctx is None:  # a page run without the entry file (should not happen with st.navigation)
        st.error("Context missing: open the app through dashboards/public_app.py")
        st.stop()
    return ctx  # type: ignore[no-any-return]


def build_context(lang: str, index_code: str, year: int, db: str, catalogue: pd.DataFrame) -> AppContext:
    return AppContext(lang=lang, index_code=index_code, year=year, db=db, catalogue=catalogue, t=translator(lang))
