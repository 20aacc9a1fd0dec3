"""The official record as a layer: figures as printed, conflicts kept, flags carried, no data stays no data."""

from __future__ import annotations

import pandas as pd
import pytest

from backend.published.record_layer import record_layer, unit_history

UNITS = pd.DataFrame(
    {
        "unit_id": [1, 2, 3, 4],
        "scope_code": ["province_63:01", "province_63:02", "province_63:03", "province_63:04"],
        "code": ["01", "02", "03", "04"],
        "name_vi": ["Hà Nội", "Hà Giang", "Cao Bằng", "Bắc Kạn"],
        "name_en": ["Ha Noi", "Ha Giang", "Cao Bang", "Bac Kan"],
    }
)


def _row(unit_id: int | None, score: float | None, rank: int | None, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "figure_id": 0,
        "year": 2023,
        "metric": "PAR_INDEX",
        "unit_type": "province",
        "unit_name": "x",
        "unit_id": unit_id,
        "scope_code": None,
        "score": score,
        "rank": rank,
        "source": "site.vn - A title https://site.vn/a",
        "note": "",
        "is_derived": False,
        "is_uncertain": False,
        "source_file": "published_results.csv",
        "row_number": 2,
    }
    row.update(kw)
    return row


def _record(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["unit_id"] = frame["unit_id"].astype("Int64")
    frame["rank"] = frame["rank"].astype("Int64")
    frame["score"] = frame["score"].astype("float64")
    return frame


def test_figures_as_printed_and_no_data_for_the_others() -> None:
    record = _record(
        [
            _row(2, 90.5, 1),
            _row(
                1,
                None,
                2,
                source="[rank from listed order] list.vn https://list.vn/x",
                is_derived=True,
                note="rank from listed order",
            ),
            _row(3, 88.0, None),
            _row(1, 80.0, 9, metric="PAR_INDEX.area_points.x"),  # a sub-metric is not the index
            _row(4, 70.0, 9, year=2022),  # another year
        ]
    )
    layer = record_layer(record, "PAR_INDEX", "province", 2023, UNITS)
    table = layer.table.set_index("unit_id")
    assert list(layer.table["unit_id"]) == [2, 1, 3, 4]  # by published rank, unranked figures, then no data
    assert table.loc[2, "score"] == 90.5 and table.loc[2, "rank"] == 1 and not table.loc[2, "derived"]
    assert pd.isna(table.loc[1, "score"]) and table.loc[1, "rank"] == 2 and table.loc[1, "derived"]
    assert table.loc[1, "source_title"] == "list.vn" and table.loc[1, "link"] == "https://list.vn/x"
    assert not table.loc[4, "has_figure"] and pd.isna(table.loc[4, "score"]) and pd.isna(table.loc[4, "rank"])
    assert layer.n_with_figure == 3 and layer.n_derived == 1 and layer.has_figures


def test_conflicting_versions_are_all_kept_and_flagged_uncertain() -> None:
    record = _record(
        [
            _row(1, 86.89, 34, is_uncertain=True, note="UNCERTAIN: a"),
            _row(1, 86.89, 32, source_file="published_full.csv", row_number=9),
            _row(2, 86.89, 35),
            _row(2, 86.76, 35, source_file="published_more.csv"),
        ]
    )
    table = record_layer(record, "PAR_INDEX", "province", 2023, UNITS).table.set_index("unit_id")
    assert table.loc[1, "ranks"] == (34, 32) and table.loc[1, "rank"] == 34  # first printed version shown first
    assert table.loc[1, "uncertain"] and table.loc[1, "conflict"]
    assert table.loc[2, "scores"] == (86.89, 86.76) and table.loc[2, "uncertain"]  # disagreement = uncertain


def test_derived_only_when_every_row_printing_the_value_is_derived() -> None:
    record = _record(
        [
            _row(1, 91.0, 2, is_derived=True, note="rank derived"),
            _row(1, 91.0, 2, source_file="published_full.csv"),  # printed by a second source: not derived
            _row(2, 88.0, 5, is_derived=True, note="derived"),
        ]
    )
    table = record_layer(record, "PAR_INDEX", "province", 2023, UNITS).table.set_index("unit_id")
    assert not table.loc[1, "derived"] and table.loc[2, "derived"]


def test_national_average_of_the_scope() -> None:
    record = _record(
        [
            _row(None, 86.98, None, unit_type="aggregate", unit_name="Trung bình 63 tỉnh, thành phố"),
            _row(None, 84.38, None, unit_type="aggregate", unit_name="Trung bình 17 bộ, cơ quan ngang bộ"),
            _row(None, 91.1, None, unit_type="aggregate", unit_name="Cao nhất cả nước (tỉnh)"),
        ]
    )
    assert record_layer(record, "PAR_INDEX", "province", 2023, UNITS).national == pytest.approx(86.98)
    assert record_layer(record, "PAR_INDEX", "ministry", 2023, UNITS.iloc[:0]).national == pytest.approx(84.38)
    assert record_layer(record, "SIPAS", "province", 2023, UNITS).national is None


def test_unit_history_over_the_years() -> None:
    record = _record([_row(1, 90.0, 3), _row(1, 88.0, 5, year=2022), _row(2, 70.0, 60)])
    history = unit_history(record, "PAR_INDEX", "province", [1])
    assert list(history["year"]) == [2023, 2022] and list(history["rank"]) == [3, 5]


def test_a_published_unit_missing_from_the_list_is_added_from_the_reference() -> None:
    record = _record([_row(4, 75.0, 40), _row(1, 90.0, 3)])
    layer = record_layer(record, "PAR_INDEX", "province", 2023, UNITS.iloc[:2], all_units=UNITS)
    assert list(layer.table["unit_id"]) == [1, 4, 2]
    assert layer.table.set_index("unit_id").loc[4, "name_en"] == "Bac Kan"
