"""Aggregates of online citizen surveys and their publication: the approve → publish path of the indices.

**Aggregation** (:func:`aggregate`, pure): over the counted responses (a response a moderator judged abuse is
excluded), per province and for all provinces together, and per item —

* a rating item: ``mean`` (mean rating, 1–5) and ``share_high`` (share of ratings 4 or 5, %);
* a choice item: ``option`` (share of those who answered the item that chose each option, %);
* free text is not aggregated (it is read through moderation);
* ``n`` is the number of answers the figure comes from; when it is below VOICE_MIN_CELL (setting, default 10)
  the value is left empty (too few answers to publish).

**Versions**: computing makes a new :class:`VoiceResult` only when the counted answers changed since the last
version (same inputs hash: the same version is returned). A version's figures never change. It moves draft →
approved (a leader; not the one who computed it: maker ≠ checker) → published with ``publish_at`` (embargo;
the public views show it from that time) → withdrawn (with a reason), with the permissions ``approve``,
``publish`` and ``withdraw`` of the result sets' workflow. Every step is audited.

Online surveys are self-selected: every place that shows these figures labels them "online, self-selected — not
comparable with SIPAS", and nothing here reads or writes the SIPAS tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
from sqlmodel import Session, col, func, select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError
from backend.models import VoiceAnswer, VoiceItem, VoiceResponse, VoiceResult, VoiceResultRow, VoiceSurvey
from backend.services.voice_common import InputRefused, as_utc, load
from backend.settings import get_settings

HIGH_RATINGS = (4, 5)


class AggregateItem(NamedTuple):
    code: str
    kind: str
    options: tuple[str, ...]


ROW_COLUMNS = ["unit_id", "item_code", "metric", "option", "value", "n"]
# action -> (permission, from-statuses, to-status): the approve → publish path of backend/services/workflow.py
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "approve": ("approve", ("draft",), "approved"),
    "publish": ("publish", ("approved",), "published"),
    "withdraw": ("withdraw", ("published",), "withdrawn"),
}


def aggregate(answers: pd.DataFrame, items: Sequence[AggregateItem], min_cell: int) -> pd.DataFrame:
    """Rows (unit_id, item_code, metric, option, value, n) from ``answers`` (unit_id, item_code, rating, choice)
    and ``items``; see the module docstring for the rule."""
    rows: list[dict[str, object]] = []
    scopes: list[tuple[int | None, pd.DataFrame]] = [(None, answers)]
    scopes += [(int(str(u)), group) for u, group in answers.groupby("unit_id", sort=True)]
    for unit_id, frame in scopes:
        for item in items:
            mine = frame[frame["item_code"] == item.code]
            if item.kind == "rating":
                ratings = mine["rating"].dropna().astype(int)
                n = len(ratings)
                shown = n >= min_cell
                mean = round(float(ratings.mean()), 2) if shown else None
                high = round(100.0 * float(ratings.isin(HIGH_RATINGS).mean()), 1) if shown else None
                rows.append(_row(unit_id, item.code, "mean", "", mean, n))
                rows.append(_row(unit_id, item.code, "share_high", "", high, n))
            elif item.kind == "choice":
                choices = mine["choice"].dropna()
                n = len(choices)
                for option in item.options:
                    share = round(100.0 * float((choices == option).mean()), 1) if n >= min_cell else None
                    rows.append(_row(unit_id, item.code, "option", option, share, n))
    return pd.DataFrame.from_records(rows, columns=ROW_COLUMNS)


def _row(unit_id: int | None, code: str, metric: str, option: str, value: float | None, n: int) -> dict[str, object]:
    return {"unit_id": unit_id, "item_code": code, "metric": metric, "option": option, "value": value, "n": n}


def counted_answers(session: Session, survey_id: int) -> pd.DataFrame:
    """Ratings and choices of a survey's counted responses: unit_id, item_code, rating, choice."""
    rows = session.exec(
        select(VoiceResponse.unit_id, VoiceItem.code, VoiceAnswer.rating, VoiceAnswer.choice)
        .join(VoiceAnswer, col(VoiceAnswer.response_id) == col(VoiceResponse.id))
        .join(VoiceItem, col(VoiceItem.id) == col(VoiceAnswer.item_id))
        .where(VoiceResponse.survey_id == survey_id, VoiceResponse.status == "counted")
        .where(col(VoiceItem.kind).in_(["rating", "choice"]))
        .order_by(col(VoiceAnswer.id))
    ).all()
    return pd.DataFrame.from_records(rows, columns=["unit_id", "item_code", "rating", "choice"])


def _aggregate_items(session: Session, survey_id: int) -> list[AggregateItem]:
    items = session.exec(select(VoiceItem).where(VoiceItem.survey_id == survey_id).order_by(col(VoiceItem.position)))
    return [AggregateItem(i.code, i.kind, tuple(o["code"] for o in json.loads(i.options or "[]"))) for i in items]


def compute(session: Session, *, actor: Actor, survey_id: int) -> VoiceResult:
    """A new draft version of the survey's aggregates, or the latest version when the answers did not change."""
    actor = authorize(session, actor, "voice_edit")
    survey = load(session, VoiceSurvey, survey_id, "survey")
    if survey.status == "draft":
        raise InputRefused([("voice.errors.not_open_yet", {})])
    answers = counted_answers(session, survey_id)
    inputs_hash = hashlib.sha256(answers.to_csv(index=False).encode("utf-8")).hexdigest()
    latest = session.exec(
        select(VoiceResult).where(VoiceResult.survey_id == survey_id).order_by(col(VoiceResult.version).desc())
    ).first()
    if latest is not None and latest.inputs_hash == inputs_hash and latest.status != "withdrawn":
        return latest
    responses = session.exec(
        select(func.count(col(VoiceResponse.id))).where(
            VoiceResponse.survey_id == survey_id, VoiceResponse.status == "counted"
        )
    ).one()
    result = VoiceResult(
        survey_id=survey_id,
        version=(latest.version + 1) if latest else 1,
        responses=int(responses),
        inputs_hash=inputs_hash,
        computed_at=dt.datetime.now(dt.UTC),
        computed_by=actor.username,
    )
    session.add(result)
    session.flush()
    rows = aggregate(answers, _aggregate_items(session, survey_id), get_settings().voice_min_cell)
    session.add_all(
        VoiceResultRow(result_id=result.id or 0, **{k: (None if pd.isna(v) else v) for k, v in r.items()})  # type: ignore[arg-type]
        for r in rows.to_dict("records")
    )
    record(
        session,
        actor=actor.username,
        action="voice_result_compute",
        entity="voice_result",
        entity_id=str(result.id),
        detail={"survey_id": survey_id, "version": result.version, "responses": result.responses, "rows": len(rows)},
    )
    session.flush()
    return result


def transition(
    session: Session,
    *,
    actor: Actor,
    result_id: int,
    action: str,
    reason: str = "",
    publish_at: dt.datetime | None = None,
) -> VoiceResult:
    """Move a version one step (see the module docstring); a clear DomainError when it is not allowed."""
    if action not in TRANSITIONS:
        raise InputRefused([("voice.errors.unknown_action", {"action": action})])
    permission, sources, target = TRANSITIONS[action]
    actor = authorize(session, actor, permission)
    result = load(session, VoiceResult, result_id, "result")
    if result.status not in sources:
        raise DomainError.of("voice.errors.bad_step", action=action, status=result.status)
    if action == "approve" and actor.username == result.computed_by:
        raise DomainError.of("voice.errors.maker_checker")
    if action == "withdraw" and not reason.strip():
        raise InputRefused([("voice.errors.reason_needed", {})])
    detail: dict[str, object] = {"from": result.status, "to": target, "reason": reason, "survey_id": result.survey_id}
    if action == "publish":
        now = dt.datetime.now(dt.UTC)
        result.publish_at = as_utc(publish_at) if publish_at else now
        result.published_at = now
        detail["publish_at"] = result.publish_at.isoformat()
    result.status = target
    session.add(result)
    record(
        session,
        actor=actor.username,
        action=f"voice_result_{action}",
        entity="voice_result",
        entity_id=str(result_id),
        detail=detail,
    )
    session.flush()
    return result


def list_results(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every version of every survey's aggregates, newest first (content editors, leaders, administrators)."""
    actor = authorize(session, actor, "voice_view_results")
    rows = session.exec(
        select(VoiceResult, VoiceSurvey)
        .join(VoiceSurvey, col(VoiceSurvey.id) == col(VoiceResult.survey_id))
        .order_by(col(VoiceResult.id).desc())
    ).all()
    columns = [
        "id",
        "survey_id",
        "survey",
        "version",
        "status",
        "responses",
        "computed_by",
        "computed_at",
        "publish_at",
    ]
    records = [
        {
            "id": r.id,
            "survey_id": s.id,
            "survey": s.title_vi,
            "version": r.version,
            "status": r.status,
            "responses": r.responses,
            "computed_by": r.computed_by,
            "computed_at": r.computed_at,
            "publish_at": r.publish_at,
        }
        for r, s in rows
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def result_rows(session: Session, *, actor: Actor, result_id: int) -> pd.DataFrame:
    """The figures of one version (before publication too, for those who review it)."""
    actor = authorize(session, actor, "voice_view_results")
    load(session, VoiceResult, result_id, "result")
    rows = session.exec(select(VoiceResultRow).where(VoiceResultRow.result_id == result_id)).all()
    return pd.DataFrame.from_records([{c: getattr(r, c) for c in ROW_COLUMNS} for r in rows], columns=ROW_COLUMNS)


def possible_actions(actor: Actor, status: str) -> list[str]:
    return [name for name, (perm, sources, _) in TRANSITIONS.items() if status in sources and actor.can(perm)]
