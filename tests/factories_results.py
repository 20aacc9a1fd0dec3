"""Factory of result sets for tests, benchmarks and the browser suite: clearly labelled DEMO data.

It inserts, straight into a store that has reference data loaded:

* one ``demo`` dataset ("factory-demo", never official);
* frameworks: PAR INDEX provinces under 1149 (2020-2021) and 876 (2022-2030), PAR INDEX ministries 876,
  SIPAS provinces 1001 (provisional), each with area criteria and maxima (test values, not the legal ones) and
  the file text the read model reads (a small valid PAR file per framework; the real SIPAS 1001 file);
* published result sets: PAR INDEX provinces 2021-2024 (63 units) and 2025 (34 units), PAR INDEX
  ministries 2023-2025, SIPAS provinces 2023-2025, with unit, region and national rows, intervals,
  ranks (with a deliberate tie and unranked ministries) and groups;
* hidden result sets that must never reach a public page, all carrying distinctive values:
  ``DRAFT_VALUE`` in a 2024 PAR provinces v2 with status ``approved`` whose publication time has already
  passed (only its status keeps it out) and in a SIPAS ``draft``; ``EMBARGO_VALUE`` in a ``published``
  2025 PAR provinces v2 and a SIPAS 2026 set whose ``publish_at`` is in the future (only the embargo keeps
  them out); ``WITHDRAWN_VALUE`` in a ministries v2 that was published and then withdrawn.

Values are generated with a fixed seed, so the same call gives the same numbers. The hidden values lie in
a range no published figure can take (area points are at most 20, indexes and percentages at least 53), so
finding one of them on a page can only mean a leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session

from backend.models import Criterion, Dataset, Framework, ResultRow, ResultSet
from backend.reference.units import ministries_for_year, provinces_for_year
from backend.settings import REPO_ROOT

DRAFT_VALUE = 41.41
EMBARGO_VALUE = 42.42
WITHDRAWN_VALUE = 43.43
HIDDEN_VALUES = (DRAFT_VALUE, EMBARGO_VALUE, WITHDRAWN_VALUE)

PAR_PROVINCE_AREAS = {  # code: (name_vi, name_en, max points) — test maxima summing to 100
    "A1": ("Công tác chỉ đạo, điều hành CCHC", "Direction and management of PAR", 9.5),
    "A2": ("Xây dựng và tổ chức thực hiện thể chế", "Institutional reform", 10.0),
    "A3": ("Cải cách thủ tục hành chính", "Administrative procedure reform", 13.0),
    "A4": ("Cải cách tổ chức bộ máy hành chính", "Organisational reform", 10.5),
    "A5": ("Cải cách chế độ công vụ", "Civil service reform", 12.0),
    "A6": ("Cải cách tài chính công", "Public finance reform", 10.0),
    "A7": ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", "E-government and digital government", 15.0),
    "A8": (
        "Tác động của CCHC đến người dân, tổ chức và phát triển KT-XH",
        "Impact of PAR on people and development",
        20.0,
    ),
}
PAR_MINISTRY_AREAS = {
    "A1": ("Công tác chỉ đạo, điều hành CCHC", "Direction and management of PAR", 14.0),
    "A2": ("Cải cách thể chế", "Institutional reform", 16.0),
    "A3": ("Cải cách thủ tục hành chính", "Administrative procedure reform", 15.0),
    "A4": ("Cải cách tổ chức bộ máy hành chính", "Organisational reform", 12.0),
    "A5": ("Cải cách chế độ công vụ", "Civil service reform", 14.0),
    "A6": ("Cải cách tài chính công", "Public finance reform", 12.0),
    "A7": ("Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", "E-government and digital government", 17.0),
}
SIPAS_COMPONENTS = {
    "policy": ("Hài lòng về chính sách", "Satisfaction with policy"),
    "services": ("Hài lòng về dịch vụ hành chính công", "Satisfaction with public administrative services"),
}


@dataclass
class FactoryResult:
    dataset_id: int
    published_ids: dict[tuple[str, str, int], int] = field(default_factory=dict)  # (index, scope, year) -> id
    hidden_ids: list[int] = field(default_factory=list)
    framework_ids: dict[str, int] = field(default_factory=dict)


def par_framework_text(
    code: str, scope: str, years: tuple[int, int], legal: str, status: str, areas: dict[str, tuple[str, ...]]
) -> str:
    """A small valid PAR framework file for test data: one appraised leaf per area (test maxima)."""
    lines = [
        "schema: 1",
        f"code: {code}",
        'version: "test-1"',
        "index_code: PAR_INDEX",
        f"unit_scope: {scope}",
        f"years: {{from: {years[0]}, to: {years[1]}}}",
        f"status: {status}",
    ]
    if status == "provisional":
        lines += ['status_basis: {vi: "Dữ liệu kiểm thử.", en: "Test data."}']
    lines += [
        f'title_vi: "PAR INDEX {scope} theo {legal} (dữ liệu kiểm thử)"',
        f'title_en: "PAR INDEX {scope} under {legal} (test data)"',
        f'legal_basis: "{legal}"',
        "total_max: 100",
        "criteria:",
    ]
    for area, (name_vi, name_en, max_points) in areas.items():
        lines += [
            f"  - code: {area}",
            f'    name_vi: "{name_vi}"',
            f'    name_en: "{name_en}"',
            f"    max_points: {max_points}",
            "    children:",
            f"      - code: {area}.APP",
            f'        name_vi: "{name_vi}"',
            f'        name_en: "{name_en}"',
            "        mode: appraisal",
            f"        max_points: {max_points}",
        ]
    lines += [
        "reporting: {components: [areas], detail: [blocks]}",
        "settings:",
        "  grades: {value: [{code: A, min: 90, name_vi: A, name_en: A}, {code: B, min: 80, name_vi: B, name_en: B}, {code: C, min: 70, name_vi: C, name_en: C}]}",
        "  unranked_units: {value: [GI, CEMA]}",
        "  tie_rule: {value: competition}",
        "  national_average: {value: mean_of_ranked_units}",
        "  region_average: {value: mean_of_units}",
        "  survey_mapping: {value: {}}",
        "  survey_scoring: {value: {answer_weights: {1: 0, 5: 1}}}",
        "  precision: {value: {compute_decimals: 4, publish_decimals: 2, grades_on: published, ranks_on: published, rounding: half_up}}",
    ]
    return "\n".join(lines) + "\n"


def _framework(
    session: Session,
    code: str,
    index_code: str,
    scope: str,
    years: tuple[int, int],
    legal: str,
    status: str,
    areas: dict[str, tuple[str, ...]],
) -> int:
    fw = Framework(
        code=code,
        version="test-1",
        index_code=index_code,
        unit_scope=scope,
        year_from=years[0],
        year_to=years[1],
        status=status,
        title_vi=f"{index_code} {scope} theo {legal} (dữ liệu kiểm thử)",
        title_en=f"{index_code} {scope} under {legal} (test data)",
        legal_basis=legal,
        content_hash=f"factory-{code}",
        source_text=par_framework_text(code, scope, years, legal, status, areas)
        if index_code == "PAR_INDEX"
        else (REPO_ROOT / "data" / "frameworks" / "sipas_1001.yaml").read_text(encoding="utf-8"),
    )
    session.add(fw)
    session.flush()
    assert fw.id is not None
    for order, (area, spec) in enumerate(areas.items()):
        max_points = spec[2] if len(spec) > 2 else None
        session.add(
            Criterion(
                framework_id=fw.id,
                code=area,
                level="area",
                name_vi=spec[0],
                name_en=spec[1],
                max_points=float(max_points) if max_points is not None else None,
                provisional=status == "provisional",
                sort_order=order,
            )
        )
    session.flush()
    return fw.id


def _ranks(values: pd.Series, ranked: pd.Series) -> pd.Series:
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    mask = ranked & values.notna()
    out[mask] = values[mask].rank(method="min", ascending=False).astype("int64")
    return out


def _group(value: float | None) -> str | None:
    if value is None or pd.isna(value):
        return None
    if value >= 90:
        return "A"
    if value >= 80:
        return "B"
    if value >= 70:
        return "C"
    return None


def _unit_values(
    rng: np.random.Generator, n: int, index_code: str, areas: dict[str, tuple[str, ...]], level: np.ndarray
) -> pd.DataFrame:
    """Component values for n units: points per area (PAR) or % per component (SIPAS), plus the index."""
    data: dict[str, np.ndarray] = {}
    if index_code == "PAR_INDEX":
        total = np.zeros(n)
        for area, spec in areas.items():
            share = np.clip(level + rng.normal(0, 0.04, n), 0.55, 1.0)
            points = np.round(float(spec[2]) * share, 3)
            data[f"PAR_INDEX.area.{area}"] = points
            total += points
        data["PAR_INDEX"] = np.round(total, 2)
    else:
        policy = np.round(np.clip(100 * level + rng.normal(0, 2.5, n), 60, 99), 2)
        services = np.round(np.clip(100 * level + rng.normal(1, 2.5, n), 60, 99), 2)
        data["SIPAS.policy"] = policy
        data["SIPAS.services"] = services
        data["SIPAS"] = np.round((policy + services) / 2 + rng.normal(0, 0.3, n), 2)
    return pd.DataFrame(data)


def _rows_for_set(
    set_id: int,
    units: list,
    values: pd.DataFrame,
    max_values: dict[str, float],
    index_code: str,
    rng: np.random.Generator,
    ranked_flags: list[bool],
    n_forms: np.ndarray,
) -> list[dict]:
    rows: list[dict] = []
    scope_codes = [f"{u.kind}:{u.code}" for u in units]
    ranked = pd.Series(ranked_flags)
    half = rng.uniform(0.4, 1.6, len(units))
    index_values = values[index_code]
    ci_low = index_values - half
    ci_high = index_values + half
    rank_low = [int(1 + ((ci_low > hi) & ranked).sum()) if ranked[i] else None for i, hi in enumerate(ci_high)]
    rank_high = [int(((ci_high >= lo) & ranked).sum()) if ranked[i] else None for i, lo in enumerate(ci_low)]
    for metric in values.columns:
        ranks = _ranks(values[metric], ranked)
        for i, unit in enumerate(units):
            is_index = metric == index_code
            rows.append(
                {
                    "result_set_id": set_id,
                    "scope": "unit",
                    "scope_code": scope_codes[i],
                    "unit_id": unit.id,
                    "metric": metric,
                    "value": float(values[metric].iloc[i]),
                    "max_value": max_values.get(metric),
                    "ci_low": float(ci_low.iloc[i]) if is_index else None,
                    "ci_high": float(ci_high.iloc[i]) if is_index else None,
                    "rank": None if pd.isna(ranks.iloc[i]) else int(ranks.iloc[i]),
                    "rank_low": rank_low[i] if is_index else None,
                    "rank_high": rank_high[i] if is_index else None,
                    "grp": _group(float(values[metric].iloc[i])) if is_index and index_code == "PAR_INDEX" else None,
                    "n": int(n_forms[i]),
                }
            )
    regions = pd.Series([u.region_code for u in units])
    for metric in values.columns:
        series = values[metric]
        for region, group in series.groupby(regions):
            if region is None:
                continue
            rows.append(
                {
                    "result_set_id": set_id,
                    "scope": "region",
                    "scope_code": str(region),
                    "unit_id": None,
                    "metric": metric,
                    "value": round(float(group.mean()), 4),
                    "max_value": max_values.get(metric),
                    "ci_low": None,
                    "ci_high": None,
                    "rank": None,
                    "rank_low": None,
                    "rank_high": None,
                    "grp": None,
                    "n": len(group),
                }
            )
        rows.append(
            {
                "result_set_id": set_id,
                "scope": "national",
                "scope_code": "VN",
                "unit_id": None,
                "metric": metric,
                "value": round(float(series.mean()), 4),
                "max_value": max_values.get(metric),
                "ci_low": None,
                "ci_high": None,
                "rank": None,
                "rank_low": None,
                "rank_high": None,
                "grp": None,
                "n": len(series),
            }
        )
    return rows


def _constant_rows(set_id: int, units: list, metric_values: dict[str, float], value: float) -> list[dict]:
    rows = []
    for i, unit in enumerate(units):
        for metric in metric_values:
            rows.append(
                {
                    "result_set_id": set_id,
                    "scope": "unit",
                    "scope_code": f"{unit.kind}:{unit.code}",
                    "unit_id": unit.id,
                    "metric": metric,
                    "value": value,
                    "max_value": metric_values[metric],
                    "ci_low": value - 0.5,
                    "ci_high": value + 0.5,
                    "rank": i + 1,
                    "rank_low": None,
                    "rank_high": None,
                    "grp": "A",
                    "n": 500,
                }
            )
    for metric in metric_values:
        rows.append(
            {
                "result_set_id": set_id,
                "scope": "national",
                "scope_code": "VN",
                "unit_id": None,
                "metric": metric,
                "value": value,
                "max_value": metric_values[metric],
                "ci_low": None,
                "ci_high": None,
                "rank": None,
                "rank_low": None,
                "rank_high": None,
                "grp": None,
                "n": len(units),
            }
        )
    return rows


def make_results(session: Session, *, seed: int = 7, with_hidden: bool = True) -> FactoryResult:
    """Insert the demo dataset, frameworks and result sets described in the module docstring."""
    rng = np.random.default_rng(seed)
    dataset = Dataset(
        name="factory-demo",
        kind="demo",
        description="Dữ liệu minh họa cho kiểm thử / synthetic data for tests — not official",
    )
    session.add(dataset)
    session.flush()
    assert dataset.id is not None
    result = FactoryResult(dataset_id=dataset.id)
    fw = result.framework_ids
    fw["par_p_1149"] = _framework(
        session,
        "PAR_PROVINCE_1149",
        "PAR_INDEX",
        "province",
        (2020, 2021),
        "1149/QĐ-BNV",
        "official",
        PAR_PROVINCE_AREAS,
    )
    fw["par_p_876"] = _framework(
        session, "PAR_PROVINCE_876", "PAR_INDEX", "province", (2022, 2030), "876/QĐ-BNV", "official", PAR_PROVINCE_AREAS
    )
    fw["par_m_876"] = _framework(
        session, "PAR_MINISTRY_876", "PAR_INDEX", "ministry", (2022, 2030), "876/QĐ-BNV", "official", PAR_MINISTRY_AREAS
    )
    fw["sipas_1001"] = _framework(
        session, "SIPAS_1001", "SIPAS", "province", (2023, 2026), "1001/QĐ-BNV", "provisional", SIPAS_COMPONENTS
    )

    now = dt.datetime.now(dt.UTC)
    computed = now - dt.timedelta(days=400)

    def new_set(index_code: str, scope: str, year: int, version: int, status: str, framework_id: int, **kw) -> int:
        default_time = dt.datetime(year + 1, 4, 6, 2, 0, tzinfo=dt.UTC)
        publish_at = kw.pop("publish_at", default_time if status == "published" else None)
        published_at = kw.pop("published_at", publish_at if status == "published" and publish_at <= now else None)
        rs = ResultSet(
            dataset_id=dataset.id,
            index_code=index_code,
            year=year,
            unit_scope=scope,
            version=version,
            status=status,
            framework_id=framework_id,
            framework_version="test-1",
            inputs_hash=f"factory-{index_code}-{scope}-{year}-{version}",
            computed_at=computed,
            computed_by="factory",
            publish_at=publish_at,
            published_at=published_at,
            **kw,
        )
        session.add(rs)
        session.flush()
        assert rs.id is not None
        return rs.id

    # persistent unit "quality" so that trends look like trends
    quality: dict[int, float] = {}

    def level_for(units: list) -> np.ndarray:
        out = []
        for unit in units:
            if unit.id not in quality:
                quality[unit.id] = float(rng.uniform(0.8, 0.93))
            quality[unit.id] = float(np.clip(quality[unit.id] + rng.normal(0.004, 0.012), 0.74, 0.985))
            out.append(quality[unit.id])
        return np.array(out)

    def publish(index_code: str, scope: str, year: int, framework_id: int, areas: dict, units: list) -> int:
        set_id = new_set(index_code, scope, year, 1, "published", framework_id)
        values = _unit_values(rng, len(units), index_code, areas, level_for(units))
        ranked = [bool(u.par_ranked) if scope == "ministry" else True for u in units]
        if index_code == "PAR_INDEX" and len(units) > 3:
            first, second = [i for i, r in enumerate(ranked) if r][1:3]
            values.loc[second, index_code] = values.loc[first, index_code]  # a deliberate tie
        max_values = {index_code: 100.0}
        if index_code == "PAR_INDEX":
            max_values.update({f"PAR_INDEX.area.{a}": float(spec[2]) for a, spec in areas.items()})
        else:
            max_values.update({"SIPAS.policy": 100.0, "SIPAS.services": 100.0})
        n_forms = rng.integers(350, 900, len(units))
        rows = _rows_for_set(set_id, units, values, max_values, index_code, rng, ranked, n_forms)
        session.execute(insert(ResultRow), rows)
        result.published_ids[(index_code, scope, year)] = set_id
        return set_id

    for year in (2021, 2022, 2023, 2024, 2025):
        framework_id = fw["par_p_1149"] if year < 2022 else fw["par_p_876"]
        publish("PAR_INDEX", "province", year, framework_id, PAR_PROVINCE_AREAS, provinces_for_year(session, year))
    for year in (2023, 2024, 2025):
        publish("PAR_INDEX", "ministry", year, fw["par_m_876"], PAR_MINISTRY_AREAS, ministries_for_year(session, year))
        publish("SIPAS", "province", year, fw["sipas_1001"], SIPAS_COMPONENTS, provinces_for_year(session, year))

    if with_hidden:
        par_metrics = {"PAR_INDEX": 100.0, **{f"PAR_INDEX.area.{a}": s[2] for a, s in PAR_PROVINCE_AREAS.items()}}
        sipas_metrics = {"SIPAS": 100.0, "SIPAS.policy": 100.0, "SIPAS.services": 100.0}
        p24 = provinces_for_year(session, 2024)
        p25 = provinces_for_year(session, 2025)
        hidden = [
            # approved with a publication time already past (not yet published): the status keeps it out
            (
                new_set(
                    "PAR_INDEX", "province", 2024, 2, "approved", fw["par_p_876"], publish_at=now - dt.timedelta(days=1)
                ),
                p24,
                par_metrics,
                DRAFT_VALUE,
            ),
            (new_set("SIPAS", "province", 2024, 2, "draft", fw["sipas_1001"]), p24, sipas_metrics, DRAFT_VALUE),
            (
                new_set(
                    "PAR_INDEX",
                    "province",
                    2025,
                    2,
                    "published",
                    fw["par_p_876"],
                    publish_at=now + dt.timedelta(days=30),
                    supersedes_id=result.published_ids[("PAR_INDEX", "province", 2025)],
                    erratum="embargoed correction",
                ),
                p25,
                par_metrics,
                EMBARGO_VALUE,
            ),
            (
                new_set(
                    "SIPAS", "province", 2026, 1, "published", fw["sipas_1001"], publish_at=now + dt.timedelta(days=60)
                ),
                provinces_for_year(session, 2026),
                sipas_metrics,
                EMBARGO_VALUE,
            ),
            (
                new_set(
                    "PAR_INDEX",
                    "ministry",
                    2024,
                    2,
                    "withdrawn",
                    fw["par_m_876"],
                    publish_at=now - dt.timedelta(days=10),
                    published_at=now - dt.timedelta(days=10),
                ),
                ministries_for_year(session, 2024),
                {"PAR_INDEX": 100.0},
                WITHDRAWN_VALUE,
            ),
        ]
        for set_id, units, metrics, value in hidden:
            session.execute(insert(ResultRow), _constant_rows(set_id, units, metrics, value))
            result.hidden_ids.append(set_id)
    session.flush()
    return result


def build_store(url: str, *, with_published_record: bool = True, with_hidden: bool = True) -> FactoryResult:
    """Create a complete throwaway store at ``url``: migrate, reference data, published record, results."""
    from backend.db import get_engine, migrate, session_scope
    from backend.ingest.published import load_published
    from backend.reference.loader import load_reference
    from backend.settings import REPO_ROOT

    migrate(url)
    engine = get_engine(url)
    with session_scope(engine) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")
        if with_published_record:
            load_published(session, REPO_ROOT / "data" / "published", REPO_ROOT / "data" / "reference")
        result = make_results(session, with_hidden=with_hidden)
    engine.dispose()
    return result


if __name__ == "__main__":  # python -m tests.factories_results <sqlite path>
    import sys

    target = Path(sys.argv[1]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    made = build_store(f"sqlite:///{target}")
    print(f"factory store at {target}: {len(made.published_ids)} published sets, {len(made.hidden_ids)} hidden")
