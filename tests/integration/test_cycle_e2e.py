"""The whole yearly cycle on demo data, from self-assessment to publication: round, submissions with evidence,
preliminary appraisal with a reason, explanation, final appraisal, computing as a signed-in analyst (CLI),
maker ≠ checker, council, approval, the unit's preview, scheduled publication, the public side seeing it only
once its time has come; then a correction published with its erratum beside the old version."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from sqlmodel import Session, select

from backend.audit import audited_scope, check_chain
from backend.auth.permissions import Actor
from backend.cli import main as cli_main
from backend.db import get_engine, get_public_engine, session_scope
from backend.demo import generate_demo
from backend.errors import DomainError, PermissionDenied
from backend.frameworks import load_all, sync_frameworks
from backend.models import AuditLog, ResultSet, Unit, UserRole
from backend.published import store as read_model
from backend.services import appraisal, assessment, evidence, internal_query, rounds
from backend.services.appraisal import Decision
from backend.services.assessment import ScoreEntry
from backend.services.compute import compute_index
from backend.services.versions import version_diff
from backend.services.workflow import transition
from backend.settings import REPO_ROOT, get_settings
from tests.factories import PASSWORD, make_user

YEAR = 2025
HANOI = "province_34:01"
PDF = b"%PDF-1.7\n% explanation\n%%EOF\n"


def _officers(session: Session) -> tuple[Actor, Actor]:
    """Hà Nội's officer, and one officer holding every other province (standing in for 33 officers)."""
    hanoi = make_user(session, "hanoi", "unit_officer", scope=HANOI)
    others = make_user(session, "provinces", "unit_officer", scope="province_34:04")
    user_id = int(others.user_id or 0)
    for unit in session.exec(select(Unit).where(Unit.kind == "province_34")).all():
        if f"province_34:{unit.code}" not in (HANOI, "province_34:04"):
            session.add(UserRole(user_id=user_id, role="unit_officer", scope=f"province_34:{unit.code}"))
    session.flush()
    return hanoi, others


@pytest.mark.slow
def test_the_cycle_from_self_assessment_to_publication(store_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_DIR", str(tmp_path / "evidence"))
    get_settings.cache_clear()
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
        generate_demo(session, years=[YEAR], scale="small", seed=5)
    with session_scope(engine) as session:  # what seeding does: the demo computed by the system, published
        seeded = compute_index(session, index="par", year=YEAR, dataset="demo", actor=Actor.system())
        seeded_id = int(seeded.id or 0)
        hanoi, others = _officers(session)
        binh, chi, dung = (
            make_user(session, n, r) for n, r in (("binh", "appraiser"), ("chi", "council"), ("dung", "leader"))
        )
        lan = make_user(session, "lan", "analyst", "leader")  # computes, so may not approve
        now = dt.datetime.now(dt.UTC)
        rounds.open_round(
            session,
            actor=binh,
            year=YEAR,
            scope="province",
            dataset="demo",
            submit_deadline=now + dt.timedelta(days=7),
            explain_deadline=now + dt.timedelta(days=14),
        )

    # 1. self-assessment: Hà Nội raises one score with a new document; every unit submits
    with session_scope(engine) as session:
        ids = {r["unit"]: int(r["id"]) for r in assessment.assessments(session, actor=binh).to_dict("records")}
        assert len(ids) == 34
        tree = assessment.view(session, actor=hanoi, assessment_id=ids[HANOI]).tree
        raised = tree.iloc[0]
        assessment.save_draft(
            session,
            actor=hanoi,
            assessment_id=ids[HANOI],
            entries=[ScoreEntry(str(raised.code), float(raised.max_points), "all documents issued")],
        )
        evidence.upload(session, actor=hanoi, score_id=int(raised.score_id), filename="plan.pdf", data=PDF)
        for unit, assessment_id in ids.items():
            assessment.submit(session, actor=hanoi if unit == HANOI else others, assessment_id=assessment_id)

    # 2. preliminary appraisal: Hà Nội's raised score is cut back, with a reason; the others are accepted
    with session_scope(engine) as session:
        cut = Decision(str(raised.code), float(raised.max_points) / 2, "two of the four plans were not issued")
        for unit, assessment_id in ids.items():
            appraisal.preliminary(
                session, actor=binh, assessment_id=assessment_id, decisions=[cut] if unit == HANOI else []
            )
    # 3. Hà Nội explains with a new document; 4. the final appraisal
    with session_scope(engine) as session:
        score_id = int(raised.score_id)
        evidence.upload(
            session, actor=hanoi, score_id=score_id, filename="issued.pdf", data=PDF + b" ", stage="explanation"
        )
        appraisal.explain(
            session,
            actor=hanoi,
            assessment_id=ids[HANOI],
            explanations={str(raised.code): "the third plan was issued on 30/12"},
            send=True,
        )
        for unit, assessment_id in ids.items():
            decisions = [Decision(cut.code, cut.score + 1.0, "the third plan counts")] if unit == HANOI else []
            appraisal.finalise(session, actor=binh, assessment_id=assessment_id, decisions=decisions)
        final = assessment.view(session, actor=hanoi, assessment_id=ids[HANOI]).tree.iloc[0]
        assert final.appraisal_score == cut.score + 1.0 and final.explanation.startswith("the third plan")

    # 5. computing: the CLI signs the analyst in; a wrong password is refused and audited
    monkeypatch.setenv("PAR_PASSWORD", "not the password")
    args = ["--database-url", store_url, "compute", "--index", "par", "--year", str(YEAR), "--dataset", "demo"]
    assert cli_main([*args, "--as", "lan"]) == 2
    monkeypatch.setenv("PAR_PASSWORD", PASSWORD)
    assert cli_main(args) == 2  # nobody signed in
    assert cli_main([*args, "--as", "lan", "--bootstrap", "30"]) == 0
    with session_scope(engine) as session:
        rs = session.exec(select(ResultSet).where(ResultSet.computed_by == "lan")).one()
        rid = int(rs.id or 0)
        diff = version_diff(session, rs)  # against the seeded version: Hà Nội's scores are among the inputs
        assert diff.previous is not None and diff.previous.id == seeded_id
        assert ("unit", HANOI) in set(map(tuple, diff.inputs[["input", "detail"]].to_numpy().tolist()))
        assert session.exec(select(AuditLog).where(AuditLog.action == "login_failed", AuditLog.actor == "lan")).first()

    # 6. the workflow: maker ≠ checker, the system's seeded set is never approved
    with session_scope(engine) as session:
        transition(session, actor=binh, result_set_id=rid, action="appraise", reason="inputs are the final appraisal")
        transition(session, actor=chi, result_set_id=rid, action="agree", reason="council meeting 12/3")
        with pytest.raises(DomainError, match="maker"):
            transition(session, actor=lan, result_set_id=rid, action="approve")
        with pytest.raises(DomainError, match="demo seeding"):
            transition(session, actor=binh, result_set_id=seeded_id, action="appraise")
        transition(session, actor=dung, result_set_id=rid, action="approve", reason="approved by the Minister")
    # 7. the unit previews its own result between approval and publication; never the others'
    with session_scope(engine) as session:
        preview = internal_query.unit_preview(session, actor=hanoi)
        mine = preview[preview["result_set_id"] == rid]
        assert set(mine.loc[mine["scope"] == "unit", "scope_code"]) == {HANOI} and not mine["public"].any()
        with pytest.raises(PermissionDenied):
            internal_query.result_rows(session, actor=hanoi, result_set_id=rid)
    # 8. scheduled publication: not public before its time, public after
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    with session_scope(engine) as session:
        transition(session, actor=dung, result_set_id=rid, action="publish", publish_at=when)
    with session_scope(get_public_engine()) as public:
        assert rid not in {s.id for s in read_model.catalogue(public).versions}
    time.sleep(max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0) + 1.5)
    with session_scope(get_public_engine()) as public:
        catalogue = read_model.catalogue(public)
        assert catalogue.by_id(rid) is not None and catalogue.get("PAR_INDEX", "province", YEAR).id == rid  # type: ignore[union-attr]

    # 9. a correction: a final score corrected with a reason, a new version naming the published one, an erratum
    with session_scope(engine) as session:
        appraisal.correct_final(
            session,
            actor=binh,
            assessment_id=ids[HANOI],
            code=cut.code,
            score=cut.score,
            reason="the third plan was issued in the next year",
        )
    with audited_scope(engine) as session:
        fix = compute_index(
            session,
            index="par",
            year=YEAR,
            dataset="demo",
            actor=lan,
            corrects=rid,
            erratum="Hà Nội's plan of 30/12 belonged to the next year",
        )
        fix_id = int(fix.id or 0)
        for actor, step in ((binh, "appraise"), (chi, "agree"), (dung, "approve"), (dung, "publish")):
            transition(session, actor=actor, result_set_id=fix_id, action=step, reason="correction")
    with session_scope(get_public_engine()) as public:
        catalogue = read_model.catalogue(public)
        current = catalogue.get("PAR_INDEX", "province", YEAR)
        assert current is not None and current.id == fix_id and current.supersedes_id == rid
        assert catalogue.by_id(rid) is not None  # the old version stays public, for citations
        changes = json.loads(current.erratum_changes)
        assert changes["superseded_id"] == rid and HANOI in [c["unit"] for c in changes["index_changes"]]
    with session_scope(engine) as session:
        assert check_chain(session).intact
    get_settings.cache_clear()
