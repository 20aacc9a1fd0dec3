"""Fieldwork progress (issue 8, point 7): planned versus received versus valid forms per province, commune and
respondent group, over time, with lagging units.

* **planned**: the survey's fieldwork plan (``fieldwork_plan``: imported, or the demo's sample design);
* **received**: forms collected up to the chosen day (any review state); **valid**: those that count;
* **expected** on a day: the plan times the share of the fieldwork window elapsed (linear progress); a unit is
  **lagging** when it received less than :data:`LAG_SHARE` of what was expected by then (after the window:
  of its plan).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.ingest.store import PLAN, UNIT
from backend.services.quality import SurveyFrame, survey_frame

LAG_SHARE = 0.8
LEVELS = ("province", "commune", "group")


def expected_share(window: tuple[Any, Any] | None, day: dt.date) -> float:
    """Share of the fieldwork window elapsed at the end of ``day`` (0 before it, 1 after it)."""
    if window is None:
        return 1.0
    start, end = pd.Timestamp(window[0]).date(), pd.Timestamp(window[1]).date()
    total = (end - start).days + 1
    return float(np.clip(((day - start).days + 1) / total, 0.0, 1.0))


def _plan(session: Session, survey_id: int) -> pd.DataFrame:
    rows = (
        session.connection()
        .execute(
            select(
                UNIT.c.code,
                UNIT.c.name_vi,
                UNIT.c.name_en,
                PLAN.c.commune_code,
                PLAN.c.respondent_group,
                PLAN.c.planned_forms,
            )
            .join(UNIT, UNIT.c.id == PLAN.c.unit_id)
            .where(PLAN.c.survey_id == survey_id)
        )
        .all()
    )
    return pd.DataFrame(
        rows, columns=["unit_code", "name_vi", "name_en", "commune_code", "respondent_group", "planned"]
    )


def _keys(level: str) -> list[str]:
    return {
        "province": ["unit_code", "name_vi", "name_en"],
        "commune": ["unit_code", "name_vi", "name_en", "commune_code"],
        "group": ["respondent_group"],
    }[level]


def progress_table(plan: pd.DataFrame, forms: pd.DataFrame, level: str, day: dt.date, share: float) -> pd.DataFrame:
    """Planned, received and valid forms by ``level`` up to ``day``, expected forms, progress, lagging."""
    keys = _keys(level)
    seen = forms[pd.to_datetime(forms["collected_on"]).dt.date <= day]
    got = seen.groupby(keys, dropna=False).agg(
        received=("form_code", "size"), valid=("status", lambda s: int((s == "valid").sum()))
    )
    if level == "commune":
        planned = plan[plan["commune_code"] != ""].groupby(keys, dropna=False)["planned"].sum()
    else:
        planned = plan.groupby(keys, dropna=False)["planned"].sum()
    table = pd.concat([planned, got], axis=1).fillna(0).reset_index()
    table["expected"] = (table["planned"] * share).round()
    table["progress"] = np.where(
        table["planned"] > 0, 100.0 * table["received"] / table["planned"].replace(0, np.nan), np.nan
    )
    table["valid_rate"] = np.where(
        table["received"] > 0, 100.0 * table["valid"] / table["received"].replace(0, np.nan), np.nan
    )
    table["lagging"] = (table["planned"] > 0) & (table["received"] < LAG_SHARE * table["expected"])
    for column in ("planned", "received", "valid", "expected"):
        table[column] = table[column].astype(int)
    return table


def over_time(forms: pd.DataFrame, plan_total: int) -> pd.DataFrame:
    """Cumulative received and valid forms by day, with the plan (for a line chart)."""
    if forms.empty:
        return pd.DataFrame(columns=["day", "received", "valid", "planned"])
    days = pd.to_datetime(forms["collected_on"]).dt.date
    daily = (
        pd.DataFrame({"day": days, "received": 1, "valid": (forms["status"] == "valid").astype(int)})
        .groupby("day")
        .sum()
    )
    cumulative = daily.cumsum().reset_index()
    cumulative["planned"] = plan_total
    return cumulative


def fieldwork(session: Session, *, actor: Actor, survey_id: int, day: dt.date | None = None) -> dict[str, object]:
    """Progress of a survey up to ``day`` (default: the last day a form was collected): one table per level,
    the cumulative curve, the share of the window elapsed."""
    actor = authorize(session, actor, "view_fieldwork")
    frame: SurveyFrame = survey_frame(session, survey_id)
    plan = _plan(session, survey_id)
    forms = frame.forms
    if day is None:
        day = max(pd.to_datetime(forms["collected_on"]).dt.date) if len(forms) else dt.date.today()
    share = expected_share(frame.window, day)
    tables = {level: progress_table(plan, forms, level, day, share) for level in LEVELS}
    return {
        "day": day,
        "expected_share": share,
        "tables": tables,
        "over_time": over_time(forms, int(plan["planned"].sum())),
        "window": frame.window,
    }
