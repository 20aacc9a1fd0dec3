"""Evidence files (tài liệu kiểm chứng): uploads checked by content, stored under random names, read back
with their integrity checked.

Rules (issue 9 §3):

* accepted kinds are PDF, DOCX, XLSX, PNG and JPEG, recognised by their content (magic bytes; for DOCX and
  XLSX the Office Open XML parts inside the ZIP), never by the file name or the browser's type; a macro
  part (``vbaProject.bin``) is refused;
* a file larger than ``evidence_max_mb`` (settings) is refused before anything is read into the store;
* the file is stored under a random 32-hex-digit name in ``evidence_dir`` (outside every served folder),
  created exclusively with mode 0600; the uploader's file name is kept cleaned (no folders, no control
  characters, at most 200 characters) for display only, never used as a path;
* the SHA-256 of the content is stored (files are never deleted: the audit trail names them); the same content twice on one criterion is refused; a download
  re-checks the SHA-256 (a changed file is reported, not served) and is an audited export;
* a unit adds evidence to its draft (stage ``self``) before the submission deadline, and to an adjusted
  criterion with its explanation (stage ``explanation``) before the explanation deadline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from backend.audit import record
from backend.auth.access import authorize, authorize_any
from backend.auth.permissions import Actor
from backend.errors import DomainError, NotFoundError, ValidationError
from backend.models import Assessment, AssessmentScore, Evidence
from backend.services import cycle
from backend.settings import get_settings

MIME = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NAME_MAX = 200
_OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def sniff(data: bytes) -> str | None:
    """The kind of a file from its content (pdf, png, jpeg, docx, xlsx), or None when it is none of them."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
            return None
        return next((kind for kind, part in _OOXML.items() if part in names), None)
    return None


def clean_name(name: str) -> str:
    """The uploader's file name for display: the last path part only, without control characters, NFC, at
    most NAME_MAX characters ("file" when nothing is left)."""
    last = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    kept = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    return (kept or "file")[-NAME_MAX:]


def _folder() -> Path:
    folder = get_settings().evidence_dir
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder.resolve()


def _write(data: bytes) -> str:
    """Store ``data`` under a new random name (exclusive create, mode 0600); returns the name."""
    folder = _folder()
    name = secrets.token_hex(16)
    path = (folder / name).resolve()
    assert path.parent == folder  # a random hex name is never a path elsewhere
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return name


def _score(session: Session, score_id: int) -> tuple[AssessmentScore, cycle.Loaded]:
    score = session.get(AssessmentScore, score_id)
    if score is None:
        raise NotFoundError.of("cycle.no_score", id=score_id)
    assessment = session.exec(
        select(Assessment).where(
            Assessment.dataset_id == score.dataset_id,
            Assessment.year == score.year,
            Assessment.unit_id == score.unit_id,
        )
    ).first()
    if assessment is None:
        raise NotFoundError.of("cycle.no_round")
    return score, cycle.load(session, int(assessment.id or 0))


def upload(
    session: Session,
    *,
    actor: Actor,
    score_id: int,
    filename: str,
    data: bytes,
    title: str = "",
    ref_code: str = "",
    stage: str = "self",
) -> Evidence:
    """Attach an evidence file to one criterion of the unit's assessment (see the module rules)."""
    score, loaded = _score(session, score_id)
    a = loaded.assessment
    if stage == "self":
        fresh = authorize(session, actor, "self_assess", unit=loaded.code)
        cycle.check_status(loaded, "draft")
        cycle.before(a.submit_deadline, "cycle.submit_closed")
    else:
        fresh = authorize(session, actor, "explain", unit=loaded.code)
        cycle.check_status(loaded, "preliminary")
        cycle.before(a.explain_deadline, "cycle.explain_closed")
        if (
            score.preliminary_score is None
            or score.self_score is None
            or abs(score.preliminary_score - score.self_score) < 1e-9
        ):
            raise ValidationError.of("cycle.not_adjusted")
    limit = int(get_settings().evidence_max_mb * 1024 * 1024)
    if len(data) > limit:
        raise ValidationError.of(
            "cycle.file_too_big", size=round(len(data) / 1048576, 1), high=get_settings().evidence_max_mb
        )
    if not data:
        raise ValidationError.of("cycle.file_empty")
    kind = sniff(data)
    shown = clean_name(filename)
    if kind is None:
        raise ValidationError.of("cycle.file_type", name=shown)
    digest = hashlib.sha256(data).hexdigest()
    reference = (ref_code.strip() or f"sha256:{digest[:16]}")[:120]
    if any(e.sha256 == digest or e.ref_code == reference for e in _items(session, score_id)):
        raise ValidationError.of("cycle.file_duplicate", name=shown)
    stored = _write(data)
    try:
        item = Evidence(
            score_id=score_id,
            ref_code=reference,
            title=(title.strip() or shown)[:NAME_MAX],
            stage=stage,
            original_name=shown,
            stored_name=stored,
            sha256=digest,
            size_bytes=len(data),
            file_kind=kind,
            uploaded_at=dt.datetime.now(dt.UTC),
            uploaded_by_id=fresh.user_id,
        )
        session.add(item)
        session.flush()
        record(
            session,
            actor=fresh.username,
            action="upload_evidence",
            entity="evidence",
            entity_id=str(item.id),
            detail={
                "unit": loaded.code,
                "criterion_score": score_id,
                "sha256": digest,
                "size": len(data),
                "kind": kind,
                "name": shown,
                "stage": stage,
            },
        )
    except BaseException:
        (_folder() / stored).unlink(missing_ok=True)
        raise
    return item


def _items(session: Session, score_id: int) -> list[Evidence]:
    return list(session.exec(select(Evidence).where(Evidence.score_id == score_id)).all())


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    mime: str
    data: bytes


def download(session: Session, *, actor: Actor, evidence_id: int) -> EvidenceFile:
    """The file of one evidence item, for its unit's officer or anyone who may read assessments; the SHA-256
    is checked and the download is recorded (non-public data)."""
    item = session.get(Evidence, evidence_id)
    if item is None or not item.stored_name:
        raise NotFoundError.of("cycle.no_evidence", id=evidence_id)
    _, loaded = _score(session, item.score_id)
    fresh = authorize_any(session, actor, ("self_assess", "view_assessments"), unit=loaded.code)
    path = _folder() / item.stored_name
    data = path.read_bytes() if path.is_file() else b""
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise DomainError.of("cycle.file_altered", name=item.original_name)
    record(
        session,
        actor=fresh.username,
        action="export",
        entity="evidence",
        entity_id=str(evidence_id),
        detail={"unit": loaded.code, "sha256": item.sha256, "name": item.original_name},
    )
    return EvidenceFile(item.original_name, MIME.get(item.file_kind or "", "application/octet-stream"), data)


def remove(session: Session, *, actor: Actor, evidence_id: int) -> None:
    """Take an evidence item off a draft (its unit's officer, while the assessment is a draft). The stored file
    is kept: the audit trail names its SHA-256."""
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFoundError.of("cycle.no_evidence", id=evidence_id)
    _, loaded = _score(session, item.score_id)
    fresh = authorize(session, actor, "self_assess", unit=loaded.code)
    cycle.check_status(loaded, "draft")
    session.delete(item)
    record(
        session,
        actor=fresh.username,
        action="remove_evidence",
        entity="evidence",
        entity_id=str(evidence_id),
        detail={"unit": loaded.code, "sha256": item.sha256, "name": item.original_name},
    )
    session.flush()
