"""Back-checks (phúc tra, issue 8, point 6): draw a sample, hand out the contact list, import the outcomes,
report mismatch rates, invalidate forms.

* Analysts and data officers draw samples (``draw_backcheck``); the contact list with respondents' phone numbers
  is for the back-check role only (``view_phones``: the numbers are decrypted here and nowhere else); outcomes
  are imported by back-check staff or data officers (``import_backcheck``), validated row by row; results are
  shown without phones (``view_backchecks``); only an analyst invalidates forms, with a reason code from
  data/questionnaires/quality.yaml (``invalidate_forms``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlmodel import Session

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError, NotFoundError
from backend.ingest import backcheck as bc
from backend.ingest.quality import thresholds
from backend.ingest.store import FORM, ITEM, table
from backend.models import BackcheckAnswer, BackcheckCase, BackcheckSample, Survey
from backend.personal import vault
from backend.services.quality import survey_frame

CASE, ANSWER_BC = table(BackcheckCase), table(BackcheckAnswer)


def draw(
    session: Session,
    *,
    actor: Actor,
    survey_id: int,
    share: float | None = None,
    min_per_interviewer: int | None = None,
    seed: int = 1,
) -> int:
    """Draw a back-check sample of the survey's valid forms; returns the sample id."""
    actor = authorize(session, actor, "draw_backcheck")
    limits = thresholds()["backcheck"]
    share = float(share if share is not None else limits["share"])
    minimum = int(min_per_interviewer if min_per_interviewer is not None else limits["min_per_interviewer"])
    frame = survey_frame(session, survey_id)
    valid = frame.forms[frame.forms["status"] == "valid"]
    if valid.empty:
        raise DomainError.of("ingest.backcheck.no_forms")
    chosen = bc.draw_sample(valid.rename(columns={"unit_id": "unit"}), share, minimum, seed)
    sample = BackcheckSample(
        survey_id=survey_id,
        share=share,
        min_per_interviewer=minimum,
        seed=seed,
        drawn_by=actor.username,
        drawn_at=dt.datetime.now(dt.UTC),
    )
    session.add(sample)
    session.flush()
    session.connection().execute(insert(CASE), [{"sample_id": sample.id, "form_id": f, "note": ""} for f in chosen])
    record(
        session,
        actor=actor.username,
        action="draw_backcheck",
        entity="backcheck_sample",
        entity_id=str(sample.id),
        detail={"survey": survey_id, "forms": len(chosen), "share": share, "min": minimum, "seed": seed},
    )
    return int(sample.id)  # type: ignore[arg-type]


def samples(session: Session, *, actor: Actor, survey_id: int) -> pd.DataFrame:
    actor = authorize(session, actor, "view_backchecks")
    rows = (
        session.connection()
        .execute(select(table(BackcheckSample)).where(table(BackcheckSample).c.survey_id == survey_id))
        .mappings()
        .all()
    )
    return pd.DataFrame(
        [dict(r) for r in rows],
        columns=["id", "survey_id", "share", "min_per_interviewer", "seed", "drawn_by", "drawn_at"],
    )


def _cases(session: Session, sample_id: int) -> tuple[pd.DataFrame, Any]:
    sample = session.get(BackcheckSample, sample_id)
    if sample is None:
        raise NotFoundError.of("ingest.backcheck.no_sample", id=sample_id)
    frame = survey_frame(session, sample.survey_id)
    rows = (
        session.connection()
        .execute(
            select(CASE.c.id, CASE.c.form_id, CASE.c.outcome, CASE.c.checked_on, CASE.c.facts).where(
                CASE.c.sample_id == sample_id
            )
        )
        .all()
    )
    cases = pd.DataFrame(rows, columns=["case", "form", "outcome", "checked_on", "facts"])
    forms = frame.forms[
        [
            "form",
            "form_code",
            "unit_code",
            "name_vi",
            "name_en",
            "commune",
            "village_code",
            "interviewer",
            "collected_on",
        ]
    ]
    return cases.merge(forms, on="form", how="left"), frame


def cases(session: Session, *, actor: Actor, sample_id: int) -> pd.DataFrame:
    """The sampled forms and their outcomes, without phone numbers."""
    actor = authorize(session, actor, "view_backchecks")
    return _cases(session, sample_id)[0].drop(columns=["facts"])


def contacts(session: Session, *, actor: Actor, sample_id: int) -> pd.DataFrame:
    """The contact list of a sample: the sampled forms with the respondents' phone numbers (back-check role)."""
    actor = authorize(session, actor, "view_phones")
    frame, _ = _cases(session, sample_id)
    sealed = dict(
        session.connection()
        .execute(select(FORM.c.id, FORM.c.phone_encrypted).where(FORM.c.id.in_(frame["form"].tolist())))
        .all()
    )
    keys = vault()
    frame["respondent_phone"] = [keys.decrypt(sealed[f]) if sealed.get(f) else "" for f in frame["form"]]
    record(
        session,
        actor=actor.username,
        action="backcheck_contacts",
        entity="backcheck_sample",
        entity_id=str(sample_id),
        detail={"forms": len(frame)},
    )
    return frame[["form_code", "name_vi", "commune", "village_code", "interviewer", "collected_on", "respondent_phone"]]


@dataclass
class OutcomeImport:
    rows: int = 0
    imported: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def import_outcomes(session: Session, *, actor: Actor, sample_id: int, file_name: str, data: bytes) -> OutcomeImport:
    """Outcomes of a sample's calls (form_code, outcome, checked_on, checked_by, note, re-asked facts and items).
    All or nothing: any bad row → nothing is written and every problem is listed."""
    actor = authorize(session, actor, "import_backcheck")
    from backend.ingest.readers import read_table

    raw = read_table(file_name, data)
    frame = raw.frame.copy()
    frame.columns = raw.columns
    cases_frame, survey = _cases(session, sample_id)
    by_code = dict(zip(cases_frame["form_code"], cases_frame["case"], strict=True))
    items = dict(
        session.connection().execute(select(ITEM.c.code, ITEM.c.id).where(ITEM.c.survey_id == survey.survey_id)).all()
    )
    fact_codes = {"gender", "birth_year", "services_used"}
    result = OutcomeImport(rows=len(frame))
    updates, answers = [], []
    for position, row in enumerate(frame.to_dict("records")):
        line = raw.lines[position]
        code, outcome = str(row.get("form_code", "")).strip(), str(row.get("outcome", "")).strip()
        problems = []
        if code not in by_code:
            problems.append(("form_code", code, "not_sampled"))
        if outcome not in ("reached", "not_reached", "confirmed", "contradicts"):
            problems.append(("outcome", outcome, "outcome"))
        facts: dict[str, Any] = {}
        for column in raw.columns:
            value = str(row[column]).strip()
            if not value or column in ("form_code", "outcome", "checked_on", "checked_by", "note"):
                continue
            number = pd.to_numeric(value, errors="coerce")
            whole = int(number) if pd.notna(number) and float(number).is_integer() else None
            if column in fact_codes:
                facts[column] = whole if column == "birth_year" and whole is not None else value
            elif column in items:
                if whole is not None and 1 <= whole <= 5:
                    answers.append((code, items[column], whole))
                elif whole != 9:
                    problems.append((column, value, "answer"))
            else:
                problems.append((column, value, "column"))
        if problems:
            result.problems += [
                {
                    "line": line,
                    "column": c,
                    "value": v,
                    "rule": r,
                    "message_vi": _t("vi", r, c, v),
                    "message_en": _t("en", r, c, v),
                }
                for c, v, r in problems
            ]
            continue
        checked = pd.to_datetime(str(row.get("checked_on", "")), errors="coerce")
        updates.append(
            {
                "id": by_code[code],
                "outcome": outcome,
                "checked_on": None if pd.isna(checked) else checked.date(),
                "checked_by": str(row.get("checked_by", "")) or actor.username,
                "note": str(row.get("note", "")),
                "facts": json.dumps(facts, ensure_ascii=False) if facts else None,
            }
        )
    if result.problems:
        return result
    conn = session.connection()
    for u in updates:
        conn.execute(update(CASE).where(CASE.c.id == u["id"]).values(**{k: v for k, v in u.items() if k != "id"}))
    ids = [u["id"] for u in updates]
    conn.execute(ANSWER_BC.delete().where(ANSWER_BC.c.case_id.in_(ids)))
    if answers:
        conn.execute(insert(ANSWER_BC), [{"case_id": by_code[c], "item_id": i, "value": v} for c, i, v in answers])
    result.imported = len(updates)
    record(
        session,
        actor=actor.username,
        action="import_backcheck",
        entity="backcheck_sample",
        entity_id=str(sample_id),
        detail={"rows": result.rows},
    )
    return result


def _t(lang: str, rule: str, column: str, value: str) -> str:
    from backend.i18n import t

    return t(f"ingest.backcheck.rule.{rule}", lang, column=column, value=value)


@dataclass
class BackcheckReport:
    cases: pd.DataFrame
    comparisons: pd.DataFrame
    rates: dict[str, pd.DataFrame]
    flagged: pd.DataFrame


def report(session: Session, *, actor: Actor, sample_id: int) -> BackcheckReport:
    """Mismatch rates by question type per interviewer, commune and province; interviewers above thresholds."""
    actor = authorize(session, actor, "view_backchecks")
    limits = thresholds()["backcheck"]
    cases_frame, survey = _cases(session, sample_id)
    conn = session.connection()
    reasked = pd.DataFrame(
        conn.execute(
            select(ANSWER_BC.c.case_id, ITEM.c.code, ANSWER_BC.c.value)
            .join(ITEM, ITEM.c.id == ANSWER_BC.c.item_id)
            .join(CASE, CASE.c.id == ANSWER_BC.c.case_id)
            .where(CASE.c.sample_id == sample_id)
        ).all(),
        columns=["case", "item", "value"],
    )
    codes = list(survey.items)
    positions = pd.Index(survey.forms["form"]).get_indexer(cases_frame["form"])
    item_values = {
        int(f): {codes[j]: int(v) for j, v in enumerate(survey.values[p].tolist()) if v}
        for f, p in zip(cases_frame["form"], positions, strict=True)
        if p >= 0
    }
    originals = survey.forms[["form", "facts"]]
    comparisons = bc.compare(cases_frame, originals, reasked, item_values, int(limits["opinion_tolerance"]))
    cases_frame = cases_frame.assign(province=cases_frame["name_vi"])
    levels = {
        level: bc.rates(cases_frame.dropna(subset=[level]), comparisons, level)
        for level in ("interviewer", "commune", "province")
    }
    flagged = bc.flag_rates(levels["interviewer"], limits["flag"])
    return BackcheckReport(cases_frame, comparisons, levels, flagged)


def reason_codes() -> list[dict[str, str]]:
    return list(thresholds()["invalid_reasons"])


def invalidate(
    session: Session, *, actor: Actor, survey_id: int, form_codes: list[str], reason: str, note: str = ""
) -> int:
    """Invalidate forms with a reason code (analysts): they stop counting; returns how many changed."""
    actor = authorize(session, actor, "invalidate_forms")
    if reason not in {r["code"] for r in reason_codes()}:
        raise DomainError.of("ingest.backcheck.reason", reason=reason)
    if session.get(Survey, survey_id) is None:
        raise NotFoundError.of("ingest.quality.no_survey", id=survey_id)
    changed = 0
    for start in range(0, len(form_codes), 5_000):
        chunk = form_codes[start : start + 5_000]
        changed += (
            session.connection()
            .execute(
                update(FORM)
                .where(FORM.c.survey_id == survey_id, FORM.c.form_code.in_(chunk), FORM.c.status != "invalid")
                .values(status="invalid", invalid_reason=reason)
            )
            .rowcount
        )
    record(
        session,
        actor=actor.username,
        action="invalidate_forms",
        entity="survey",
        entity_id=str(survey_id),
        detail={"forms": changed, "reason": reason, "note": note},
    )
    return changed
