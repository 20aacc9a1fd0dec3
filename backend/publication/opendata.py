"""The open-data files of a press kit: CSV and XLSX with their metadata, SDMX-CSV, a Frictionless data package.

Tables come from :func:`backend.published.sources.year_sheets` (the wide unit table and every row of the set),
files from :mod:`backend.services.exports` (UTF-8 with BOM, formula-safe, a metadata sheet); nothing is
recomputed.

**SDMX-CSV** (SDMX-CSV 1.0 layout: the first column names the dataflow, then dimensions, the observation value
and attributes). The data structure, also written into the kit as ``data/sdmx_structure.md``:

=============== ===========================================================================================
``DATAFLOW``    ``MOHA:PAR_INDEX(1.0)`` or ``MOHA:SIPAS(1.0)`` (agency: the Ministry of Home Affairs)
``INDEX``       dimension: ``PAR_INDEX`` or ``SIPAS``
``TIME_PERIOD`` dimension: the evaluation year
``UNIT``        dimension: the GSO code of a province (``01`` Hà Nội; the 63-province list until 2024, the
                34-province list from 2025), the ministry's short code (``MOJ``), the region's code (``DBSH``),
                or ``VN`` for the nation
``MEASURE``     dimension: ``INDEX`` (the index itself) or the metric's code below it (``area.A3``, ``policy``)
``OBS_VALUE``   the published value (points or %, unrounded as stored)
attributes      ``UNIT_LIST`` (province_63, province_34, ministry, region, national), ``UNIT_MEASURE``
                (``PT`` points, ``PC`` percent), ``MAX_VALUE``, ``RANK``, ``CI_LOWER``, ``CI_UPPER``, ``GRADE``,
                ``N_OBS`` (valid forms), ``OBS_STATUS`` (``A`` official, ``P`` provisional method, ``D`` demo)
=============== ===========================================================================================
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from backend.published import sources
from backend.published.tables import SetTables
from backend.services.exports import ExportMetadata

SDMX_COLUMNS = [
    "DATAFLOW",
    "INDEX",
    "TIME_PERIOD",
    "UNIT",
    "MEASURE",
    "OBS_VALUE",
    "UNIT_LIST",
    "UNIT_MEASURE",
    "MAX_VALUE",
    "RANK",
    "CI_LOWER",
    "CI_UPPER",
    "GRADE",
    "N_OBS",
    "OBS_STATUS",
]
DIMENSIONS = ("INDEX", "TIME_PERIOD", "UNIT", "MEASURE")


def sheets(tables: SetTables, units: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The wide unit table and the long table of every row, as the public app's whole-year download."""
    return sources.year_sheets([tables], units)


def _measure(code: str, index_code: str) -> str:
    return "INDEX" if code == index_code else code.removeprefix(index_code + ".")


def sdmx_frame(tables: SetTables) -> pd.DataFrame:
    """Every row of the set in the SDMX-CSV layout of the module docstring."""
    info = tables.info
    rows = tables.rows
    codes = dict(zip(tables.units["unit_id"].astype(int), tables.units["code"], strict=False))
    kinds = dict(zip(tables.units["unit_id"].astype(int), tables.units["kind"], strict=False))
    unit_ids = rows["unit_id"].astype("Int64")
    unit = np.where(
        rows["scope"] == "unit",
        [codes.get(int(u), "") if pd.notna(u) else "" for u in unit_ids],
        np.where(rows["scope"] == "national", "VN", rows["scope_code"].astype(str)),
    )
    unit_list = np.where(
        rows["scope"] == "unit", [kinds.get(int(u), "") if pd.notna(u) else "" for u in unit_ids], rows["scope"]
    )
    status = "D" if info.is_demo else ("P" if info.is_provisional else "A")
    percent = info.index_code == "SIPAS"
    frame = pd.DataFrame(
        {
            "DATAFLOW": f"MOHA:{info.index_code}(1.0)",
            "INDEX": info.index_code,
            "TIME_PERIOD": info.year,
            "UNIT": unit,
            "MEASURE": [_measure(str(m), info.index_code) for m in rows["metric"]],
            "OBS_VALUE": rows["value"].astype(float),
            "UNIT_LIST": unit_list,
            "UNIT_MEASURE": "PC" if percent else "PT",
            "MAX_VALUE": rows["max_value"].astype(float),
            "RANK": rows["rank"].astype("Int64"),
            "CI_LOWER": rows["ci_low"].astype(float),
            "CI_UPPER": rows["ci_high"].astype(float),
            "GRADE": rows["grp"].where(rows["grp"].notna(), None),
            "N_OBS": rows["n"].astype("Int64"),
            "OBS_STATUS": status,
        }
    )
    return frame[SDMX_COLUMNS].sort_values(["UNIT_LIST", "UNIT", "MEASURE"]).reset_index(drop=True)


def _field_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series.dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(series.dtype):
        return "integer"
    if pd.api.types.is_float_dtype(series.dtype):
        return "number"
    return "string"


def table_schema(frame: pd.DataFrame, primary_key: list[str] | None = None) -> dict[str, Any]:
    """A Frictionless Table Schema of ``frame`` (types from its dtypes; missing values are empty cells)."""
    schema: dict[str, Any] = {
        "fields": [{"name": str(c), "type": _field_type(frame[c])} for c in frame.columns],
        "missingValues": [""],
    }
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def datapackage(
    name: str, metadata: ExportMetadata, resources: list[tuple[str, pd.DataFrame, str]], licence: dict[str, str]
) -> dict[str, Any]:
    """The descriptor (datapackage.json) of the kit's CSV files: ``resources`` are (path, frame, title)."""
    described = []
    for path, frame, title in resources:
        keys = [k for k in DIMENSIONS if k in frame.columns] if "OBS_VALUE" in frame.columns else None
        described.append(
            {
                "name": path.rsplit("/", 1)[-1].removesuffix(".csv").replace("_", "-").lower(),
                "path": path,
                "title": title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": table_schema(frame, keys),
            }
        )
    return {
        "name": name,
        "title": metadata.title,
        "description": metadata.citation("en"),
        "version": metadata.version,
        "created": metadata.generated_at.isoformat(),
        "licenses": [licence],
        "sources": [{"title": metadata.source}],
        "keywords": [metadata.index_code, metadata.year, metadata.scope],
        "resources": described,
    }


def dumps(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
