"""The rules of validation that need more than one cell: skip logic, fieldwork dates, durations, duplicates
within the file and against the store (see backend/ingest/validate.py for the list of rule codes).

A form's content digest (:func:`form_digest`) is computed the same way from a file row and from a stored form,
so a row that is already stored unchanged is recognised as a duplicate (skipped and counted: re-importing
changes nothing), while the same form code with other content is a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from backend.ingest.layout import Layout
from backend.ingest.problems import Checker, StoreView

FORM_FIELDS = ("unit", "respondent_group", "district_code", "commune_code", "village_code", "interviewer")


def form_digest(fields: Mapping[str, Any], answers: Mapping[str, int]) -> str:
    """SHA-256 of a form's identifying fields, date, phone hash, facts and non-empty answers (by item code)."""
    facts = fields.get("facts") or None
    payload = {
        **{k: (None if fields.get(k) in (None, "") else str(fields.get(k))) for k in FORM_FIELDS},
        "collected_on": str(fields.get("collected_on") or ""),
        "phone_hash": fields.get("phone_hash") or None,
        "facts": json.loads(facts) if isinstance(facts, str) else facts,
        "answers": {code: int(v) for code, v in sorted(answers.items()) if v},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def facts_json(rows: pd.DataFrame, layout: Layout) -> list[str | None]:
    """The profile answers of each row as canonical JSON (None when the layout has no facts)."""
    facts = [c.code for c in layout.facts]
    if not facts:
        return [None] * len(rows)
    out: list[str | None] = []
    for record in rows[facts].itertuples(index=False):
        values = {
            code: (int(v) if isinstance(v, float) and v.is_integer() else v)
            for code, v in zip(facts, record, strict=True)
            if v is not None and not (isinstance(v, float) and np.isnan(v))
        }
        out.append(json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None)
    return out


def _first_line(values: pd.Series, lines: np.ndarray) -> np.ndarray:
    first = pd.Series(lines).groupby(values.to_numpy()).transform("first").to_numpy()
    return first


def survey_rules(
    layout: Layout,
    rows: pd.DataFrame,
    answers: np.ndarray,
    cells: Mapping[str, pd.Series],
    check: Checker,
    store: StoreView,
) -> np.ndarray:
    """Skip logic, fieldwork, durations and duplicates of survey forms; returns the mask of rows that are
    already stored unchanged. Rows that correct a rejected stored form are marked in ``rows["_replace"]``."""
    survey = layout.survey
    assert survey is not None
    n = len(rows)
    items = [c.code for c in layout.items]
    if "respondent_group" not in rows:
        rows["respondent_group"] = survey.groups[0].code
    given = answers != 0
    for rule in survey.skips:
        if rule.field not in rows:
            continue
        skipped = rows[rule.field].map(lambda v, u=rule.unless: v is not None and str(v).split() == [u]).to_numpy()
        for j, code in enumerate(items):
            if code.startswith(rule.prefix):
                check.flag(skipped & given[:, j], code, "skip", cells.get(code), field=rule.field)
    if len(survey.groups) > 1:
        group = rows["respondent_group"]
        for j, item in enumerate(survey.items):
            not_asked = (~group.isin(item.groups) & group.notna()).to_numpy()
            check.flag(not_asked & given[:, j], item.code, "skip", cells.get(item.code), field="respondent_group")
    if store.fieldwork is not None:
        start, end = store.fieldwork
        dates = rows["collected_on"]
        late = dates.map(lambda d: isinstance(d, dt.date) and not pd.isna(d) and not (start <= d <= end))
        outside = late.to_numpy(dtype=bool)
        check.flag(outside, "collected_on", "fieldwork", cells.get("collected_on"), start=start, end=end)
    if "started_at" in rows and "finished_at" in rows:
        both = rows["started_at"].notna() & rows["finished_at"].notna()
        backwards = both & (rows["finished_at"].where(both) < rows["started_at"].where(both)).fillna(False)
        check.flag(backwards.to_numpy(dtype=bool), "finished_at", "duration", cells.get("finished_at"))
    codes = rows["form_code"]
    lines = check.lines
    repeated = (codes.notna() & codes.duplicated(keep="first")).to_numpy()
    check.flag(repeated, "form_code", "duplicate_form", codes, first_line=_first_line(codes, lines))
    phones = rows.get("phone_hash")
    if phones is not None:
        again = (phones.notna() & phones.duplicated(keep="first")).to_numpy()
        check.flag(
            again, "respondent_phone", "same_respondent", pd.Series(["•" * 8] * n), other=_first_line(phones, lines)
        )
        stored = phones.map(lambda h: store.phone_forms.get(h) if h else None)
        other = (stored.notna() & (stored != codes)).to_numpy()
        check.flag(other, "respondent_phone", "same_respondent", pd.Series(["•" * 8] * n), other=stored.to_numpy())
    duplicate = np.zeros(n, dtype=bool)
    replace = np.zeros(n, dtype=bool)
    known = codes.isin(list(store.form_digests)).to_numpy() if store.form_digests else duplicate.copy()
    for p in np.flatnonzero(known).tolist():
        record = {str(k): v for k, v in rows.iloc[p].to_dict().items()}
        digest = form_digest(record, dict(zip(items, answers[p].tolist(), strict=True)))
        if digest == store.form_digests[codes.iloc[p]]:
            duplicate[p] = True
        elif codes.iloc[p] in store.rejected:
            replace[p] = True  # the corrected version of a rejected form
        else:
            where = np.zeros(n, dtype=bool)
            where[p] = True
            check.flag(where, "form_code", "conflict_form", codes)
    rows["_replace"] = replace
    return duplicate


def keyed_rules(layout: Layout, rows: pd.DataFrame, check: Checker, store: StoreView) -> np.ndarray:
    """Self-assessment scores and plan lines: one value per key, in the file and against the store."""
    n = len(rows)
    if layout.kind == "self_assessment":
        maxima = {c.code: c.max_points for c in layout.criteria}
        top = rows["criterion"].map(maxima)
        over = (rows["self_score"] > top).fillna(False).to_numpy(dtype=bool)
        check.flag(over, "self_score", "score_max", rows["self_score"], max=top.to_numpy())
        keys: list[tuple[Any, ...]] = list(zip(rows["unit"], rows["criterion"], strict=True))
        values = rows["self_score"].tolist()
    else:
        commune = rows["commune_code"].fillna("")
        keys = list(zip(rows["unit"], rows["survey"], commune, rows["respondent_group"], strict=True))
        values = rows["planned_forms"].tolist()
    key_text = pd.Series([json.dumps([str(k) for k in key]) for key in keys])
    column = "criterion" if layout.kind == "self_assessment" else "respondent_group"
    repeated = key_text.duplicated(keep="first").to_numpy()
    check.flag(repeated, column, "duplicate_key", key_text, first_line=_first_line(key_text, check.lines))
    duplicate = np.zeros(n, dtype=bool)
    for p, (key, value) in enumerate(zip(keys, values, strict=True)):
        if key in store.stored_keys:
            if _same(store.stored_keys[key], value):
                duplicate[p] = True
            else:
                where = np.zeros(n, dtype=bool)
                where[p] = True
                check.flag(where, column, "conflict_key", key_text, stored=store.stored_keys[key])
    return duplicate


def _same(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return a == b
