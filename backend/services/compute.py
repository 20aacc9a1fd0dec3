"""Compute an index for a year into a new, immutable result set (ARCHITECTURE.md decisions 1, 3, 5).

Flow: the framework that applies (stored, by year) → the units of the year (Unit rows valid on the
year's reference date) → the inputs read with SQLAlchemy Core straight into arrays (valid survey forms
only; each form's answers arrive packed in one string, so 2 million answers cross the driver as ~40,000
rows) → the pure scoring functions (backend/scoring) → one ``result_set`` row (version = previous
max + 1, status ``draft``, framework version, inputs hash, who computed it, parameters JSON) and its
``result_row`` rows, bulk-inserted. Rows of an existing result set are never updated.

``inputs_hash`` = sha256 over a canonical serialisation of the inputs (units, survey forms by form code,
the answer matrix, assessment scores by unit and criterion code), the framework's content hash and the
parameters, so computing twice on the same inputs gives identical numbers and the same hash.

Public functions: :func:`compute_index`, :func:`compute_all`, :func:`ensure_computed`,
:func:`result_frame` and :func:`summary_for` (the standard summary of a stored result set).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, String, case, cast, func, literal, select
from sqlmodel import Session
from sqlmodel import select as orm_select

from backend import metrics as m
from backend.audit import record
from backend.auth.permissions import Actor, require
from backend.errors import DomainError, NotFoundError, ValidationError
from backend.frameworks.spec import FrameworkSpec
from backend.frameworks.sync import spec_for
from backend.models import (
    Answer,
    AssessmentScore,
    Criterion,
    Dataset,
    Framework,
    ResultRow,
    ResultSet,
    Survey,
    SurveyForm,
    SurveyItem,
    Unit,
)
from backend.models.results import RESULT_ROW_FIELDS
from backend.reference.units import evaluation_year, lineage_frame, ministries_for_year, provinces_for_year
from backend.scoring.answers import SurveyAnswers
from backend.scoring.par import ParResult, component_index, par_replicates, score_par
from backend.scoring.ranking import assign_grades
from backend.scoring.ranking import ranks as rank_values
from backend.scoring.sipas import SipasReplicates, SipasResult, score_sipas, sipas_replicates
from backend.scoring.summary import standard_summary
from backend.scoring.uncertainty import overlap_flags, percentile_interval, rank_interval

INDEXES = {"par": "PAR_INDEX", "sipas": "SIPAS", "PAR_INDEX": "PAR_INDEX", "SIPAS": "SIPAS"}
SCOPES = ("province", "ministry")
DEFAULT_SEED = 20251
LEVEL = 0.95
#: answers are packed 5 digits each: (1000 + item offset) × 10 + value; value 0 = none, 9 = out of range
_PACK_WIDTH = 5
_PACK_MAX_ITEMS = 9000  # item offsets 0..8999 keep every token at 5 digits


def _t(model: Any) -> Any:
    return model.__table__


# ==================================================================================================
# reading inputs (SQLAlchemy Core → columns)
# ==================================================================================================


@dataclass(frozen=True)
class SurveyRead:
    """A survey of one dataset and year as columns, with the form codes (for the inputs hash)."""

    answers: SurveyAnswers
    form_codes: np.ndarray
    survey_id: int | None

    @property
    def n_forms(self) -> int:
        return len(self.form_codes)


def _empty_survey(items: Sequence[str] = ()) -> SurveyRead:
    forms = pd.DataFrame({c: pd.Series(dtype=object) for c in ("form", "unit", "group", "commune", "village")})
    return SurveyRead(SurveyAnswers(forms, tuple(items), np.zeros((0, len(items)), dtype=np.int8)), np.array([]), None)


def read_survey(conn: Connection, dataset_id: int, index_code: str, year: int) -> SurveyRead:
    """Valid forms of the ``index_code`` survey (``SIPAS`` | ``PAR_SURVEY``) of a dataset and year, with
    their answers as a form × item matrix. One SELECT over ``survey_form`` with each form's answers packed
    by the database (``group_concat`` / ``string_agg``), decoded with NumPy."""
    survey, item, form, answer = _t(Survey), _t(SurveyItem), _t(SurveyForm), _t(Answer)
    survey_id = conn.execute(
        select(survey.c.id).where(
            survey.c.dataset_id == dataset_id, survey.c.index_code == index_code, survey.c.year == year
        )
    ).scalar()
    if survey_id is None:
        return _empty_survey()
    item_rows = conn.execute(
        select(item.c.id, item.c.code, item.c.scale_min, item.c.scale_max)
        .where(item.c.survey_id == survey_id)
        .order_by(item.c.id)
    ).all()
    if not item_rows:
        return _empty_survey()
    item_ids = np.array([r[0] for r in item_rows], dtype=np.int64)
    codes = [str(r[1]) for r in item_rows]
    scale_max = np.array([r[3] for r in item_rows], dtype=np.int64)
    base = int(item_ids.min())
    packable = int(item_ids.max()) - base < _PACK_MAX_ITEMS and int(scale_max.max()) <= 8
    dialect = conn.dialect.name
    value = answer.c.value
    answers_col: Any
    if packable and dialect in ("sqlite", "postgresql"):
        token = (1000 + answer.c.item_id - base) * 10 + case(
            (value.between(1, 8), value), (value.is_(None), 0), else_=9
        )
        if dialect == "sqlite":
            packed = func.group_concat(token, literal(""))
        else:
            packed = func.string_agg(cast(token, String), literal(""))
        answers_col = select(packed).where(answer.c.form_id == form.c.id).scalar_subquery()
    else:
        answers_col = literal(None)
    stmt = select(
        form.c.id,
        form.c.form_code,
        form.c.unit_id,
        form.c.respondent_group,
        form.c.district_code,
        form.c.commune_code,
        form.c.village_code,
        answers_col,
    ).where(form.c.survey_id == survey_id, form.c.status == "valid")
    result = conn.execute(stmt)  # no ORDER BY: a sort would make SQLite build every row first
    # the DBAPI rows as they are (ints and strings need no processing): skips building a Row per form
    rows = result.cursor.fetchall() if result.cursor is not None else result.all()
    n = len(rows)
    form_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    forms = pd.DataFrame(
        {
            "form": form_ids,
            "unit": np.fromiter((r[2] for r in rows), dtype=np.int64, count=n),
            "group": [r[3] for r in rows],
            "commune": [None if r[5] is None else f"{r[4] or ''}/{r[5]}" for r in rows],
            "village": [r[6] for r in rows],
        }
    )
    matrix = np.zeros((n, len(codes)), dtype=np.int8)
    if n:
        if packable and dialect in ("sqlite", "postgresql"):
            texts = [r[7] or "" for r in rows]
            lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n) // _PACK_WIDTH
            digits = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(-1, _PACK_WIDTH) - 48
            d = digits.astype(np.int32)
            offset = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3] - 1000
            values = digits[:, 4].astype(np.int8)
            rows_pos = np.repeat(np.arange(n), lengths)
        else:  # any other dialect (or unusual scales): plain rows, still straight into arrays
            raw = conn.execute(
                select(answer.c.form_id, answer.c.item_id, answer.c.value)
                .join(form, form.c.id == answer.c.form_id)
                .where(form.c.survey_id == survey_id, form.c.status == "valid")
            ).all()
            arr = np.array([(a, b, -1 if c is None else c) for a, b, c in raw], dtype=np.int64).reshape(-1, 3)
            rows_pos = pd.Index(form_ids).get_indexer(pd.Index(arr[:, 0]))
            offset = arr[:, 1] - base
            values = np.where(arr[:, 2] < 0, 0, np.where((arr[:, 2] >= 1) & (arr[:, 2] <= 8), arr[:, 2], 9))
            values = values.astype(np.int8)
        lookup = np.full(int(item_ids.max()) - base + 1, -1, dtype=np.int64)
        lookup[item_ids - base] = np.arange(len(item_ids))
        inside = (offset >= 0) & (offset < len(lookup))
        col = np.where(inside, lookup[np.clip(offset, 0, len(lookup) - 1)], -1)
        if (col < 0).any():  # pragma: no cover - answers always point at the survey's own items
            raise DomainError("Câu trả lời trỏ tới câu hỏi lạ.", "Answers refer to unknown items.")
        outside = (values == 9) | (values.astype(np.int64) > scale_max[col])
        if outside.any():
            bad = int(outside.sum())
            raise ValidationError(
                f"Có {bad} câu trả lời ngoài thang điểm của câu hỏi ({index_code} {year}).",
                f"{bad} answers are outside their item's scale ({index_code} {year}).",
                hint_vi="Kiểm tra lại dữ liệu đã nhập (ingest) cho năm này.",
                hint_en="Check the data imported for this year.",
            )
        matrix[rows_pos, col] = values
    order = np.argsort(np.array(codes), kind="stable")
    codes_sorted = tuple(codes[i] for i in order)
    answers = SurveyAnswers(forms, codes_sorted, matrix[:, order])
    return SurveyRead(answers, np.array([r[1] for r in rows], dtype=object), int(survey_id))


def read_assessments(conn: Connection, dataset_id: int, year: int, framework_code: str) -> pd.DataFrame:
    """Self-assessment and appraisal scores (``unit``, ``criterion`` code, ``self_score``,
    ``appraisal_score``) of a dataset and year on any stored version of the framework ``framework_code``."""
    score, crit, fw = _t(AssessmentScore), _t(Criterion), _t(Framework)
    stmt = (
        select(score.c.unit_id, crit.c.code, score.c.self_score, score.c.appraisal_score, fw.c.id)
        .join(crit, crit.c.id == score.c.criterion_id)
        .join(fw, fw.c.id == crit.c.framework_id)
        .where(score.c.dataset_id == dataset_id, score.c.year == year, fw.c.code == framework_code)
        .order_by(score.c.unit_id, crit.c.code, fw.c.id)
    )
    rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["unit", "criterion", "self_score", "appraisal_score", "framework_id"])
    # a criterion scored under two versions of the framework: the newest version wins
    frame = frame.drop_duplicates(["unit", "criterion"], keep="last").drop(columns="framework_id")
    for col in ("self_score", "appraisal_score"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame.reset_index(drop=True)


def year_units(session: Session, scope: str, year: int) -> pd.DataFrame:
    """Units assessed in ``year`` for ``scope`` (index = unit id): ``kind``, ``code``, names, ``region``,
    ``par_ranked``."""
    units: Sequence[Unit] = (
        provinces_for_year(session, year) if scope == "province" else ministries_for_year(session, year)
    )
    frame = pd.DataFrame(
        [
            {
                "unit": u.id,
                "kind": u.kind,
                "code": u.code,
                "name_vi": u.name_vi,
                "name_en": u.name_en,
                "region": u.region_code,
                "par_ranked": bool(u.par_ranked),
            }
            for u in units
        ],
        columns=["unit", "kind", "code", "name_vi", "name_en", "region", "par_ranked"],
    )
    return frame.set_index("unit")


def find_dataset(session: Session, name: str | None, year: int) -> Dataset:
    """The dataset called ``name``; without a name, the only dataset with data for ``year``."""
    if name:
        found = session.exec(orm_select(Dataset).where(Dataset.name == name)).first()
        if found is None:
            raise NotFoundError(f"Không có bộ dữ liệu '{name}'.", f"No dataset named '{name}'.")
        return found
    conn = session.connection()
    ids = {
        r[0] for r in conn.execute(select(_t(Survey).c.dataset_id).where(_t(Survey).c.year == year).distinct()).all()
    } | {
        r[0]
        for r in conn.execute(
            select(_t(AssessmentScore).c.dataset_id).where(_t(AssessmentScore).c.year == year).distinct()
        ).all()
    }
    datasets = [d for d in session.exec(orm_select(Dataset)).all() if d.id in ids]
    if len(datasets) != 1:
        names = ", ".join(sorted(d.name for d in datasets)) or "—"
        raise ValidationError(
            f"Cần chọn bộ dữ liệu cho năm {year} (--dataset). Có: {names}.",
            f"Choose the dataset for {year} (--dataset). Available: {names}.",
        )
    return datasets[0]


# ==================================================================================================
# hashing
# ==================================================================================================


def _feed_frame(h: Any, name: str, frame: pd.DataFrame) -> None:
    """Feed a frame to a hash: numbers as little-endian float64 (with a NaN mask), other columns as
    pandas' stable 64-bit value hashes (fixed key, so identical across processes and machines)."""
    h.update(f"\x1e{name}\x1e{len(frame)}".encode())
    for col in frame.columns:
        h.update(f"\x1d{col}".encode())
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            arr = series.to_numpy(dtype=float, na_value=np.nan)
            h.update(np.isnan(arr).tobytes())
            h.update(np.nan_to_num(arr, nan=0.0).astype("<f8").tobytes())
        else:
            text = series.astype("str")  # missing values stay missing (not the text "None")
            h.update(pd.util.hash_pandas_object(text, index=False).to_numpy().astype("<u8").tobytes())


def _survey_digest(read: SurveyRead, units: pd.DataFrame) -> str:
    """Canonical digest of a survey's forms about ``units``: forms sorted by form code (with unit codes,
    not ids) and the answer matrix in the same row order and item-code column order."""
    h = hashlib.sha256()
    keep = read.answers.forms["unit"].isin(units.index).to_numpy()
    data = SurveyAnswers(read.answers.forms.loc[keep], read.answers.items, read.answers.values[keep])
    read = SurveyRead(data, read.form_codes[keep], read.survey_id)
    order = np.argsort(read.form_codes.astype(str), kind="stable") if read.n_forms else np.array([], dtype=int)
    unit_code = units["kind"].astype(str) + ":" + units["code"].astype(str)
    forms = pd.DataFrame(
        {
            "form_code": read.form_codes[order],
            "unit": data.forms["unit"].map(unit_code).fillna("?").to_numpy()[order],
            "group": data.forms["group"].to_numpy()[order],
            "commune": data.forms["commune"].to_numpy()[order],
            "village": data.forms["village"].to_numpy()[order],
        }
    )
    h.update("\x1f".join(data.items).encode())
    _feed_frame(h, "forms", forms)
    h.update(np.ascontiguousarray(data.values[order]).tobytes())
    return h.hexdigest()


def inputs_hash(parts: dict[str, Any]) -> str:
    """sha256 of a JSON-canonical dict of digests and parameters."""
    return hashlib.sha256(
        json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()


# ==================================================================================================
# result rows
# ==================================================================================================


def _unit_rows(
    units: pd.DataFrame,
    values: pd.DataFrame,
    max_values: pd.Series | None,
    n: pd.Series,
    *,
    ranked: pd.Series,
    rank_metrics: Sequence[str],
    main: str,
    grades: Sequence[Any],
    replicates: np.ndarray | None,
) -> pd.DataFrame:
    """Long unit rows: value, max, interval, rank (+ interval), group, n; overlap flags for ``main``."""
    metrics = list(values.columns)
    n_units, n_metrics = values.shape
    long = pd.DataFrame(
        {
            "scope": "unit",
            "scope_code": np.repeat((units["kind"] + ":" + units["code"]).to_numpy(), n_metrics),
            "unit_id": np.repeat(units.index.to_numpy(), n_metrics),
            "metric": np.tile(metrics, n_units),
            "value": values.to_numpy(dtype=float).ravel(),
        }
    )
    long["max_value"] = (
        np.tile(max_values.reindex(metrics).to_numpy(dtype=float), n_units) if max_values is not None else np.nan
    )
    long["n"] = np.repeat(n.reindex(units.index).fillna(0).to_numpy(dtype=float), n_metrics)
    ranks = np.full((n_units, n_metrics), np.nan)
    rank_low = np.full_like(ranks, np.nan)
    rank_high = np.full_like(ranks, np.nan)
    ci_low = np.full_like(ranks, np.nan)
    ci_high = np.full_like(ranks, np.nan)
    mask = ranked.reindex(units.index).fillna(False).to_numpy(dtype=bool)
    if replicates is not None:
        ci_low, ci_high = percentile_interval(replicates, LEVEL)
    extra: list[pd.DataFrame] = []
    for metric in rank_metrics:
        j = metrics.index(metric)
        ranks[:, j] = rank_values(values[metric].to_numpy(dtype=float), mask)
        if replicates is not None:
            rank_low[:, j], rank_high[:, j] = rank_interval(rank_values(replicates[:, :, j], mask), LEVEL)
            rank_low[~mask, j] = rank_high[~mask, j] = np.nan
        if metric == main and replicates is not None:
            prev, nxt = overlap_flags(values[metric].to_numpy(dtype=float), ci_low[:, j], ci_high[:, j], mask)
            for side, flags in ((m.OVERLAP_PREV, prev), (m.OVERLAP_NEXT, nxt)):
                extra.append(
                    pd.DataFrame(
                        {
                            "scope": "unit",
                            "scope_code": (units["kind"] + ":" + units["code"]).to_numpy(),
                            "unit_id": units.index.to_numpy(),
                            "metric": m.overlap_flag(main, side),
                            "value": flags,
                            "n": n.reindex(units.index).fillna(0).to_numpy(dtype=float),
                        }
                    )
                )
    long["ci_low"] = ci_low.ravel()
    long["ci_high"] = ci_high.ravel()
    long["rank"] = ranks.ravel()
    long["rank_low"] = rank_low.ravel()
    long["rank_high"] = rank_high.ravel()
    if grades:
        grp = assign_grades(values[main], grades).where(pd.Series(mask, index=values.index), None)
        main_rows = long["metric"] == main
        long.loc[main_rows, "grp"] = grp.to_numpy()
    return pd.concat([long, *extra], ignore_index=True)


def _aggregate_rows(
    scope: str,
    code: str,
    values: pd.Series,
    n: int,
    max_values: pd.Series | None,
    replicates: np.ndarray | None,
) -> pd.DataFrame:
    frame = pd.DataFrame({"scope": scope, "scope_code": code, "metric": values.index, "value": values.to_numpy(float)})
    frame["n"] = float(n)
    frame["max_value"] = max_values.reindex(values.index).to_numpy(dtype=float) if max_values is not None else np.nan
    if replicates is not None:
        low, high = percentile_interval(replicates, LEVEL)
        frame["ci_low"], frame["ci_high"] = low, high
    return frame


def _mean_over(values: np.ndarray, include: np.ndarray, axis: int) -> np.ndarray:
    sel = np.compress(include, values, axis=axis)
    present = ~np.isnan(sel)
    total = np.where(present, sel, 0.0).sum(axis=axis)
    count = present.sum(axis=axis)
    return np.divide(total, count, out=np.full_like(total, np.nan), where=count > 0)


def _average_rows(
    units: pd.DataFrame,
    values: pd.DataFrame,
    ranked: pd.Series,
    max_values: pd.Series | None,
    replicates: np.ndarray | None,
    *,
    national_over_ranked: bool,
    regions: bool,
) -> list[pd.DataFrame]:
    """National average (of the ranked units, or of all units) and region averages, with intervals."""
    include = (
        ranked.reindex(units.index).fillna(False).to_numpy(dtype=bool)
        if national_over_ranked
        else np.ones(len(units), bool)
    )
    out = [
        _aggregate_rows(
            "national",
            m.NATIONAL_CODE,
            pd.Series(_mean_over(values.to_numpy(float), include, 0), index=values.columns),
            int(include.sum()),
            max_values,
            _mean_over(replicates, include, 1) if replicates is not None else None,
        )
    ]
    if regions:
        region = units["region"].reindex(values.index)
        for code in sorted(region.dropna().unique()):
            member = (region == code).to_numpy() & include
            if member.any():
                out.append(
                    _aggregate_rows(
                        "region",
                        str(code),
                        pd.Series(_mean_over(values.to_numpy(float), member, 0), index=values.columns),
                        int(member.sum()),
                        max_values,
                        _mean_over(replicates, member, 1) if replicates is not None else None,
                    )
                )
    return out


ROW_COLUMNS = list(RESULT_ROW_FIELDS)


def _finish_rows(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    rows = pd.concat(list(frames), ignore_index=True).reindex(columns=ROW_COLUMNS)
    return rows


# ==================================================================================================
# the two indices
# ==================================================================================================


class NoInputsError(ValidationError):
    """The dataset has no inputs for this index, scope and year (nothing to compute)."""


@dataclass
class Computation:
    """What one index computation produced, before it is written."""

    index_code: str
    scope: str
    year: int
    spec: FrameworkSpec
    rows: pd.DataFrame
    digests: dict[str, str]
    parameters: dict[str, Any]


@dataclass
class _SipasState:
    result: SipasResult
    units: pd.DataFrame
    replicates: SipasReplicates | None
    digest: str
    spec: FrameworkSpec
    n_forms: int


def _sipas_state(session: Session, dataset: Dataset, year: int, bootstrap: int, seed: int) -> _SipasState:
    spec = spec_for(session, "SIPAS", "province", year)
    assert spec.sipas is not None
    units = year_units(session, "province", year)
    read = read_survey(session.connection(), int(dataset.id or 0), "SIPAS", year)
    data = read.answers.subset_units(units.index.tolist())
    if len(data.forms) == 0:
        raise NoInputsError(
            f"Bộ dữ liệu '{dataset.name}' không có phiếu SIPAS hợp lệ nào năm {year}.",
            f"Dataset '{dataset.name}' has no valid SIPAS forms for {year}.",
            hint_vi="Nhập dữ liệu khảo sát trước khi tính.",
            hint_en="Import the survey data before computing.",
        )
    result = score_sipas(data, spec.sipas, year)
    # every unit of the year gets a row, with NaN where it has no forms
    result = SipasResult(
        plan=result.plan,
        counts=result.counts,
        units=result.units.reindex(units.index),
        n_forms=result.n_forms.reindex(units.index).fillna(0).astype(int),
        national=result.national,
    )
    reps = None
    if bootstrap > 0 and len(result.counts.units):
        raw = sipas_replicates(result, bootstrap, seed)
        position = pd.Index(list(result.counts.units)).get_indexer(pd.Index(units.index))
        unit_reps = np.full((bootstrap, len(units), raw.units.shape[2]), np.nan)
        have = position >= 0
        unit_reps[:, have, :] = raw.units[:, position[have], :]
        reps = SipasReplicates(unit_reps, raw.mean_of_units, raw.pooled)
    return _SipasState(result, units, reps, _survey_digest(read, units), spec, data.forms.shape[0])


def _sipas_computation(state: _SipasState, year: int, bootstrap: int, seed: int) -> Computation:
    spec, result, units = state.spec, state.result, state.units
    ranked = pd.Series(~units["code"].isin(spec.unranked_units), index=units.index)
    plan = result.plan
    values = result.units
    reps = state.replicates
    frames = [
        _unit_rows(
            units,
            values,
            None,
            result.n_forms,
            ranked=ranked,
            rank_metrics=list(plan.node_metrics),
            main=plan.main,
            grades=spec.grades,
            replicates=reps.units if reps is not None else None,
        )
    ]
    national = result.national
    published = plan.national_method
    frames.append(
        _aggregate_rows(
            "national",
            m.NATIONAL_CODE,
            national[published],
            int(values[plan.main].notna().sum()),
            None,
            reps.national(published) if reps is not None else None,
        )
    )
    for method in m.NATIONAL_METHODS:
        alt = national[method].copy()
        alt.index = [m.national_method(metric, method) for metric in alt.index]
        frames.append(
            _aggregate_rows(
                "national",
                m.NATIONAL_CODE,
                alt,
                int(values[plan.main].notna().sum()),
                None,
                reps.national(method) if reps is not None else None,
            )
        )
    if spec.settings.get("region_average") != "none":
        frames += _average_rows(
            units,
            values,
            ranked,
            None,
            reps.units if reps is not None else None,
            national_over_ranked=True,
            regions=True,
        )[1:]
    parameters = {
        **spec.parameters(),
        "index": "SIPAS",
        "unit_scope": "province",
        "year": year,
        "bootstrap": bootstrap,
        "seed": seed if bootstrap else None,
        "interval_level": LEVEL if bootstrap else None,
        "bootstrap_design": "communes with replacement within provinces, then villages within communes"
        if bootstrap
        else None,
        "national_method": published,
        "positive_categories": list(plan.positive),
        "forms": state.n_forms,
    }
    return Computation("SIPAS", "province", year, spec, _finish_rows(frames), {"sipas": state.digest}, parameters)


def _par_computation(
    session: Session,
    dataset: Dataset,
    scope: str,
    year: int,
    bootstrap: int,
    seed: int,
    sipas: _SipasState | None,
    par_read: SurveyRead | None = None,
) -> Computation:
    spec = spec_for(session, "PAR_INDEX", scope, year)
    units = year_units(session, scope, year)
    conn = session.connection()
    read = par_read if par_read is not None else read_survey(conn, int(dataset.id or 0), "PAR_SURVEY", year)
    scores = read_assessments(conn, int(dataset.id or 0), year, spec.code)
    scores = scores[scores["unit"].isin(units.index)]
    if scores.empty and not read.answers.forms["unit"].isin(units.index).any():
        raise NoInputsError(
            f"Bộ dữ liệu '{dataset.name}' không có điểm tự đánh giá hay phiếu khảo sát nào cho PAR INDEX "
            f"({scope}) năm {year}.",
            f"Dataset '{dataset.name}' has no self-assessment scores and no survey forms for the PAR INDEX "
            f"({scope}) in {year}.",
            hint_vi="Nhập dữ liệu trước khi tính.",
            hint_en="Import the data before computing.",
        )
    needs_sipas = any(leaf.mode == "survey_citizens_sipas" for leaf in spec.leaves(year))
    sipas_values = None
    if needs_sipas:
        if sipas is None:
            sipas = _sipas_state(session, dataset, year, bootstrap, seed)
        sipas_values = sipas.result.units
    result: ParResult = score_par(
        spec, year, units.index.tolist(), scores=scores, survey=read.answers, sipas=sipas_values
    )
    ranked = units["par_ranked"] & ~units["code"].isin(spec.unranked_units)
    reps = None
    if bootstrap > 0:
        sipas_reps = None
        if needs_sipas and sipas is not None and sipas.replicates is not None:
            metric = next(
                spec.survey_mapping[leaf.code].metric
                for leaf in spec.leaves(year)
                if leaf.mode == "survey_citizens_sipas" and leaf.code in spec.survey_mapping
            )
            sipas_reps = sipas.replicates.units[:, :, sipas.result.plan.position(str(metric))]
        reps = par_replicates(result, spec, year, bootstrap, seed, sipas_reps)
    table = result.table
    rank_metrics = [c for c in table.columns if not c.startswith("PAR_INDEX.criterion.")]
    frames = [
        _unit_rows(
            units,
            table,
            result.max_values,
            result.n_forms,
            ranked=ranked,
            rank_metrics=rank_metrics,
            main=m.PAR,
            grades=spec.grades,
            replicates=reps,
        )
    ]
    frames += _average_rows(
        units,
        table,
        ranked,
        result.max_values,
        reps,
        national_over_ranked=spec.settings.get("national_average") == "mean_of_ranked_units",
        regions=spec.settings.get("region_average") != "none",
    )
    unit_code = units["kind"] + ":" + units["code"]
    digests = {"par_survey": _survey_digest(read, units), "assessments": _scores_digest(scores, unit_code)}
    if needs_sipas and sipas is not None:
        digests["sipas"] = sipas.digest
        digests["sipas_framework"] = sipas.spec.content_hash
    parameters = {
        **spec.parameters(),
        "index": "PAR_INDEX",
        "unit_scope": scope,
        "year": year,
        "bootstrap": bootstrap,
        "seed": seed if bootstrap else None,
        "interval_level": LEVEL if bootstrap else None,
        "bootstrap_design": "survey forms with replacement within units; SIPAS leaf from the SIPAS bootstrap"
        if bootstrap
        else None,
        "unranked_units": sorted(units.loc[~ranked, "code"].tolist()),
        "assessment_scores": len(scores),
        "survey_forms": int(result.n_forms.sum()),
    }
    if needs_sipas and sipas is not None:
        parameters["sipas_framework"] = sipas.spec.parameters()
    return Computation("PAR_INDEX", scope, year, spec, _finish_rows(frames), digests, parameters)


def _scores_digest(scores: pd.DataFrame, unit_code: pd.Series) -> str:
    h = hashlib.sha256()
    frame = scores.assign(unit=scores["unit"].map(unit_code)).sort_values(["unit", "criterion"], kind="stable")
    _feed_frame(h, "scores", frame[["unit", "criterion", "self_score", "appraisal_score"]])
    return h.hexdigest()


# ==================================================================================================
# writing
# ==================================================================================================


def _actor_name(actor: str | Actor) -> str:
    if isinstance(actor, Actor):
        require(actor, "compute")
        return actor.username
    name = str(actor).strip()
    if not name:
        raise ValidationError("Cần tên người tính toán (--actor).", "The name of who computes is required (--actor).")
    return name[:64]


def _inputs_hash(comp: Computation, dataset: Dataset) -> str:
    params = {k: v for k, v in comp.parameters.items() if k not in ("forms", "survey_forms", "assessment_scores")}
    return inputs_hash(
        {
            "dataset": dataset.name,
            "framework": comp.spec.content_hash,
            "digests": comp.digests,
            "parameters": params,
        }
    )


def write_result_set(session: Session, comp: Computation, dataset: Dataset, actor: str) -> ResultSet:
    """Insert a new result set (next version) and its rows; never touches an existing result set."""
    rs_table = _t(ResultSet)
    current = (
        session.connection()
        .execute(
            select(func.max(rs_table.c.version)).where(
                rs_table.c.dataset_id == dataset.id,
                rs_table.c.index_code == comp.index_code,
                rs_table.c.year == comp.year,
                rs_table.c.unit_scope == comp.scope,
            )
        )
        .scalar()
    )
    if comp.spec.framework_id is None:  # pragma: no cover - specs from the store always carry their id
        raise DomainError("Khung phương pháp chưa được lưu.", "The framework is not stored; run load-frameworks.")
    result_set = ResultSet(
        dataset_id=int(dataset.id or 0),
        index_code=comp.index_code,
        year=comp.year,
        unit_scope=comp.scope,
        version=int(current or 0) + 1,
        status="draft",
        framework_id=comp.spec.framework_id,
        framework_version=comp.spec.stored_version,
        inputs_hash=_inputs_hash(comp, dataset),
        computed_at=dt.datetime.now(dt.UTC),
        computed_by=actor,
        parameters=json.dumps(comp.parameters, sort_keys=True, ensure_ascii=False, default=str),
    )
    session.add(result_set)
    session.flush()
    rows = comp.rows.copy()
    rows["result_set_id"] = result_set.id
    records = _records(rows)
    if records:
        conn = session.connection()
        names = list(records[0])
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO result_row ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
        # plain tuples through the DBAPI executemany: ~2.5× faster than Core with dictionaries (decision 5)
        conn.exec_driver_sql(sql, [tuple(r.values()) for r in records])  # type: ignore[arg-type]
    record(
        session,
        actor=actor,
        action="compute",
        entity="result_set",
        entity_id=str(result_set.id),
        detail={
            "index": comp.index_code,
            "scope": comp.scope,
            "year": comp.year,
            "version": result_set.version,
            "inputs_hash": result_set.inputs_hash,
            "rows": len(records),
        },
    )
    session.flush()
    return result_set


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with None for missing values (ints where the column is an integer)."""
    columns: dict[str, list[Any]] = {}
    for col in rows.columns:
        series = rows[col]
        if col in ("rank", "rank_low", "rank_high", "n", "unit_id", "result_set_id"):
            arr = series.to_numpy(dtype=float, na_value=np.nan)
            columns[col] = [None if v != v else int(v) for v in arr.tolist()]
        elif col in ("value", "max_value", "ci_low", "ci_high"):
            arr = series.to_numpy(dtype=float, na_value=np.nan)
            columns[col] = [None if v != v else v for v in arr.tolist()]
        else:
            columns[col] = [
                None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in series.tolist()
            ]
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


# ==================================================================================================
# public API
# ==================================================================================================


def _index_code(index: str) -> str:
    code = INDEXES.get(index)
    if code is None:
        raise ValidationError(
            f"Chỉ số '{index}' không hợp lệ (par | sipas).", f"Unknown index '{index}' (par | sipas)."
        )
    return code


def compute_index(
    session: Session,
    *,
    index: str,
    year: int,
    scope: str = "province",
    dataset: str | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    actor: str | Actor = "cli",
) -> ResultSet:
    """Compute one index (``par`` | ``sipas``) for ``year`` and ``scope`` into a new draft result set.

    ``actor``: a user :class:`~backend.auth.permissions.Actor` (must hold the ``compute`` permission) or
    a plain name for the command line / seeding. ``bootstrap``: number of replicates (0 = no intervals).
    """
    code = _index_code(index)
    if scope not in SCOPES or (code == "SIPAS" and scope != "province"):
        raise ValidationError(
            f"Phạm vi '{scope}' không hợp lệ cho {code}.", f"Scope '{scope}' is not valid for {code}."
        )
    if bootstrap < 0:
        raise ValidationError("Số lần lặp bootstrap phải ≥ 0.", "The number of bootstrap replicates must be ≥ 0.")
    name = _actor_name(actor)
    evaluation_year(session, year)
    ds = find_dataset(session, dataset, year)
    if code == "SIPAS":
        comp = _sipas_computation(_sipas_state(session, ds, year, bootstrap, seed), year, bootstrap, seed)
    else:
        comp = _par_computation(session, ds, scope, year, bootstrap, seed, None)
    return write_result_set(session, comp, ds, name)


def _all_computations(session: Session, year: int, ds: Dataset, bootstrap: int, seed: int) -> list[Computation]:
    """SIPAS, PAR provinces and PAR ministries of one year; inputs read once and shared."""
    comps: list[Computation] = []
    sipas = None
    try:
        sipas = _sipas_state(session, ds, year, bootstrap, seed)
        comps.append(_sipas_computation(sipas, year, bootstrap, seed))
    except (NotFoundError, NoInputsError):  # no SIPAS framework or no SIPAS data this year
        sipas = None
    par_read = read_survey(session.connection(), int(ds.id or 0), "PAR_SURVEY", year)
    for scope in SCOPES:
        try:
            comps.append(_par_computation(session, ds, scope, year, bootstrap, seed, sipas, par_read))
        except (NotFoundError, NoInputsError):  # no framework or no data for this scope
            continue
    if not comps:
        raise NoInputsError(
            f"Không có gì để tính cho năm {year} trong bộ dữ liệu '{ds.name}'.",
            f"Nothing to compute for {year} in dataset '{ds.name}'.",
        )
    return comps


def compute_all(
    session: Session,
    year: int,
    dataset: str | None = None,
    *,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    actor: str | Actor = "cli",
) -> list[ResultSet]:
    """Every index of ``year`` that has a framework and data (SIPAS; PAR INDEX provinces; PAR INDEX
    ministries), each into a new draft result set, in that order. Answers are read once; PAR provinces
    reuse the SIPAS figures. An index without framework or data is skipped (NoInputsError if all are)."""
    name = _actor_name(actor)
    evaluation_year(session, year)
    ds = find_dataset(session, dataset, year)
    return [write_result_set(session, comp, ds, name) for comp in _all_computations(session, year, ds, bootstrap, seed)]


def ensure_computed(
    session: Session,
    *,
    year: int,
    dataset: str | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    actor: str | Actor = "cli",
) -> list[ResultSet]:
    """Like :func:`compute_all`, but an index whose latest result set has the same inputs hash is not
    computed again: that result set is returned instead (used by `make run` seeding)."""
    name = _actor_name(actor)
    evaluation_year(session, year)
    ds = find_dataset(session, dataset, year)
    out: list[ResultSet] = []
    for comp in _all_computations(session, year, ds, bootstrap, seed):
        digest = _inputs_hash(comp, ds)
        existing = session.exec(
            orm_select(ResultSet)
            .where(
                ResultSet.dataset_id == ds.id,
                ResultSet.index_code == comp.index_code,
                ResultSet.year == year,
                ResultSet.unit_scope == comp.scope,
                ResultSet.inputs_hash == digest,
            )
            .order_by(ResultSet.version.desc())  # type: ignore[attr-defined]
        ).first()
        out.append(existing if existing is not None else write_result_set(session, comp, ds, name))
    return out


# ==================================================================================================
# reading results back for the summary
# ==================================================================================================


def result_rows(session: Session, result_set_id: int) -> pd.DataFrame:
    """All rows of a result set as a DataFrame (Core read)."""
    row = _t(ResultRow)
    stmt = select(*[row.c[c] for c in ROW_COLUMNS]).where(row.c.result_set_id == result_set_id)
    frame = pd.DataFrame(session.connection().execute(stmt).all(), columns=ROW_COLUMNS)
    for col in ("unit_id", "rank", "rank_low", "rank_high", "n"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")  # NULL stays <NA>, ids stay integers
    for col in ("value", "max_value", "ci_low", "ci_high"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return frame


def result_frame(session: Session, result_set_id: int) -> pd.DataFrame:
    """The unit rows of a result set in the input shape of :func:`backend.scoring.summary.standard_summary`:
    index unit id; ``value`` (main figure), ``ranked``, ``rank``, ``grp``, ``region``, ``name_vi``,
    ``name_en``, ``code`` and ``component:<c>`` columns (PAR: area component indexes in %; SIPAS: the
    policy and services areas and the five service elements, %)."""
    rs = session.get(ResultSet, result_set_id)
    if rs is None:
        raise NotFoundError(f"Không tìm thấy bộ kết quả {result_set_id}.", f"Result set {result_set_id} not found.")
    rows = result_rows(session, result_set_id)
    rows = rows[rows["scope"] == "unit"]
    main = m.PAR if rs.index_code == "PAR_INDEX" else m.SIPAS
    base = rows[rows["metric"] == main].set_index("unit_id")
    unit_table = _t(Unit)
    info = pd.DataFrame(
        session.connection()
        .execute(
            select(
                unit_table.c.id, unit_table.c.code, unit_table.c.name_vi, unit_table.c.name_en, unit_table.c.region_code
            ).where(unit_table.c.id.in_([int(u) for u in base.index]))
        )
        .all(),
        columns=["unit", "code", "name_vi", "name_en", "region"],
    ).set_index("unit")
    frame = pd.DataFrame(
        {
            "value": base["value"].astype(float),
            "ranked": base["rank"].notna(),
            "rank": base["rank"].astype("Int64"),
            "grp": base["grp"],
        }
    ).join(info)
    if rs.index_code == "PAR_INDEX":
        areas = rows[rows["metric"].str.startswith("PAR_INDEX.area.")]
        pct = areas.assign(pct=areas["value"].astype(float) / areas["max_value"].astype(float) * 100.0)
        wide = pct.pivot_table(index="unit_id", columns="metric", values="pct")
        wide.columns = ["component:" + c.removeprefix("PAR_INDEX.area.") for c in wide.columns]
    else:
        keep = [m.SIPAS_POLICY, m.SIPAS_SERVICES] + [m.sipas_service_element(f"E{i}") for i in range(1, 10)]
        comps = rows[rows["metric"].isin(keep)]
        wide = comps.pivot_table(index="unit_id", columns="metric", values="value")
        wide.columns = ["component:" + c.removeprefix("SIPAS.") for c in wide.columns]
    return frame.join(wide)


def summary_for(
    session: Session,
    result_set_id: int,
    previous_result_set_id: int | None = None,
    *,
    change_rule: str = "not_comparable",
    top_n: int = 5,
) -> dict[str, Any]:
    """The standard summary of a stored result set against a previous year's one (matched through lineage)."""
    current = result_frame(session, result_set_id)
    previous = result_frame(session, previous_result_set_id) if previous_result_set_id is not None else None
    return standard_summary(current, previous, lineage=lineage_frame(session), change_rule=change_rule, top_n=top_n)


__all__ = [
    "Computation",
    "NoInputsError",
    "component_index",
    "compute_all",
    "compute_index",
    "ensure_computed",
    "find_dataset",
    "inputs_hash",
    "read_assessments",
    "read_survey",
    "result_frame",
    "result_rows",
    "summary_for",
    "write_result_set",
    "year_units",
]
