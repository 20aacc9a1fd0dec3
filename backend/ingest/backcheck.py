"""Back-checks (phúc tra), pure part (issue 8, point 6): the stratified sample, comparisons and mismatch rates.

* :func:`draw_sample`: from the valid forms, a seeded random sample of each stratum (province × interviewer):
  ``ceil(share × size)`` forms, at least ``min_per_interviewer`` (all forms of a smaller stratum). Strata and
  forms are processed in sorted order, so the same seed draws the same forms.
* :func:`compare`: each re-asked question of a reached case against the original answer, by question type
  (after IPA's back-check types): **fact** (profile answers that must not change: gender, year of birth,
  services used — any difference is a mismatch) and **opinion** (satisfaction items, which may depend on the
  interviewer: a difference of more than ``opinion_tolerance`` points is a mismatch).
* :func:`rates`: per interviewer, commune or province — cases, reached, shares not reached and contradicting,
  mismatch rates by type; :func:`flag_rates`: the keys above the thresholds of data/questionnaires/quality.yaml.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

REACHED = ("reached", "confirmed", "contradicts")


def draw_sample(forms: pd.DataFrame, share: float, min_per_interviewer: int, seed: int) -> list[int]:
    """Form ids drawn from ``forms`` (columns ``form``, ``unit``, ``interviewer``), see the module docstring."""
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    rng = np.random.default_rng(seed)
    frame = forms.assign(interviewer=forms["interviewer"].fillna("").astype(str)).sort_values(
        ["unit", "interviewer", "form"]
    )
    chosen: list[int] = []
    for _, stratum in frame.groupby(["unit", "interviewer"], sort=True):
        ids = stratum["form"].to_numpy()
        k = min(len(ids), max(min_per_interviewer, math.ceil(share * len(ids))))
        chosen.extend(int(i) for i in rng.choice(ids, size=k, replace=False).tolist())
    return sorted(chosen)


def _fact_values(text: Any) -> dict[str, Any]:
    return json.loads(text) if isinstance(text, str) and text else {}


def compare(
    cases: pd.DataFrame,
    originals: pd.DataFrame,
    answers: pd.DataFrame,
    item_values: dict[int, dict[str, int]],
    tolerance: int,
) -> pd.DataFrame:
    """One row per re-asked question of a reached case: case, form, question, type, original, again, mismatch.

    ``cases``: case, form, outcome, facts (JSON of re-asked facts); ``originals``: form → facts (JSON);
    ``answers``: case, item (code), value (re-asked); ``item_values``: form → {item code: original value}."""
    rows: list[dict[str, Any]] = []
    reached = cases[cases["outcome"].isin(REACHED)]
    original_facts = dict(zip(originals["form"], originals["facts"], strict=True))
    for case, form, facts in zip(reached["case"], reached["form"], reached["facts"], strict=True):
        before = _fact_values(original_facts.get(form))
        for code, value in _fact_values(facts).items():
            if code in before:
                mismatch = not _same_fact(before[code], value)
                rows.append(_row(case, form, code, "fact", before[code], value, mismatch))
    own = answers.merge(cases[["case", "form", "outcome"]], on="case")
    own = own[own["outcome"].isin(REACHED)]
    for case, form, item, value in zip(own["case"], own["form"], own["item"], own["value"], strict=True):
        original = item_values.get(int(form), {}).get(str(item))
        if original is None or value is None or pd.isna(value):
            continue
        again = int(value)
        rows.append(_row(case, form, item, "opinion", original, again, abs(again - int(original)) > tolerance))
    return pd.DataFrame(rows, columns=["case", "form", "question", "type", "original", "again", "mismatch"])


def _row(case: Any, form: Any, question: Any, kind: str, original: Any, again: Any, mismatch: bool) -> dict[str, Any]:
    return {
        "case": case,
        "form": form,
        "question": question,
        "type": kind,
        "original": original,
        "again": again,
        "mismatch": mismatch,
    }


def _same_fact(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return sorted(a.split()) == sorted(b.split())
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def rates(cases: pd.DataFrame, comparisons: pd.DataFrame, level: str) -> pd.DataFrame:
    """Per key of ``level`` (a column of ``cases``): cases, reached, not-reached and contradicting shares
    (of cases with an outcome), fact and opinion mismatch rates (of re-asked questions)."""
    done = cases[cases["outcome"].notna()]
    grouped = done.groupby(level)
    out = pd.DataFrame(
        {
            "cases": cases.groupby(level).size(),
            "with_outcome": grouped.size(),
            "reached": grouped["outcome"].apply(lambda s: int(s.isin(REACHED).sum())),
            "not_reached": grouped["outcome"].apply(lambda s: float((s == "not_reached").mean())),
            "contradicts": grouped["outcome"].apply(lambda s: float((s == "contradicts").mean())),
        }
    )
    if not comparisons.empty:
        joined = comparisons.merge(cases[["case", level]], on="case")
        for kind in ("fact", "opinion"):
            part = joined[joined["type"] == kind]
            out[f"{kind}_mismatch"] = part.groupby(level)["mismatch"].mean()
            out[f"{kind}_questions"] = part.groupby(level).size()
    for kind in ("fact", "opinion"):
        if f"{kind}_mismatch" not in out:
            out[f"{kind}_mismatch"] = np.nan
            out[f"{kind}_questions"] = 0
    out = out.fillna({"with_outcome": 0, "reached": 0, "fact_questions": 0, "opinion_questions": 0})
    return out


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)))


#: measure → (rate column, denominator column)
MEASURES = {
    "fact_mismatch": ("fact_mismatch", "fact_questions"),
    "opinion_mismatch": ("opinion_mismatch", "opinion_questions"),
    "contradicts": ("contradicts", "with_outcome"),
    "not_reached": ("not_reached", "with_outcome"),
}


def flag_rates(table: pd.DataFrame, limits: dict[str, Any]) -> pd.DataFrame:
    """The keys flagged, with the reasons. A measure flags a key when its rate is above the threshold *and*
    improbably high for the survey: the binomial upper tail of its count, at the pooled rate of all keys, is
    below ``alpha`` — so a single slip in three calls does not flag an honest interviewer. Keys with fewer than
    ``min_cases`` cases with an outcome are not flagged."""
    enough = table["with_outcome"] >= limits["min_cases"]
    reasons = pd.Series([""] * len(table), index=table.index, dtype=object)
    for name, (rate, base) in MEASURES.items():
        n = table[base].fillna(0).astype(int)
        k = (table[rate].fillna(0) * n).round().astype(int)
        pooled = float(k.sum()) / max(1, int(n.sum()))
        tail = pd.Series([binomial_tail(int(a), int(b), pooled) for a, b in zip(k, n, strict=True)], index=table.index)
        hit = enough & (table[rate] > limits[name]).fillna(False) & (tail < limits["alpha"])
        reasons[hit] = reasons[hit] + name + " "
    out = table.assign(reasons=reasons.str.strip())
    return out[out["reasons"] != ""]
