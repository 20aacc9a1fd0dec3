"""The erratum of a corrected result set, as the public pages show it: what changed, when, why, and which
version it corrects (a published version is never edited; a correction is a new version).

Pure: read from the set's ``erratum`` (why, written by the analyst who computed the correction) and
``erratum_changes`` (what changed, written when the correction was published; backend/services/versions.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from backend.i18n import t
from backend.published import fmt
from backend.published.sets import ResultSetInfo

SHOWN_CHANGES = 5


@dataclass(frozen=True)
class ErratumChange:
    unit: str
    name_vi: str
    name_en: str
    old: float | None
    new: float | None


@dataclass(frozen=True)
class Erratum:
    why: str
    when: dt.datetime | None
    old_id: int | None
    old_version: int | None
    changed_units: int
    changed_figures: int
    changes: tuple[ErratumChange, ...]


def erratum_of(info: ResultSetInfo) -> Erratum | None:
    """The erratum of a correction (None for a set that corrects nothing)."""
    if not info.erratum and info.supersedes_id is None:
        return None
    try:
        data = json.loads(info.erratum_changes) if info.erratum_changes else {}
    except ValueError:
        data = {}
    changes = tuple(
        ErratumChange(
            str(c.get("unit", "")), str(c.get("name_vi", "")), str(c.get("name_en", "")), c.get("old"), c.get("new")
        )
        for c in data.get("index_changes", [])
    )
    return Erratum(
        why=info.erratum,
        when=info.public_since,
        old_id=info.supersedes_id,
        old_version=data.get("superseded_version"),
        changed_units=int(data.get("changed_units", len(changes))),
        changed_figures=int(data.get("changed_figures", len(changes))),
        changes=changes,
    )


def erratum_text(erratum: Erratum, lang: str) -> str:
    """One paragraph: why, when, and what changed (the largest index changes first)."""
    parts = [t("erratum.why", lang, text=erratum.why or "—")]
    if erratum.when is not None:
        parts.append(t("erratum.when", lang, date=fmt.date_text(erratum.when, lang)))
    if erratum.changed_units or erratum.changes:
        listed = "; ".join(
            t(
                "erratum.change",
                lang,
                name=c.name_vi if lang == "vi" else c.name_en,
                old=fmt.number(c.old, lang),
                new=fmt.number(c.new, lang),
            )
            for c in erratum.changes[:SHOWN_CHANGES]
        )
        parts.append(t("erratum.what", lang, units=erratum.changed_units, figures=erratum.changed_figures, list=listed))
    return " ".join(parts)
