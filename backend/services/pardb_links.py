"""Links of PAR database documents: to the PAR criteria of the methodology files, and to the self-assessment
evidence (``evidence``, backend/models/assessments.py) that cites them — shown publicly only for the units and
years whose unit allows it (:func:`share_evidence`, by the unit's own officer).

Evidence candidates for a document are the evidence records whose document number folds to the document's
number (backend/search.fold: "123/QĐ-UBND" = "123/qd-ubnd"), of the document's unit when it has one. Staff link
them one by one; every link, unlink and permission is audited.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlmodel import Session, col, select

from backend import search
from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.models import (
    AssessmentScore,
    Criterion,
    Evidence,
    EvidenceShare,
    ParDocument,
    ParDocumentCriterion,
    ParDocumentEvidence,
    Unit,
)
from backend.services.voice_common import InputRefused, load

EVIDENCE_COLUMNS = ["evidence_id", "ref_code", "title", "unit_id", "year", "criterion", "linked", "shared"]


def set_criteria(session: Session, *, actor: Actor, document_id: int, criterion_ids: list[int]) -> list[int]:
    """The PAR criteria a document is about (replacing the previous list)."""
    actor = authorize(session, actor, "pardb_edit")
    load(session, ParDocument, document_id, "document")
    wanted = sorted({int(i) for i in criterion_ids})
    unknown = [i for i in wanted if session.get(Criterion, i) is None]
    if unknown:
        raise InputRefused([("voice.errors.unknown_criterion", {"ids": ", ".join(map(str, unknown))})])
    current = session.exec(select(ParDocumentCriterion).where(ParDocumentCriterion.document_id == document_id)).all()
    before = sorted(c.criterion_id for c in current)
    for link in current:
        if link.criterion_id not in wanted:
            session.delete(link)
    session.add_all(ParDocumentCriterion(document_id=document_id, criterion_id=i) for i in wanted if i not in before)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="pardb_criteria",
        entity="par_document",
        entity_id=str(document_id),
        detail={"before": before, "after": wanted},
    )
    return wanted


def document_criteria(session: Session, *, actor: Actor, document_id: int) -> list[int]:
    """The ids of the PAR criteria a document is linked to."""
    actor = authorize(session, actor, "pardb_edit")
    query = select(ParDocumentCriterion.criterion_id).where(ParDocumentCriterion.document_id == document_id)
    return sorted(int(i) for i in session.exec(query).all())


def evidence_candidates(session: Session, *, actor: Actor, document_id: int) -> pd.DataFrame:
    """Evidence records citing the document's number (of its unit, if it has one), and whether each is linked
    already and shared by its unit."""
    actor = authorize(session, actor, "pardb_edit")
    document = load(session, ParDocument, document_id, "document")
    number = search.fold(document.number)
    query = select(Evidence, AssessmentScore, Criterion).join(
        AssessmentScore, col(AssessmentScore.id) == col(Evidence.score_id)
    )
    query = query.join(Criterion, col(Criterion.id) == col(AssessmentScore.criterion_id))
    if document.unit_id is not None:
        query = query.where(AssessmentScore.unit_id == document.unit_id)
    linked = set(
        session.exec(
            select(ParDocumentEvidence.evidence_id).where(ParDocumentEvidence.document_id == document_id)
        ).all()
    )
    shared = {(s.unit_id, s.year) for s in session.exec(select(EvidenceShare)).all()}
    records = [
        {
            "evidence_id": evidence.id,
            "ref_code": evidence.ref_code,
            "title": evidence.title,
            "unit_id": score.unit_id,
            "year": score.year,
            "criterion": criterion.code,
            "linked": evidence.id in linked,
            "shared": (score.unit_id, score.year) in shared,
        }
        for evidence, score, criterion in session.exec(query).all()
        if search.fold(evidence.ref_code) == number
    ]
    return pd.DataFrame.from_records(records, columns=EVIDENCE_COLUMNS)


def link_evidence(session: Session, *, actor: Actor, document_id: int, evidence_id: int, linked: bool = True) -> None:
    """Link (or unlink) a document and an evidence record."""
    actor = authorize(session, actor, "pardb_edit")
    load(session, ParDocument, document_id, "document")
    load(session, Evidence, evidence_id, "evidence")
    current = session.get(ParDocumentEvidence, (document_id, evidence_id))
    if linked and current is None:
        session.add(ParDocumentEvidence(document_id=document_id, evidence_id=evidence_id))
    elif not linked and current is not None:
        session.delete(current)
    else:
        return
    session.flush()
    action = "pardb_link_evidence" if linked else "pardb_unlink_evidence"
    record(
        session,
        actor=actor.username,
        action=action,
        entity="par_document",
        entity_id=str(document_id),
        detail={"evidence_id": evidence_id},
    )


def _scope_of(unit: Unit) -> str:
    """A unit's role scope, as user_role.scope writes it: ``<unit kind>:<unit code>``."""
    return f"{unit.kind}:{unit.code}"


def share_evidence(session: Session, *, actor: Actor, unit_id: int, year: int, allow: bool) -> bool:
    """A unit's officer allows (or stops) showing which of the unit's evidence of ``year`` the PAR database
    links. Only for a unit in the officer's scope."""
    unit = load(session, Unit, unit_id, "unit")
    actor = authorize(session, actor, "share_evidence", unit=_scope_of(unit))  # its own unit only
    current = session.get(EvidenceShare, (unit_id, year))
    if allow and current is None:
        session.add(
            EvidenceShare(unit_id=unit_id, year=year, allowed_by=actor.username, allowed_at=dt.datetime.now(dt.UTC))
        )
    elif not allow and current is not None:
        session.delete(current)
    else:
        return allow
    session.flush()
    action = "evidence_share" if allow else "evidence_unshare"
    record(session, actor=actor.username, action=action, entity="unit", entity_id=str(unit_id), detail={"year": year})
    return allow


def shares(session: Session, *, actor: Actor) -> pd.DataFrame:
    """The years for which the officer's units show their evidence (unit_id, name, year, allowed_by, allowed_at)."""
    actor = authorize(session, actor, "share_evidence")
    units = [u for u in session.exec(select(Unit)).all() if _scope_of(u) in actor.scopes]
    ids = [u.id for u in units]
    rows = session.exec(select(EvidenceShare).where(col(EvidenceShare.unit_id).in_(ids))).all()
    names = {u.id: u.name_vi for u in units}
    columns = ["unit_id", "name", "year", "allowed_by", "allowed_at"]
    records = [
        {
            "unit_id": r.unit_id,
            "name": names.get(r.unit_id, ""),
            "year": r.year,
            "allowed_by": r.allowed_by,
            "allowed_at": r.allowed_at,
        }
        for r in rows
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def officer_units(session: Session, *, actor: Actor) -> pd.DataFrame:
    """The units in an officer's scope (unit_id, name_vi, name_en)."""
    actor = authorize(session, actor, "share_evidence")
    units = [u for u in session.exec(select(Unit).order_by(col(Unit.id))).all() if _scope_of(u) in actor.scopes]
    return pd.DataFrame.from_records(
        [{"unit_id": u.id, "name_vi": u.name_vi, "name_en": u.name_en} for u in units],
        columns=["unit_id", "name_vi", "name_en"],
    )
