"""Form review states (issue 8, point 5), after the World Bank's Survey Solutions: an imported form is
``received``; a reviewer accepts it or rejects it with a comment; a rejected form comes back ``corrected`` (a
corrected file replaces it, or the reviewer records the correction) and is accepted or rejected again.

Only an accepted form counts: accepting makes it ``valid`` (unless it was invalidated), any other state keeps it
``pending``, and the database refuses a valid form that is not accepted — so a rejected form never counts.
Every step is recorded per form (``form_review``) and once per call in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import insert, select, update
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError
from backend.ingest.store import FORM, table
from backend.models import FormReview
from backend.services.quality import survey_quality

#: action → (states it may start from, state it leads to)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": (("received", "corrected"), "accepted"),
    "reject": (("received", "corrected", "accepted"), "rejected"),
    "correct": (("rejected",), "corrected"),
}
#: form-level signals that keep a form out of the bulk acceptance of clean forms
SIGNALS = ("straight", "near_duplicate", "outside", "same_respondent", "short")


def review_forms(
    session: Session, *, actor: Actor, survey_id: int, form_codes: Sequence[str], action: str, comment: str = ""
) -> int:
    """Move the named forms of a survey one review step; returns how many moved. Forms not in a state the
    action starts from are left as they are (and not counted)."""
    actor = authorize(session, actor, "review_forms")
    if action not in ACTIONS:
        raise DomainError.of("ingest.review.unknown_action", action=action)
    if action == "reject" and not comment.strip():
        raise DomainError.of("ingest.review.comment_required")
    sources, target = ACTIONS[action]
    conn = session.connection()
    rows = conn.execute(
        select(FORM.c.id, FORM.c.review_state, FORM.c.status).where(
            FORM.c.survey_id == survey_id, FORM.c.form_code.in_(list(form_codes)), FORM.c.review_state.in_(sources)
        )
    ).all()
    if not rows:
        return 0
    now = dt.datetime.now(dt.UTC)
    ids = [int(r[0]) for r in rows]
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        values: dict[str, object] = {"review_state": target, "review_comment": comment.strip() or None}
        conn.execute(
            update(FORM)
            .where(FORM.c.id.in_(chunk), FORM.c.status != "invalid")
            .values(status="valid" if target == "accepted" else "pending", **values)
        )
        conn.execute(update(FORM).where(FORM.c.id.in_(chunk), FORM.c.status == "invalid").values(**values))
    conn.execute(
        insert(table(FormReview)),
        [
            {
                "form_id": int(r[0]),
                "from_state": r[1],
                "to_state": target,
                "comment": comment.strip(),
                "actor": actor.username,
                "at": now,
            }
            for r in rows
        ],
    )
    record(
        session,
        actor=actor.username,
        action=f"review_{action}",
        entity="survey",
        entity_id=str(survey_id),
        detail={"forms": len(ids), "comment": comment.strip()},
    )
    return len(ids)


def clean_forms(session: Session, *, actor: Actor, survey_id: int) -> list[str]:
    """Received or corrected forms with no quality signal and whose interviewer has no flag."""
    _frame, report = survey_quality(session, actor=actor, survey_id=survey_id)
    forms = report.forms
    flagged = report.flagged("interviewer")
    waiting = forms["review_state"].isin(["received", "corrected"])
    signal = forms[list(SIGNALS)].any(axis=1)
    ok = waiting & ~signal & ~forms["interviewer"].astype(str).isin(flagged)
    return forms.loc[ok, "form_code"].astype(str).tolist()


def accept_clean(session: Session, *, actor: Actor, survey_id: int, comment: str = "") -> int:
    """Accept every clean waiting form (:func:`clean_forms`) in one step."""
    codes = clean_forms(session, actor=actor, survey_id=survey_id)
    return review_forms(
        session,
        actor=actor,
        survey_id=survey_id,
        form_codes=codes,
        action="accept",
        comment=comment or "no quality flag",
    )


def history(session: Session, *, actor: Actor, form_id: int) -> pd.DataFrame:
    actor = authorize(session, actor, "review_forms")
    rows = session.exec(orm_select(FormReview).where(FormReview.form_id == form_id).order_by(col(FormReview.id))).all()
    return pd.DataFrame(
        [{"at": r.at, "actor": r.actor, "from": r.from_state, "to": r.to_state, "comment": r.comment} for r in rows]
    )
