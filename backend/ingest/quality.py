"""High-frequency checks of arrived survey forms (issue 8, point 4): pure, vectorised, no I/O.

After Innovations for Poverty Action's high-frequency checks, per interviewer, commune and province
(thresholds in data/questionnaires/quality.yaml, :func:`thresholds`):

* ``forms_per_day``: an interviewer-day with at least max(min_forms, factor × the survey's median) forms;
* ``duration``: forms shorter than ``min_minutes``; levels whose median duration is below a share of the survey's;
* ``straight_lining``: forms answering ``min_items`` or more items with one and the same value; levels above a share;
* ``dont_know``: share of empty answers (don't know / no answer) above ``max_share`` and the level's median + k·MAD;
* ``near_duplicates``: forms of one interviewer differing in at most ``max_differences`` answered items;
* ``distribution``: an interviewer's answer distribution far (total variation distance) from the rest of the
  province's;
* ``outside_fieldwork``: forms dated outside the survey's window; ``same_respondent``: the respondent (phone hash)
  of another form.

A flag is for a supervisor to look at, with the forms behind it; it never changes a form by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

LEVELS = ("interviewer", "commune", "province")
CHECKS = (
    "forms_per_day",
    "duration",
    "straight_lining",
    "dont_know",
    "near_duplicates",
    "distribution",
    "outside_fieldwork",
    "same_respondent",
)


def thresholds(path: Path | None = None) -> dict[str, Any]:
    from backend.frameworks.questionnaire import default_dir

    return _read(str(path or default_dir() / "quality.yaml"))


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


@dataclass
class QualityReport:
    """Per-form signals, per-level metrics and the flags (level, key, check, value, limit, form codes)."""

    forms: pd.DataFrame
    metrics: dict[str, pd.DataFrame]
    flags: pd.DataFrame

    def flagged(self, level: str = "interviewer") -> set[str]:
        return set(self.flags.loc[self.flags["level"] == level, "key"])


def form_signals(
    forms: pd.DataFrame, values: np.ndarray, window: tuple[Any, Any] | None, limits: dict[str, Any]
) -> pd.DataFrame:
    """Per-form signals: minutes, straight-lined, share of empty answers, near duplicate, outside fieldwork,
    same respondent. ``forms`` columns: form_code, province, commune, interviewer, collected_on, started_at,
    finished_at, phone_hash; ``values`` the answers (0 = empty)."""
    out = forms.copy()
    answered = values != 0
    n_answered = answered.sum(axis=1)
    hi = np.where(answered, values, -1).max(axis=1) if values.size else np.zeros(len(forms))
    lo = np.where(answered, values, 99).min(axis=1) if values.size else np.zeros(len(forms))
    out["minutes"] = (
        pd.to_datetime(out["finished_at"], utc=True) - pd.to_datetime(out["started_at"], utc=True)
    ).dt.total_seconds() / 60
    out["straight"] = (n_answered >= limits["straight_lining"]["min_items"]) & (hi == lo)
    out["empty_share"] = 1 - n_answered / max(1, values.shape[1])
    out["near_duplicate"] = _near_duplicates(out["interviewer"].to_numpy(), values, limits["near_duplicates"])
    if window is not None:
        dates = pd.to_datetime(out["collected_on"])
        out["outside"] = ((dates < pd.Timestamp(window[0])) | (dates > pd.Timestamp(window[1]))).to_numpy()
    else:
        out["outside"] = False
    phones = out["phone_hash"]
    if "status" in out:  # a form already invalidated (e.g. as a duplicate respondent) is settled
        phones = phones.where(out["status"] != "invalid")
    out["same_respondent"] = (phones.notna() & phones.duplicated(keep=False)).to_numpy()
    out["short"] = (out["minutes"] < limits["duration"]["min_minutes"]).fillna(False).to_numpy(dtype=bool)
    return out


def _near_duplicates(interviewer: np.ndarray, values: np.ndarray, limits: dict[str, Any]) -> np.ndarray:
    """Forms with another form of the same interviewer differing in at most ``max_differences`` items, both
    having answered at least ``min_items`` (pairwise within each interviewer, vectorised)."""
    out = np.zeros(len(interviewer), dtype=bool)
    if values.size == 0:
        return out
    enough = (values != 0).sum(axis=1) >= limits["min_items"]
    for key in pd.unique(interviewer[pd.notna(interviewer)]):
        rows = np.flatnonzero((interviewer == key) & enough)
        if len(rows) < 2:
            continue
        block = values[rows].astype(np.int16)
        differences = (block[:, None, :] != block[None, :, :]).sum(axis=2)
        np.fill_diagonal(differences, 10_000)
        out[rows] = differences.min(axis=1) <= limits["max_differences"]
    return out


def _distribution_distance(signals: pd.DataFrame, values: np.ndarray, scale: int, min_answers: int) -> pd.Series:
    """Total variation distance between each interviewer's answers (1..scale) and the rest of the province."""
    counts = np.stack([(values == v).sum(axis=1) for v in range(1, scale + 1)], axis=1)
    frame = pd.DataFrame(counts, index=signals.index)
    frame["province"], frame["interviewer"] = signals["province"].to_numpy(), signals["interviewer"].to_numpy()
    frame = frame.dropna(subset=["interviewer"])
    by_iv = frame.groupby(["province", "interviewer"]).sum()
    by_prov = by_iv.groupby(level="province").sum()
    rest = by_prov.reindex(by_iv.index.get_level_values("province")).to_numpy() - by_iv.to_numpy()
    own = by_iv.to_numpy()
    own_total, rest_total = own.sum(axis=1, keepdims=True), rest.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = 0.5 * np.abs(own / own_total - rest / rest_total).sum(axis=1)
    distance[(own_total[:, 0] < min_answers) | (rest_total[:, 0] < min_answers)] = np.nan
    return pd.Series(distance, index=by_iv.index.get_level_values("interviewer"))


def level_metrics(signals: pd.DataFrame, level: str) -> pd.DataFrame:
    """Per key of ``level``: forms, most forms in a day, median minutes, shares of straight-lined, empty,
    near-duplicate, outside-fieldwork and same-respondent forms."""
    frame = signals.dropna(subset=[level])
    grouped = frame.groupby(level)
    per_day = frame.groupby([level, "collected_on"]).size().groupby(level=level).max()
    return pd.DataFrame(
        {
            "forms": grouped.size(),
            "max_per_day": per_day,
            "median_minutes": grouped["minutes"].median(),
            "straight_share": grouped["straight"].mean(),
            "dont_know_share": grouped["empty_share"].mean(),
            "near_duplicate_share": grouped["near_duplicate"].mean(),
            "outside_share": grouped["outside"].mean(),
            "same_respondent_share": grouped["same_respondent"].mean(),
        }
    )


def _flag_rows(
    level: str, metrics: pd.DataFrame, column: str, check: str, limit: float, above: bool = True
) -> list[dict[str, Any]]:
    values = metrics[column]
    hit = values > limit if above else values < limit
    return [
        {"level": level, "key": str(key), "check": check, "value": float(v), "limit": float(limit)}
        for key, v in values[hit.fillna(False)].items()
    ]


def quality_report(
    forms: pd.DataFrame,
    values: np.ndarray,
    window: tuple[Any, Any] | None,
    scale: int = 5,
    limits: dict[str, Any] | None = None,
) -> QualityReport:
    """Signals, metrics per level and flags of a survey's forms (see the module docstring)."""
    hf = (limits or thresholds())["high_frequency"]
    signals = form_signals(forms, values, window, hf)
    per_day = signals.dropna(subset=["interviewer"]).groupby(["interviewer", "collected_on"]).size()
    day_limit = max(
        hf["forms_per_day"]["min_forms"],
        hf["forms_per_day"]["factor_of_median"] * float(per_day.median() if len(per_day) else 0),
    )
    survey_minutes = float(signals["minutes"].median()) if signals["minutes"].notna().any() else np.nan
    distance = _distribution_distance(signals, values, scale, hf["distribution"]["min_answers"])
    metrics: dict[str, pd.DataFrame] = {}
    rows: list[dict[str, Any]] = []
    for level in LEVELS:
        m = level_metrics(signals, level)
        if level == "interviewer":
            m["distance"] = distance.groupby(level=0).max().reindex(m.index)
            rows += _flag_rows(level, m, "distance", "distribution", hf["distribution"]["max_distance"])
        if level == "interviewer":  # several interviewers work a commune or province on the same day
            rows += _flag_rows(level, m, "max_per_day", "forms_per_day", day_limit - 1e-9)
        if not np.isnan(survey_minutes):
            rows += _flag_rows(
                level,
                m,
                "median_minutes",
                "duration",
                hf["duration"]["interviewer_share_of_median"] * survey_minutes,
                above=False,
            )
        rows += _flag_rows(level, m, "straight_share", "straight_lining", hf["straight_lining"]["max_share"])
        dk = m["dont_know_share"]
        mad = float((dk - dk.median()).abs().median()) if len(dk) else 0.0
        rows += _flag_rows(
            level,
            m,
            "dont_know_share",
            "dont_know",
            max(hf["dont_know"]["max_share"], float(dk.median() if len(dk) else 0) + hf["dont_know"]["mad_k"] * mad),
        )
        rows += _flag_rows(level, m, "near_duplicate_share", "near_duplicates", hf["near_duplicates"]["max_share"])
        rows += _flag_rows(level, m, "outside_share", "outside_fieldwork", hf["outside_fieldwork"]["max_share"])
        rows += _flag_rows(level, m, "same_respondent_share", "same_respondent", hf["same_respondent"]["max_share"])
        metrics[level] = m
    flags = pd.DataFrame(rows, columns=["level", "key", "check", "value", "limit"])
    flags["forms"] = [
        _behind(signals, str(level), str(key), str(check), day_limit)
        for level, key, check in zip(flags["level"], flags["key"], flags["check"], strict=True)
    ]
    return QualityReport(signals, metrics, flags)


def _behind(signals: pd.DataFrame, level: str, key: str, check: str, day_limit: float) -> list[str]:
    """Form codes behind a flag: the forms of the level's key that show the signal (all of them for the
    distribution and duration checks)."""
    own = signals[signals[level].astype(str) == key]
    if check == "forms_per_day":
        per_day = own.groupby("collected_on")["form_code"].transform("size")
        own = own[per_day >= day_limit]
    elif check == "straight_lining":
        own = own[own["straight"]]
    elif check == "near_duplicates":
        own = own[own["near_duplicate"]]
    elif check == "outside_fieldwork":
        own = own[own["outside"]]
    elif check == "same_respondent":
        own = own[own["same_respondent"]]
    elif check == "dont_know":
        own = own[own["empty_share"] > own["empty_share"].median()]
    return sorted(own["form_code"].astype(str).tolist())
