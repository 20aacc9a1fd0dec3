"""The internal app's only way to the backend: every call opens its own session, runs one service (which
checks the acting user's permission) and returns plain data. Pages never open a database session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from backend.audit import verify_chain
from backend.auth.permissions import Actor
from backend.auth.users import authenticate
from backend.db import ensure_current, session_scope
from backend.services import internal_query, workflow


def check_store() -> None:
    """Raise a DomainError (bilingual, with what to run) when the store is not migrated."""
    ensure_current()


def login(username: str, password: str) -> Actor | None:
    with session_scope() as session:
        return authenticate(session, username.strip(), password)


def result_sets(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return internal_query.list_result_sets(session, actor=actor)


def result_set_detail(actor: Actor, result_set_id: int, metric: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The set's rows of ``metric`` (unit officers: their own units only) and its workflow history."""
    with session_scope() as session:
        rows = internal_query.result_rows(session, actor=actor, result_set_id=result_set_id, metric=metric)
        return rows, workflow.history(session, result_set_id)


def possible_actions(actor: Actor, status: str) -> list[str]:
    return [name for name, (perm, sources, _) in workflow.TRANSITIONS.items() if status in sources and actor.can(perm)]


def transition(actor: Actor, result_set_id: int, action: str, reason: str, publish_at: dt.datetime | None) -> None:
    with session_scope() as session:
        workflow.transition(
            session, actor=actor, result_set_id=result_set_id, action=action, reason=reason, publish_at=publish_at
        )


def audit(actor: Actor) -> tuple[pd.DataFrame, list[int]]:
    """The newest audit entries and the ids where the hash chain is broken (empty = intact)."""
    with session_scope() as session:
        return internal_query.audit_entries(session, actor=actor), verify_chain(session)


def report_statuses() -> tuple[str, ...]:
    """Statuses of a set from which the annual report may be drafted."""
    from backend.publication.bundle import RELEASABLE

    return RELEASABLE


def annual_report(actor: Actor, result_set_id: int, lang: str) -> tuple[str, bytes]:
    """The annual report (DOCX, from the ministry's template) of an approved or published set, for an actor
    allowed to ``draft_report``: (file name, bytes). The PDF is made by `python -m backend report`."""
    from backend.publication.bundle import load_bundle
    from backend.publication.report import file_stem, render_docx

    with session_scope() as session:
        bundle = load_bundle(session, result_set_id, actor=actor, action="draft_report")
        return f"{file_stem(bundle, lang)}.docx", render_docx(bundle, lang)
