"""Streamlit widgets shared by the public pages: URL-synchronised choices, the demo banner, download panels.

URL state: every choice that defines the view (language, index, year, scope, unit, units, rule…) lives in
the query string under a short, language-independent key with a code as value (``?lang=en&index=par&
year=2024&unit=province_63:01``), so a copied link reproduces the view. The widget's state is seeded from
the URL the first time it is drawn in a session (or after a page switch), invalid values fall back to the
default, and the URL is rewritten from the widget on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from backend.services.exports import ExportMetadata, csv_bytes, xlsx_bytes

LIST_SEPARATOR = "~"


def _seed(key: str, options: Sequence[str], default: str | None) -> None:
    current = st.session_state.get(key)
    if current is None or current not in options:
        from_url = st.query_params.get(key)
        if from_url in options:
            st.session_state[key] = from_url
        elif default in options:
            st.session_state[key] = default
        elif options:
            st.session_state[key] = options[0]


def url_choice(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    widget: str = "selectbox",
    container: Any = None,
    help: str | None = None,
    label_visibility: str = "visible",
) -> str | None:
    """A single choice among string codes, bound to the query parameter ``key``."""
    target = container or st
    options = list(options)
    if not options:
        st.query_params.pop(key, None)
        return None
    _seed(key, options, default)
    if widget == "segmented":
        value = target.segmented_control(
            label,
            options,
            key=key,
            format_func=format_func,
            required=True,
            help=help,
            label_visibility=label_visibility,
        )
    elif widget == "radio":
        value = target.radio(
            label,
            options,
            key=key,
            format_func=format_func,
            horizontal=True,
            help=help,
            label_visibility=label_visibility,
        )
    else:
        value = target.selectbox(
            label, options, key=key, format_func=format_func, help=help, label_visibility=label_visibility
        )
    if value is None:
        value = st.session_state.get(key) or default or options[0]
    st.query_params[key] = value
    return str(value)


def url_multi(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: Sequence[str] = (),
    format_func: Callable[[str], str] = str,
    max_selections: int | None = None,
    container: Any = None,
    placeholder: str | None = None,
) -> list[str]:
    """Several codes, bound to ``key`` as ``a~b~c`` (as in OWID grapher links)."""
    target = container or st
    options = list(options)
    current = st.session_state.get(key)
    if current is None or any(v not in options for v in current):
        raw = st.query_params.get(key)
        wanted = [v for v in raw.split(LIST_SEPARATOR) if v in options] if raw else None
        if wanted is None:
            wanted = [v for v in default if v in options]
        elif current is not None:
            wanted = [v for v in current if v in options] or wanted
        st.session_state[key] = wanted[: max_selections or None]
    values = target.multiselect(
        label, options, key=key, format_func=format_func, max_selections=max_selections, placeholder=placeholder
    )
    if values:
        st.query_params[key] = LIST_SEPARATOR.join(values)
    else:
        st.query_params.pop(key, None)
    return list(values)


def demo_banner(title: str, body: str) -> None:
    """The visible "demo data" banner (shown by the entry file on pages that display demo result sets)."""
    st.warning(f"**{title}** {body}", icon=":material/warning:")


def download_panel(
    *,
    key: str,
    labels: dict[str, str],
    file_stem: str,
    screen: pd.DataFrame,
    metadata: ExportMetadata,
    lang: str,
    whole_year: Callable[[], list[tuple[str, pd.DataFrame]]] | None = None,
    whole_metadata: ExportMetadata | None = None,
) -> None:
    """CSV and XLSX of what is on screen and (optionally) of the whole year; XLSX files have a metadata
    sheet, and the metadata (index, year, version, publication date, method, source, how to cite) is also
    offered as its own CSV beside the data CSVs; every file goes through the formula-injection guard of
    backend.services.exports."""
    columns = st.columns(5 if whole_year else 3)
    columns[0].download_button(
        labels["csv_screen"],
        data=lambda: csv_bytes(screen),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    columns[1].download_button(
        labels["xlsx_screen"],
        data=lambda: xlsx_bytes([("data", screen)], metadata, lang),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table:",
    )
    if whole_year is not None:
        meta = whole_metadata or metadata

        def whole_csv() -> bytes:
            sheets = whole_year()
            return csv_bytes(pd.concat([frame for _, frame in sheets], ignore_index=True) if sheets else pd.DataFrame())

        columns[2].download_button(
            labels["csv_year"],
            data=whole_csv,
            file_name=f"{file_stem}_full.csv",
            mime="text/csv",
            key=f"{key}_csv_full",
            on_click="ignore",
            icon=":material/download:",
        )
        columns[3].download_button(
            labels["xlsx_year"],
            data=lambda: xlsx_bytes(whole_year(), meta, lang),
            file_name=f"{file_stem}_full.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx_full",
            on_click="ignore",
            icon=":material/table:",
        )
    columns[-1].download_button(
        labels["metadata"],
        data=lambda: csv_bytes(metadata.frame(lang)),
        file_name=f"{file_stem}_metadata.csv",
        mime="text/csv",
        key=f"{key}_meta",
        on_click="ignore",
        icon=":material/info:",
    )
    st.caption(labels["note"])
