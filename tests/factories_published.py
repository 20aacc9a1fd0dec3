"""Hand-made published result sets for the read-model and figure tests: four provinces of the 63 list
(2023, 2024; one unranked) and two of the 34 list (2025: Hà Nội continues, Tuyên Quang merged from two),
built through the read model's own :func:`build_set_tables` with the real 876 and 2025 framework files."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from backend.frameworks import load_framework_file
from backend.published.sets import ResultSetInfo
from backend.published.tables import SetTables, build_set_tables
from backend.reference.lineage import Lineage
from backend.settings import REPO_ROOT

SPEC = load_framework_file(REPO_ROOT / "data" / "frameworks" / "par_province_876.yaml")
SPEC_2025 = load_framework_file(REPO_ROOT / "data" / "frameworks" / "par_province_2025.yaml")
NOW = dt.datetime(2025, 4, 6, 2, 0, tzinfo=dt.UTC)


def make_units() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit_id": [1, 2, 3, 4, 10, 11],
            "kind": ["province_63"] * 4 + ["province_34"] * 2,
            "code": ["01", "02", "03", "04", "01", "08"],
            "name_vi": ["Hà Nội", "Hà Giang", "Cao Bằng", "Đà Nẵng", "Hà Nội", "Tuyên Quang"],
            "name_en": ["Ha Noi", "Ha Giang", "Cao Bang", "Da Nang", "Ha Noi", "Tuyen Quang"],
            "region_code": ["DBSH", "TDMNPB", "TDMNPB", "BTB", "DBSH", "TDMNPB"],
            "valid_from": [dt.date(2008, 8, 1)] * 4 + [dt.date(2025, 7, 1)] * 2,
            "valid_to": [dt.date(2025, 6, 30)] * 4 + [None, None],
        }
    )
    frame["scope_code"] = frame["kind"] + ":" + frame["code"]
    return frame


UNITS = make_units()
LINEAGE = Lineage.from_frame(
    pd.DataFrame(
        {
            "old_unit_id": [1, 2, 3, 4],
            "new_unit_id": [10, 11, 11, 4],
            "relation": ["continues", "merged_into", "merged_into", "renamed"],
            "effective": [dt.date(2025, 7, 1)] * 3 + [dt.date(2025, 1, 1)],
        }
    )
)
KINDS = dict(zip(UNITS["unit_id"], UNITS["kind"], strict=True))


def info(set_id: int, year: int, *, kind: str = "demo", code: str = "PAR_PROVINCE_876", fw: int = 1) -> ResultSetInfo:
    return ResultSetInfo.from_record(
        {
            "id": set_id,
            "index_code": "PAR_INDEX",
            "year": year,
            "unit_scope": "province",
            "version": 1,
            "dataset_name": "demo",
            "dataset_kind": kind,
            "dataset_parameters": '{"source_vi": "Nguồn: bộ sinh dữ liệu X", "source_en": "Source: generator X"}',
            "framework_id": fw,
            "framework_code": code,
            "framework_version": "1",
            "framework_status": "official",
            "legal_basis": "876/QĐ-BNV",
            "publish_at": NOW,
            "published_at": NOW,
        }
    )


def rows(values: dict[int, tuple[float, float, float]], ranks: dict[int, int | None]) -> pd.DataFrame:
    """Rows of a PAR-like set: index = A1 + A2 (maxima 40 + 60)."""
    units = UNITS.set_index("unit_id")
    records = []
    for unit_id, (index, a1, a2) in values.items():
        for metric, value, max_value in (
            ("PAR_INDEX", index, 100.0),
            ("PAR_INDEX.area.A1", a1, 40.0),
            ("PAR_INDEX.area.A2", a2, 60.0),
        ):
            main = metric == "PAR_INDEX"
            records.append(
                {
                    "scope": "unit",
                    "scope_code": units.loc[unit_id, "scope_code"],
                    "unit_id": unit_id,
                    "metric": metric,
                    "value": value,
                    "max_value": max_value,
                    "ci_low": index - 1 if main else None,
                    "ci_high": index + 1 if main else None,
                    "rank": ranks.get(unit_id) if main else None,
                    "rank_low": None,
                    "rank_high": None,
                    "grp": ("A" if index >= 90 else "B") if main and ranks.get(unit_id) else None,
                    "n": 100 * unit_id,
                }
            )
    frame = pd.DataFrame(records)
    for metric, group in list(frame.groupby("metric")):
        records.append({"scope": "national", "scope_code": "VN", "metric": metric, "value": group["value"].mean()})
        regions = group.assign(region=group["unit_id"].map(units["region_code"]))
        for region, sub in regions.groupby("region"):
            records.append(
                {"scope": "region", "scope_code": region, "metric": metric, "value": sub["value"].mean(), "n": len(sub)}
            )
    out = pd.DataFrame(records)
    for column in ("rank", "unit_id", "n", "rank_low", "rank_high"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    return out


def tables(set_info: ResultSetInfo, set_rows: pd.DataFrame, spec=SPEC) -> SetTables:  # type: ignore[no-untyped-def]
    return build_set_tables(set_info, set_rows, UNITS, spec)


T2023 = tables(
    info(1, 2023),
    rows(
        {1: (89.0, 36.0, 53.0), 2: (89.5, 35.5, 54.0), 3: (85.0, 35.0, 50.0), 4: (79.0, 30.0, 49.0)}, {1: 2, 2: 1, 3: 3}
    ),
)
T2024 = tables(
    info(2, 2024),
    rows(
        {1: (91.0, 37.0, 54.0), 2: (88.0, 35.0, 53.0), 3: (88.0, 36.0, 52.0), 4: (80.0, 30.0, 50.0)}, {1: 1, 2: 2, 3: 2}
    ),
)
T2025 = tables(
    info(3, 2025, code="PAR_PROVINCE_2025", fw=2),
    rows({10: (93.0, 38.0, 55.0), 11: (87.0, 35.0, 52.0)}, {10: 1, 11: 2}),
    SPEC_2025,
)
