"""The internal app's way to the data-in services (issue 8): imports, templates, batches, quality and review,
back-checks, fieldwork progress. Like dashboards/internal_access.py, every call opens its own session, runs one
service (which checks the acting user's permission against the store) and returns plain data; pages never open
a session. Refusals are recorded even though the call's own work is rolled back (``audited_scope``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pandas as pd

from backend.audit import audited_scope
from backend.auth.permissions import Actor
from backend.db import session_scope
from backend.services import backchecks, batches, fieldwork, review
from backend.services.exports import csv_bytes
from backend.services.ingestion import ImportRequest, ImportSummary, import_file
from backend.services.quality import survey_quality, surveys, valid_rate
from backend.services.reports import error_report, template_file


@lru_cache(maxsize=32)
def template(kind: str, year: int, fmt: str, scope: str = "province") -> tuple[str, bytes]:
    """A template file (generated from the questionnaire and framework files, which do not change while the app
    runs: kept once made)."""
    with session_scope() as session:
        return template_file(session, kind, year, fmt, scope)


def run_import(actor: Actor, request: ImportRequest, progress: Callable[[float, str], None]) -> ImportSummary:
    """One import in one transaction (nothing is written when it fails)."""
    with audited_scope() as session:
        return import_file(session, actor=actor, request=request, progress=progress)


def report_file(summary: ImportSummary, fmt: str) -> bytes:
    return error_report(summary, fmt)


def list_batches(actor: Actor) -> pd.DataFrame:
    with audited_scope() as session:
        return batches.list_batches(session, actor=actor)


def rollback(actor: Actor, batch_id: int, reason: str) -> dict[str, int]:
    with audited_scope() as session:
        return batches.rollback_batch(session, actor=actor, batch_id=batch_id, reason=reason)


def quarantine_csv(actor: Actor) -> tuple[int, bytes]:
    with audited_scope() as session:
        frame = batches.quarantine_frame(session, actor=actor)
    return len(frame), csv_bytes(frame)


def survey_list() -> pd.DataFrame:
    """Every survey (id, dataset, kind, index_code, year): names only, nothing personal."""
    with session_scope() as session:
        return surveys(session)


def quality(actor: Actor, survey_id: int) -> dict[str, Any]:
    """Flags with the forms behind them, metrics per level, valid rates per province, review counts."""
    with audited_scope() as session:
        frame, report = survey_quality(session, actor=actor, survey_id=survey_id)
    forms = frame.forms
    return {
        "flags": report.flags,
        "metrics": report.metrics,
        "valid_rate": valid_rate(forms),
        "states": forms.groupby(["review_state", "status"]).size().rename("forms").reset_index(),
        "waiting": forms.loc[forms["review_state"].isin(["received", "corrected"]), "form_code"].astype(str).tolist(),
    }


def review_forms(actor: Actor, survey_id: int, codes: list[str], action: str, comment: str) -> int:
    with audited_scope() as session:
        return review.review_forms(
            session, actor=actor, survey_id=survey_id, form_codes=codes, action=action, comment=comment
        )


def accept_clean(actor: Actor, survey_id: int) -> int:
    with audited_scope() as session:
        return review.accept_clean(session, actor=actor, survey_id=survey_id)


def samples(actor: Actor, survey_id: int) -> pd.DataFrame:
    with audited_scope() as session:
        return backchecks.samples(session, actor=actor, survey_id=survey_id)


def draw(actor: Actor, survey_id: int, share: float, minimum: int, seed: int) -> int:
    with audited_scope() as session:
        return backchecks.draw(
            session, actor=actor, survey_id=survey_id, share=share, min_per_interviewer=minimum, seed=seed
        )


def sample_cases(actor: Actor, sample_id: int) -> pd.DataFrame:
    with audited_scope() as session:
        return backchecks.cases(session, actor=actor, sample_id=sample_id)


def contacts_csv(actor: Actor, sample_id: int) -> bytes:
    """The contact list with phone numbers (back-check role only; the service refuses anyone else)."""
    with audited_scope() as session:
        return csv_bytes(backchecks.contacts(session, actor=actor, sample_id=sample_id))


def import_outcomes(actor: Actor, sample_id: int, name: str, data: bytes) -> backchecks.OutcomeImport:
    with audited_scope() as session:
        return backchecks.import_outcomes(session, actor=actor, sample_id=sample_id, file_name=name, data=data)


def backcheck_report(actor: Actor, sample_id: int) -> backchecks.BackcheckReport:
    with audited_scope() as session:
        return backchecks.report(session, actor=actor, sample_id=sample_id)


def reason_codes() -> list[dict[str, str]]:
    return backchecks.reason_codes()


def invalidate(actor: Actor, survey_id: int, codes: list[str], reason: str, note: str) -> int:
    with audited_scope() as session:
        return backchecks.invalidate(
            session, actor=actor, survey_id=survey_id, form_codes=codes, reason=reason, note=note
        )


def progress(actor: Actor, survey_id: int, day: dt.date | None) -> dict[str, Any]:
    with audited_scope() as session:
        return fieldwork.fieldwork(session, actor=actor, survey_id=survey_id, day=day)


def geojson_for_year(year: int) -> dict[str, Any]:
    from geo.loader import geojson_for_year as load

    return load(year)


def archipelagos() -> tuple[dict[str, Any], ...]:
    from geo.loader import ARCHIPELAGOS

    return ARCHIPELAGOS
