"""The yearly cycle of one unit: round, draft, progress, submission, preliminary appraisal with reasons,
explanation with new evidence, final appraisal; evidence uploads checked by content, bounded, never stored
under the uploader's name; a unit officer never reaches another unit's assessment."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, select

from backend.auth.permissions import Actor
from backend.errors import ConflictError, DomainError, PermissionDenied, ValidationError
from backend.frameworks import load_all, sync_frameworks
from backend.models import Assessment, AssessmentScore, Dataset, Evidence
from backend.services import appraisal, assessment, evidence, rounds
from backend.services.appraisal import Decision
from backend.services.assessment import ScoreEntry
from backend.settings import REPO_ROOT, get_settings
from tests.factories import make_user

YEAR, SCOPE = 2024, "ministry"
OWN, OTHER = "ministry:MOJ", "ministry:MOH"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes(part: str = "word/document.xml", macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


@dataclass
class Cycle:
    session: Session
    appraiser: Actor
    officer: Actor
    other_officer: Actor
    own: int
    other: int


@pytest.fixture
def cycle(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cycle]:
    monkeypatch.setenv("EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setenv("EVIDENCE_MAX_MB", "0.01")  # 10 KB: an oversize file is cheap to make
    get_settings.cache_clear()
    sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
    session.add(Dataset(name="cycle", kind="official"))
    session.flush()
    appraiser = make_user(session, "binh", "appraiser")
    now = dt.datetime.now(dt.UTC)
    opened = rounds.open_round(
        session,
        actor=appraiser,
        year=YEAR,
        scope=SCOPE,
        dataset="cycle",
        submit_deadline=now + dt.timedelta(days=7),
        explain_deadline=now + dt.timedelta(days=14),
    )
    assert opened > 10
    ids = {r["unit"]: int(r["id"]) for r in assessment.assessments(session, actor=appraiser).to_dict("records")}
    yield Cycle(
        session,
        appraiser,
        make_user(session, "moj", "unit_officer", scope=OWN),
        make_user(session, "moh", "unit_officer", scope=OTHER),
        ids[OWN],
        ids[OTHER],
    )
    get_settings.cache_clear()


def _fill(c: Cycle) -> list[str]:
    """Score every criterion of the unit at half its maximum, with a note; returns the criterion codes."""
    tree = assessment.view(c.session, actor=c.officer, assessment_id=c.own).tree
    entries = [ScoreEntry(str(r.code), float(r.max_points) / 2, "see decision 12/QĐ") for r in tree.itertuples()]
    assessment.save_draft(c.session, actor=c.officer, assessment_id=c.own, entries=entries)
    return [e.code for e in entries]


def test_round_tree_progress_and_submission(cycle: Cycle) -> None:
    c = cycle
    view = assessment.view(c.session, actor=c.officer, assessment_id=c.own)
    assert view.status == "draft" and view.total >= 7 and view.done == 0
    assert view.tree["max_points"].notna().all() and view.tree["guidance_en"].str.len().gt(0).any()
    with pytest.raises(ValidationError) as missing:
        assessment.submit(c.session, actor=c.officer, assessment_id=c.own)
    assert len(missing.value.problems) == view.total
    with pytest.raises(ValidationError, match="maximum"):
        assessment.save_draft(
            c.session, actor=c.officer, assessment_id=c.own, entries=[ScoreEntry(str(view.tree["code"][0]), 999.0)]
        )
    codes = _fill(c)
    listing = assessment.assessments(c.session, actor=c.officer)
    assert listing["unit"].tolist() == [OWN] and int(listing["done"][0]) == len(codes)  # its own unit only
    assessment.submit(c.session, actor=c.officer, assessment_id=c.own)
    with pytest.raises(DomainError, match="submitted"):  # locked for the unit
        assessment.save_draft(c.session, actor=c.officer, assessment_id=c.own, entries=[ScoreEntry(codes[0], 1.0)])


def test_unit_officer_never_reaches_another_unit(cycle: Cycle) -> None:
    c = cycle
    with pytest.raises(PermissionDenied):
        assessment.view(c.session, actor=c.officer, assessment_id=c.other)
    with pytest.raises(PermissionDenied):
        assessment.save_draft(c.session, actor=c.officer, assessment_id=c.other, entries=[])
    score = c.session.exec(select(AssessmentScore).where(AssessmentScore.unit_id == _unit(c, c.other))).first()
    with pytest.raises(PermissionDenied):
        evidence.upload(c.session, actor=c.officer, score_id=int(score.id or 0), filename="a.pdf", data=PDF)  # type: ignore[union-attr]


def _unit(c: Cycle, assessment_id: int) -> int:
    return int(c.session.get(Assessment, assessment_id).unit_id)  # type: ignore[union-attr]


def test_submission_deadline(cycle: Cycle) -> None:
    c = cycle
    row = c.session.get(Assessment, c.own)
    row.submit_deadline = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)  # type: ignore[union-attr]
    c.session.add(row)
    c.session.flush()
    with pytest.raises(DomainError, match="deadline"):
        _fill(c)


def test_stale_draft_is_a_conflict(cycle: Cycle) -> None:
    c = cycle
    version = assessment.view(c.session, actor=c.officer, assessment_id=c.own).lock_version
    _fill(c)
    with pytest.raises(ConflictError):
        assessment.save_draft(c.session, actor=c.officer, assessment_id=c.own, entries=[], expected_version=version)


def test_appraisal_explanation_and_final(cycle: Cycle) -> None:
    c = cycle
    codes = _fill(c)
    assessment.submit(c.session, actor=c.officer, assessment_id=c.own)
    cut = codes[0]
    with pytest.raises(ValidationError, match="reason"):
        appraisal.preliminary(c.session, actor=c.appraiser, assessment_id=c.own, decisions=[Decision(cut, 0.0)])
    with pytest.raises(PermissionDenied):  # a unit officer does not appraise
        appraisal.preliminary(c.session, actor=c.officer, assessment_id=c.own, decisions=[])
    appraisal.preliminary(
        c.session,
        actor=c.appraiser,
        assessment_id=c.own,
        decisions=[Decision(cut, 0.0, "the decision was not issued in the year")],
    )
    tree = assessment.view(c.session, actor=c.officer, assessment_id=c.own).tree
    assert tree.loc[tree["code"] == cut, "adjusted"].item() and tree["adjusted"].sum() == 1
    with pytest.raises(DomainError, match="explain"):  # finalising waits for the explanation or its deadline
        appraisal.finalise(c.session, actor=c.appraiser, assessment_id=c.own, decisions=[])
    with pytest.raises(ValidationError):  # only adjusted criteria are explained
        appraisal.explain(c.session, actor=c.officer, assessment_id=c.own, explanations={codes[1]: "x"})
    score_id = int(tree.loc[tree["code"] == cut, "score_id"].item())
    evidence.upload(
        c.session, actor=c.officer, score_id=score_id, filename="decision.pdf", data=PDF, stage="explanation"
    )
    appraisal.explain(c.session, actor=c.officer, assessment_id=c.own, explanations={cut: "issued 30/12"}, send=True)
    appraisal.finalise(
        c.session,
        actor=c.appraiser,
        assessment_id=c.own,
        decisions=[Decision(cut, 1.0, "the explanation shows part of it")],
    )
    final = assessment.view(c.session, actor=c.officer, assessment_id=c.own).tree
    assert final.loc[final["code"] == cut, "appraisal_score"].item() == 1.0
    kept = final[final["code"] != cut]
    assert (kept["appraisal_score"] == kept["self_score"]).all()
    adjustments = appraisal.adjustments(
        c.session,
        int(c.session.get(Assessment, c.own).dataset_id),
        YEAR,  # type: ignore[union-attr]
        [_unit(c, c.own)],
    )
    assert adjustments["criterion"].tolist() == [cut] and adjustments["explanation"].tolist() == ["issued 30/12"]
    with pytest.raises(ValidationError):  # a correction of a final score needs its reason
        appraisal.correct_final(c.session, actor=c.appraiser, assessment_id=c.own, code=cut, score=2.0, reason="")
    appraisal.correct_final(c.session, actor=c.appraiser, assessment_id=c.own, code=cut, score=2.0, reason="recount")


def test_whoever_scored_may_not_appraise(cycle: Cycle) -> None:
    c = cycle
    both = make_user(c.session, "both", "unit_officer", "appraiser", scope=OWN)
    tree = assessment.view(c.session, actor=both, assessment_id=c.own).tree
    entries = [ScoreEntry(str(r.code), 0.0, "none") for r in tree.itertuples()]
    assessment.save_draft(c.session, actor=both, assessment_id=c.own, entries=entries)
    assessment.submit(c.session, actor=both, assessment_id=c.own)
    with pytest.raises(DomainError, match="maker"):
        appraisal.preliminary(c.session, actor=both, assessment_id=c.own, decisions=[])


def _score_id(c: Cycle) -> int:
    return int(assessment.view(c.session, actor=c.officer, assessment_id=c.own).tree["score_id"][0])


@pytest.mark.parametrize(
    "name,data,problem",
    [
        ("report.pdf", b"MZ\x90\x00 this is a Windows program", "not a PDF"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("sheet.xlsx", docx_bytes("xl/other.xml"), "not a PDF"),
        ("macro.docx", docx_bytes(macro=True), "not a PDF"),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * 20_000, "MB"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_evidence_wrong_type_and_oversize_are_refused(cycle: Cycle, name: str, data: bytes, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        evidence.upload(cycle.session, actor=cycle.officer, score_id=_score_id(cycle), filename=name, data=data)
    assert not list((get_settings().evidence_dir).glob("*")) if get_settings().evidence_dir.exists() else True


@pytest.mark.parametrize(
    "name", ["../../../../etc/passwd.pdf", "..\\..\\windows\\system32\\x.pdf", "/tmp/evil.pdf", "a\x00b\nc.pdf", ".."]
)
def test_evidence_name_never_becomes_a_path(cycle: Cycle, name: str) -> None:
    c = cycle
    item = evidence.upload(c.session, actor=c.officer, score_id=_score_id(c), filename=name, data=PDF, title="t")
    folder = get_settings().evidence_dir.resolve()
    stored = folder / str(item.stored_name)
    assert stored.is_file() and stored.parent == folder and len(str(item.stored_name)) == 32
    assert "/" not in item.original_name and "\\" not in item.original_name and "\x00" not in item.original_name
    assert [p.name for p in folder.iterdir()] == [item.stored_name] and oct(stored.stat().st_mode)[-3:] == "600"
    assert item.file_kind == "pdf" and item.sha256 and item.size_bytes == len(PDF)


def test_evidence_kinds_duplicates_and_download(cycle: Cycle) -> None:
    c = cycle
    score_id = _score_id(c)
    kinds = [
        evidence.upload(c.session, actor=c.officer, score_id=score_id, filename=n, data=d).file_kind
        for n, d in (
            ("a.pdf", PDF),
            ("b.png", PNG),
            ("c.docx", docx_bytes()),
            ("d.xlsx", docx_bytes("xl/workbook.xml")),
            ("e.jpg", b"\xff\xd8\xff\xe0" + b"1" * 40),
        )
    ]
    assert kinds == ["pdf", "png", "docx", "xlsx", "jpeg"]
    with pytest.raises(ValidationError, match="already"):
        evidence.upload(c.session, actor=c.officer, score_id=score_id, filename="again.pdf", data=PDF)
    item = c.session.exec(select(Evidence).where(Evidence.file_kind == "pdf")).one()
    got = evidence.download(c.session, actor=c.appraiser, evidence_id=int(item.id or 0))
    assert got.data == PDF and got.mime == "application/pdf"
    with pytest.raises(PermissionDenied):
        evidence.download(c.session, actor=c.other_officer, evidence_id=int(item.id or 0))
    (get_settings().evidence_dir / str(item.stored_name)).write_bytes(b"%PDF-forged")
    with pytest.raises(DomainError, match="altered"):
        evidence.download(c.session, actor=c.appraiser, evidence_id=int(item.id or 0))
