"""Reading the store as columns: the inputs of a computation (ARCHITECTURE.md decision 5) and their digests.

* :func:`read_survey`: valid forms of a survey with their answers as a form × item matrix. One SELECT over
  ``survey_form`` with each form's answers packed by the database (``group_concat`` / ``string_agg``), so
  2 million answers cross the driver as ~40,000 rows, decoded with NumPy;
* :func:`read_assessments`: self-assessment and appraisal scores; :func:`year_units`: the units of a year;
  :func:`find_dataset`: the dataset to compute;
* digests: :func:`survey_digest` and :func:`scores_digest` serialise the inputs canonically (forms by form
  code, units by code, not by id), :func:`inputs_hash` = sha256 over the digests, the framework's content
  hash and the parameters, so computing twice on the same inputs gives the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, String, case, cast, func, literal, select
from sqlmodel import Session
from sqlmodel import select as orm_select

from backend.errors import DomainError, NotFoundError, ValidationError
from backend.models import Answer, AssessmentScore, Criterion, Dataset, Framework, Survey, SurveyForm, SurveyItem, Unit
from backend.reference.units import ministries_for_year, provinces_for_year
from backend.scoring.answers import SurveyAnswers

#: answers are packed 5 digits each: (1000 + item offset) × 10 + value; value 0 = none, 9 = out of range
_PACK_WIDTH = 5
_PACK_MAX_ITEMS = 9000  # item offsets 0..8999 keep every token at 5 digits


def _t(model: Any) -> Any:
    return model.__table__


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


def _packed_column(conn: Connection, base: int) -> Any:
    """The scalar subquery packing a form's answers into one string (5 digits per answer), on SQLite
    (``group_concat``) and PostgreSQL (``string_agg``)."""
    form, answer = _t(SurveyForm), _t(Answer)
    value = answer.c.value
    token = (1000 + answer.c.item_id - base) * 10 + case((value.between(1, 8), value), (value.is_(None), 0), else_=9)
    if conn.dialect.name == "sqlite":
        packed = func.group_concat(token, literal(""))
    else:
        packed = func.string_agg(cast(token, String), literal(""))
    return select(packed).where(answer.c.form_id == form.c.id).scalar_subquery()


def _forms_frame(rows: Sequence[Any]) -> pd.DataFrame:
    """Form id, unit id, respondent group, commune key (district/commune) and village of each form row."""
    n = len(rows)
    return pd.DataFrame(
        {
            "form": np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
            "unit": np.fromiter((r[2] for r in rows), dtype=np.int64, count=n),
            "group": [r[3] for r in rows],
            "commune": [None if r[5] is None else f"{r[4] or ''}/{r[5]}" for r in rows],
            "village": [r[6] for r in rows],
        }
    )


def _decode_packed(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(form position, item offset, value) of every answer in the packed strings, decoded with NumPy."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)) // _PACK_WIDTH
    digits = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(-1, _PACK_WIDTH) - 48
    d = digits.astype(np.int32)
    offset = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3] - 1000
    return np.repeat(np.arange(len(texts)), lengths), offset, digits[:, 4].astype(np.int8)


def _status_filter(statuses: Sequence[str] | None) -> Any:
    form = _t(SurveyForm)
    return form.c.status.in_(list(statuses)) if statuses is not None else literal(True)


def _plain_answers(
    conn: Connection, survey_id: int, form_ids: np.ndarray, base: int, statuses: Sequence[str] | None = ("valid",)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same triple as :func:`_decode_packed` from plain answer rows (other dialects, unusual scales)."""
    form, answer = _t(SurveyForm), _t(Answer)
    raw = conn.execute(
        select(answer.c.form_id, answer.c.item_id, answer.c.value)
        .join(form, form.c.id == answer.c.form_id)
        .where(form.c.survey_id == survey_id, _status_filter(statuses))
    ).all()
    arr = np.array([(a, b, -1 if c is None else c) for a, b, c in raw], dtype=np.int64).reshape(-1, 3)
    values = np.where(arr[:, 2] < 0, 0, np.where((arr[:, 2] >= 1) & (arr[:, 2] <= 8), arr[:, 2], 9))
    return pd.Index(form_ids).get_indexer(pd.Index(arr[:, 0])), arr[:, 1] - base, values.astype(np.int8)


def _answer_columns(
    offset: np.ndarray, values: np.ndarray, item_ids: np.ndarray, scale_max: np.ndarray, label: str
) -> np.ndarray:
    """Column (position in ``item_ids``) of each answer from its item id's ``offset`` above the smallest
    item id; ValidationError (naming ``label``) when a value is outside its item's scale."""
    base = int(item_ids.min())
    lookup = np.full(int(item_ids.max()) - base + 1, -1, dtype=np.int64)
    lookup[item_ids - base] = np.arange(len(item_ids))
    inside = (offset >= 0) & (offset < len(lookup))
    col = np.where(inside, lookup[np.clip(offset, 0, len(lookup) - 1)], -1)
    if (col < 0).any():  # pragma: no cover - answers always point at the survey's own items
        raise DomainError.of("compute.unknown_items")
    outside = (values == 9) | (values.astype(np.int64) > scale_max[col])
    if outside.any():
        bad = int(outside.sum())
        raise ValidationError.of("compute.answers_outside_scale", n=bad, survey=label)
    return col


def read_survey(
    conn: Connection, dataset_id: int, index_code: str, year: int, *, statuses: Sequence[str] | None = ("valid",)
) -> SurveyRead:
    """Valid forms of the ``index_code`` survey (``SIPAS`` | ``PAR_SURVEY``) of a dataset and year, with
    their answers as a form × item matrix (items in code order). One SELECT over ``survey_form`` with each
    form's answers packed by the database (``group_concat`` / ``string_agg``), decoded with NumPy.

    Only valid forms count for scoring; the quality checks read every form that arrived (``statuses=None``)."""
    survey, item, form = _t(Survey), _t(SurveyItem), _t(SurveyForm)
    survey_id = conn.execute(
        select(survey.c.id).where(
            survey.c.dataset_id == dataset_id, survey.c.index_code == index_code, survey.c.year == year
        )
    ).scalar()
    if survey_id is None:
        return _empty_survey()
    item_rows = conn.execute(
        select(item.c.id, item.c.code, item.c.scale_max).where(item.c.survey_id == survey_id).order_by(item.c.id)
    ).all()
    if not item_rows:
        return _empty_survey()
    item_ids = np.array([r[0] for r in item_rows], dtype=np.int64)
    codes = [str(r[1]) for r in item_rows]
    scale_max = np.array([r[2] for r in item_rows], dtype=np.int64)
    base = int(item_ids.min())
    packed = (
        int(item_ids.max()) - base < _PACK_MAX_ITEMS
        and int(scale_max.max()) <= 8
        and conn.dialect.name in ("sqlite", "postgresql")
    )
    stmt = select(
        form.c.id,
        form.c.form_code,
        form.c.unit_id,
        form.c.respondent_group,
        form.c.district_code,
        form.c.commune_code,
        form.c.village_code,
        _packed_column(conn, base) if packed else literal(None),
    ).where(form.c.survey_id == survey_id, _status_filter(statuses))
    result = conn.execute(stmt)  # no ORDER BY: a sort would make SQLite build every row first
    # the DBAPI rows as they are (ints and strings need no processing): skips building a Row per form
    rows = result.cursor.fetchall() if result.cursor is not None else result.all()
    forms = _forms_frame(rows)
    matrix = np.zeros((len(rows), len(codes)), dtype=np.int8)
    if rows:
        if packed:
            rows_pos, offset, values = _decode_packed([r[7] or "" for r in rows])
        else:
            rows_pos, offset, values = _plain_answers(conn, int(survey_id), forms["form"].to_numpy(), base, statuses)
        col = _answer_columns(offset, values, item_ids, scale_max, f"{index_code} {year}")
        matrix[rows_pos, col] = values
    order = np.argsort(np.array(codes), kind="stable")
    answers = SurveyAnswers(forms, tuple(codes[i] for i in order), matrix[:, order])
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
            raise NotFoundError.of("compute.no_dataset", name=name)
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
        raise ValidationError.of("compute.choose_dataset", year=year, names=names)
    return datasets[0]


# --------------------------------------------------------------------------------------------------
# digests
# --------------------------------------------------------------------------------------------------


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


def survey_digest(read: SurveyRead, units: pd.DataFrame) -> str:
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


def scores_digest(scores: pd.DataFrame, unit_code: pd.Series) -> str:
    """Canonical digest of assessment scores: rows by unit code (``unit_code`` maps ids to codes) and
    criterion code."""
    h = hashlib.sha256()
    frame = scores.assign(unit=scores["unit"].map(unit_code)).sort_values(["unit", "criterion"], kind="stable")
    _feed_frame(h, "scores", frame[["unit", "criterion", "self_score", "appraisal_score"]])
    return h.hexdigest()


def unit_scores_digests(scores: pd.DataFrame, unit_code: pd.Series) -> dict[str, str]:
    """Per unit code, a short digest (16 hex digits) of its assessment scores: which units' self-assessment or
    appraisal inputs differ between two computations (the approval panel's "which inputs caused it")."""
    out: dict[str, str] = {}
    frame = scores.assign(unit=scores["unit"].map(unit_code))
    for code, part in frame.groupby("unit", sort=True):
        h = hashlib.sha256()
        _feed_frame(h, "scores", part.sort_values("criterion")[["criterion", "self_score", "appraisal_score"]])
        out[str(code)] = h.hexdigest()[:16]
    return out
