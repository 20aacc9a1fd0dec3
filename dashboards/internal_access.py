"""The internal app's only way to the backend: every call opens its own session, runs one service (which
authorises the acting user against its roles as stored now) and returns plain data. Pages never open a
database session. Refusals are recorded even though the call's own work is rolled back (``audited_scope``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from backend.audit import ChainCheck, audited_scope, check_chain, record
from backend.auth import users
from backend.auth.access import authorize, current
from backend.auth.login import LoginOutcome, authenticate, authenticate_oidc, record_logout
from backend.auth.permissions import Actor
from backend.db import ensure_current, session_scope
from backend.errors import DomainError, PermissionDenied
from backend.services import appraisal, assessment, evidence, internal_query, panel, rounds, workflow
from backend.services.assessment import AssessmentView, ScoreEntry
from backend.services.evidence import EvidenceFile
from backend.services.exports import csv_bytes
from backend.services.internal_query import AuditFilter
from backend.settings import get_settings


def check_store() -> None:
    """Raise a DomainError (bilingual, with what to run) when the store is not migrated."""
    ensure_current()


# ---- login and identity -----------------------------------------------------------------------------------


def login(username: str, password: str, address: str = "") -> Actor:
    """The actor for a correct username and password; the DomainError to show otherwise (the failure is
    committed and audited first)."""
    with session_scope() as session:
        outcome = authenticate(session, username, password, address=address)
    return _outcome(outcome)


def login_oidc(claims: Mapping[str, Any], address: str = "") -> Actor:
    with session_scope() as session:
        outcome = authenticate_oidc(session, claims, address=address)
    return _outcome(outcome)


def _outcome(outcome: LoginOutcome) -> Actor:
    if outcome.actor is None:
        raise outcome.error() or PermissionDenied.of("access.wrong_login")
    return outcome.actor


def refresh(actor: Actor) -> Actor | None:
    """The actor's roles as stored now (navigation follows them); None when the account was disabled."""
    try:
        with audited_scope() as session:
            return current(session, actor)
    except DomainError:
        return None


def logout(actor: Actor, why: str = "logout") -> None:
    with session_scope() as session:
        record_logout(session, actor, why=why)


def idle_seconds() -> int:
    return get_settings().session_idle_minutes * 60


def change_password(actor: Actor, old: str, new: str) -> None:
    with audited_scope() as session:
        users.change_own_password(session, actor=actor, old=old, new=new)


# ---- audit chain watch -------------------------------------------------------------------------------------


@dataclass
class AuditWatch:
    """The chain checked at start-up and then every ``audit_check_minutes`` by a background thread."""

    last: ChainCheck | None = None
    checked_at: dt.datetime | None = None

    def check(self) -> ChainCheck:
        with session_scope() as session:
            self.last = check_chain(session)
        self.checked_at = dt.datetime.now(dt.UTC)
        return self.last

    def start(self) -> AuditWatch:
        self.check()
        period = get_settings().audit_check_minutes * 60

        def loop() -> None:
            while True:
                time.sleep(period)
                try:
                    self.check()
                except Exception:
                    continue

        threading.Thread(target=loop, name="audit-watch", daemon=True).start()
        return self


# ---- result sets and the approval panel --------------------------------------------------------------------


def result_sets(actor: Actor) -> pd.DataFrame:
    with audited_scope() as session:
        return internal_query.list_result_sets(session, actor=actor)


def result_set_detail(actor: Actor, result_set_id: int, metric: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The set's rows of ``metric`` and its workflow history (people who may read drafts)."""
    with audited_scope() as session:
        rows = internal_query.result_rows(session, actor=actor, result_set_id=result_set_id, metric=metric)
        return rows, workflow.history(session, actor=actor, result_set_id=result_set_id)


def possible_actions(actor: Actor, status: str) -> list[str]:
    return workflow.possible_actions(actor, status)


def transition(
    actor: Actor,
    result_set_id: int,
    action: str,
    reason: str,
    publish_at: dt.datetime | None,
    expected_version: int | None = None,
) -> None:
    with audited_scope() as session:
        workflow.transition(
            session,
            actor=actor,
            result_set_id=result_set_id,
            action=action,
            reason=reason,
            publish_at=publish_at,
            expected_version=expected_version,
        )
    from backend.publication.release import PREPARE_AFTER, prepare_after_transition

    if action in PREPARE_AFTER:  # the kit, built privately in the background; released at its minute
        threading.Thread(
            target=prepare_after_transition, args=(result_set_id, action), kwargs={"actor": actor}, daemon=True
        ).start()


def approval_panel(actor: Actor, result_set_id: int) -> panel.ApprovalPanel:
    with audited_scope() as session:
        return panel.approval_panel(session, actor=actor, result_set_id=result_set_id)


def export_set(actor: Actor, result_set_id: int) -> bytes:
    """Every row of a set as CSV (non-public data: the download is recorded)."""
    with audited_scope() as session:
        fresh = authorize(session, actor, "export_results")
        rows = internal_query.result_rows(session, actor=fresh, result_set_id=result_set_id)
        record(
            session,
            actor=fresh.username,
            action="export",
            entity="result_set",
            entity_id=str(result_set_id),
            detail={"rows": len(rows)},
        )
    return csv_bytes(rows)


def unit_preview(actor: Actor) -> pd.DataFrame:
    with audited_scope() as session:
        return internal_query.unit_preview(session, actor=actor)


# ---- self-assessment, appraisal, explanation ----------------------------------------------------------------


def assessments(actor: Actor) -> pd.DataFrame:
    with audited_scope() as session:
        return assessment.assessments(session, actor=actor)


def assessment_view(actor: Actor, assessment_id: int) -> AssessmentView:
    with audited_scope() as session:
        return assessment.view(session, actor=actor, assessment_id=assessment_id)


def save_draft(actor: Actor, assessment_id: int, entries: list[ScoreEntry], version: int) -> None:
    with audited_scope() as session:
        assessment.save_draft(
            session, actor=actor, assessment_id=assessment_id, entries=entries, expected_version=version
        )


def submit(actor: Actor, assessment_id: int, version: int) -> None:
    with audited_scope() as session:
        assessment.submit(session, actor=actor, assessment_id=assessment_id, expected_version=version)


def upload_evidence(actor: Actor, score_id: int, name: str, data: bytes, title: str, stage: str) -> None:
    with audited_scope() as session:
        evidence.upload(session, actor=actor, score_id=score_id, filename=name, data=data, title=title, stage=stage)


def download_evidence(actor: Actor, evidence_id: int) -> EvidenceFile:
    with audited_scope() as session:
        return evidence.download(session, actor=actor, evidence_id=evidence_id)


def appraisal_queue(actor: Actor) -> pd.DataFrame:
    with audited_scope() as session:
        return appraisal.queue(session, actor=actor)


def appraise(actor: Actor, assessment_id: int, decisions: list[appraisal.Decision], final: bool, version: int) -> None:
    step = appraisal.finalise if final else appraisal.preliminary
    with audited_scope() as session:
        step(session, actor=actor, assessment_id=assessment_id, decisions=decisions, expected_version=version)


def explain(actor: Actor, assessment_id: int, texts: dict[str, str], send: bool, version: int) -> None:
    with audited_scope() as session:
        appraisal.explain(
            session, actor=actor, assessment_id=assessment_id, explanations=texts, send=send, expected_version=version
        )


def open_round(
    actor: Actor, year: int, scope: str, submit_at: dt.datetime, explain_at: dt.datetime, dataset: str
) -> int:
    with audited_scope() as session:
        return rounds.open_round(
            session,
            actor=actor,
            year=year,
            scope=scope,
            submit_deadline=submit_at,
            explain_deadline=explain_at,
            dataset=dataset or None,
        )


# ---- users and audit ----------------------------------------------------------------------------------------


def user_list(actor: Actor) -> pd.DataFrame:
    with audited_scope() as session:
        return users.list_users(session, actor=actor)


def manage_user(actor: Actor, operation: str, **values: Any) -> None:
    """One administration step: ``create_user``, ``set_active``, ``reset_password``, ``grant_role`` or
    ``revoke_role`` of backend.auth.users, with its keyword values."""
    allowed = {"create_user", "set_active", "reset_password", "grant_role", "revoke_role"}
    if operation not in allowed:
        raise ValueError(operation)
    with audited_scope() as session:
        getattr(users, operation)(session, actor=actor, **values)


def audit(actor: Actor, flt: AuditFilter) -> tuple[pd.DataFrame, ChainCheck, list[str]]:
    """The matching audit entries, the chain check and the actions present (for the filter)."""
    with audited_scope() as session:
        entries = internal_query.audit_entries(session, actor=actor, flt=flt)
        return entries, check_chain(session), internal_query.audit_actions(session, actor=actor)


def export_audit(actor: Actor, flt: AuditFilter) -> bytes:
    with audited_scope() as session:
        return csv_bytes(internal_query.export_audit(session, actor=actor, flt=flt))


# ---- map boundaries (geo/, not the store) -------------------------------------------------------------------

_GEOJSON: dict[int, dict[str, Any]] = {}


def geojson(year: int) -> dict[str, Any]:
    """Simplified province boundaries of ``year``'s list (63 or 34), loaded once per process (read-only)."""
    from geo.loader import geojson_for_year, province_count_for_year

    count = province_count_for_year(year)
    if count not in _GEOJSON:
        _GEOJSON[count] = geojson_for_year(year)
    return _GEOJSON[count]


def archipelagos() -> tuple[dict[str, Any], ...]:
    from geo.loader import ARCHIPELAGOS

    return ARCHIPELAGOS


def generated_password() -> str:
    """A random password for a new account or a reset (shown once to the administrator)."""
    from backend.auth.passwords import new_password

    return new_password()


# ---- publication day ------------------------------------------------------------------------------------


def report_statuses() -> tuple[str, ...]:
    """Statuses of a set from which the annual report may be drafted."""
    from backend.publication.bundle import RELEASABLE

    return RELEASABLE


def annual_report(actor: Actor, result_set_id: int, lang: str) -> tuple[str, bytes]:
    """The annual report (DOCX, from the ministry's template) of an approved or published set, for an actor
    allowed to ``draft_report``: (file name, bytes). The PDF is made by `python -m backend report`."""
    from backend.publication.bundle import load_bundle
    from backend.publication.report import file_stem, render_docx

    with audited_scope() as session:
        bundle = load_bundle(session, result_set_id, actor=actor, action="draft_report")
        return f"{file_stem(bundle, lang)}.docx", render_docx(bundle, lang)
