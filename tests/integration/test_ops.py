"""Running for real: the official store (init), backups before migrations, backup and restore on SQLite and
PostgreSQL with the audit chain verified, the health check, the nginx configuration, logs without personal
data, demo logins per store, and apps that never migrate."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from backend.audit import verify_chain
from backend.cli import main
from backend.db import get_engine, migrate, session_scope
from backend.logs import event_line
from backend.models import AuditLog, Dataset, ResultRow, ResultSet, User, UserRole
from backend.ops import backup as ops_backup
from backend.ops.health import check_store, make_server
from backend.ops.nginx import Site, nginx_binary, production_example, render
from backend.settings import REPO_ROOT
from tests.conftest import clear_caches


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_logs_never_carry_personal_fields() -> None:
    line = json.loads(event_line("login.failed", username="nguyen.van.a", phone="0912", result_set_id=3))
    assert line["event"] == "login.failed" and line["result_set_id"] == 3
    assert "nguyen.van.a" not in json.dumps(line) and "0912" not in json.dumps(line)
    assert line["redacted"] == ["phone", "username"]


def test_init_makes_an_empty_official_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'official.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PAR_ADMIN_PASSWORD", "a long and secret pass")
    clear_caches()
    assert main(["init", "--admin", "chief"]) == 0
    with session_scope(get_engine(url)) as session:
        users = session.exec(select(User.username)).scalars().all()
        roles = session.exec(select(UserRole.role)).scalars().all()
        assert users == ["chief"] and roles == ["admin"]
        assert _count(session, ResultSet) == 0
        assert session.exec(select(Dataset).where(Dataset.kind == "demo")).first() is None
        assert _count(session, AuditLog) >= 1 and verify_chain(session) == []
    assert main(["init", "--admin", "other"]) == 2  # never twice
    assert "already has users" in capsys.readouterr().err
    monkeypatch.setenv("PAR_ADMIN_PASSWORD", "short")
    assert main(["init"]) == 2
    get_engine(url).dispose()
    clear_caches()


def test_migrate_backs_up_a_store_before_changing_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url, "0002")
    monkeypatch.setenv("DATABASE_URL", url)
    clear_caches()
    assert main(["migrate", "--backup-dir", str(tmp_path / "backups")]) == 0
    saved = list((tmp_path / "backups").glob("store-*-0002.db"))
    assert len(saved) == 1 and oct(saved[0].stat().st_mode)[-3:] == "600"
    assert main(["migrate", "--backup-dir", str(tmp_path / "backups")]) == 0  # at head: nothing to back up
    assert len(list((tmp_path / "backups").iterdir())) == 1
    get_engine(url).dispose()
    clear_caches()


def test_apps_never_migrate() -> None:
    """The apps only check the schema (ensure_current) and say what to run; migrating is an explicit step."""
    for path in sorted((REPO_ROOT / "dashboards").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bmigrate\(|command\.upgrade|import migrate\b|alembic", text), path


def _store_with_history(session: Session) -> None:
    from backend.services.workflow import transition
    from tests.factories import make_user
    from tests.factories_results import make_results

    made = make_results(session, with_hidden=True)
    draft = session.exec(select(ResultSet).where(ResultSet.status == "draft")).scalars().first()
    assert draft is not None and made.hidden_ids
    appraiser = make_user(session, "a", "appraiser")  # roles are read from the store on every action
    transition(session, actor=appraiser, result_set_id=int(draft.id or 0), action="appraise")


def test_sqlite_backup_and_restore_keep_the_audit_chain(session: Session, store_url: str, tmp_path: Path) -> None:
    _store_with_history(session)
    session.commit()
    saved = ops_backup.backup(store_url, tmp_path / "backups", "head")
    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    ops_backup.restore(restored_url, saved)
    with session_scope(get_engine(restored_url)) as restored:
        assert verify_chain(restored) == []
        assert _count(restored, ResultRow) == _count(session, ResultRow) > 0
        assert _count(restored, AuditLog) == _count(session, AuditLog)
    with pytest.raises(Exception, match="exists"):
        ops_backup.restore(restored_url, saved)
    get_engine(restored_url).dispose()


@pytest.mark.pg
def test_postgresql_dump_and_restore_round_trip(pg_server: object, pg_url: str, tmp_path: Path) -> None:
    from tests.pg import PostgresServer

    assert isinstance(pg_server, PostgresServer)
    migrate(pg_url)
    with session_scope(get_engine(pg_url)) as session:
        from backend.reference.loader import load_reference

        load_reference(session, REPO_ROOT / "data" / "reference")
    with session_scope(get_engine(pg_url)) as session:
        _store_with_history(session)
    saved = ops_backup.backup(pg_url, tmp_path / "backups", "head")
    assert saved.suffix == ".dump" and saved.stat().st_size > 10_000
    restored_url = pg_server.create_database()
    try:
        ops_backup.restore(restored_url, saved)
        with session_scope(get_engine(pg_url)) as original, session_scope(get_engine(restored_url)) as restored:
            assert verify_chain(restored) == []
            assert _count(restored, AuditLog) == _count(original, AuditLog) > 0
            assert _count(restored, ResultRow) == _count(original, ResultRow) > 0
            # the audit log stays append-only on the restored copy (its triggers came back with it)
            with pytest.raises(Exception, match=r"(?i)append-only|not allowed|audit"):
                restored.execute(AuditLog.__table__.delete())  # type: ignore[attr-defined]
                restored.flush()
            restored.rollback()
    finally:
        get_engine(restored_url).dispose()
        pg_server.drop_database(restored_url)


def test_health_checks_the_store_through_the_public_login(session: Session, store_url: str, monkeypatch) -> None:
    result = check_store()
    assert result["status"] == "ok" and result["visible_sets"] == 0
    server = make_server(0)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            assert response.status == 200 and json.loads(response.read()) == {"status": "ok"}
        monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/folder/store.db")
        clear_caches()
        assert check_store()["status"] == "unavailable"
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5)
        assert failed.value.code == 503 and json.loads(failed.value.read()) == {"status": "unavailable"}
    finally:
        server.shutdown()
        server.server_close()


def test_nginx_configuration_is_valid(tmp_path: Path) -> None:
    site = Site(
        port=18080,
        releases_dir=tmp_path / "releases",
        public_ports=(18511, 18512),
        prefix=tmp_path,
        internal_port=18502,
        health_port=18590,
        temp_dir=tmp_path / "tmp",
        error_log="stderr",
    )
    text = render(site)
    for needle in (
        "hash $par_route consistent",
        "server 127.0.0.1:18512",
        "proxy_set_header Upgrade $http_upgrade",
        "proxy_set_header X-Forwarded-For $remote_addr",
        "_stcore/metrics { return 404; }",
        "X-Frame-Options",
        "nosniff",
        "Referrer-Policy",
        "frame-ancestors 'self'",
        "gzip on",
        "immutable",
        "location = /healthz",
    ):
        assert needle in text, needle
    example = production_example()
    assert "listen 443 ssl http2" in example and "Strict-Transport-Security" in example
    assert "deny all" in example and "; Secure" in example and "listen 127.0.0.1" not in example
    documented = (REPO_ROOT / "docs" / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert documented.strip() == example.strip(), "regenerate: python -m backend serve --production-example"
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx not installed")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "releases").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_demo_logins_are_written_per_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from backend.commands.seed import credentials_path, write_credentials

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    clear_caches()
    assert credentials_path() == tmp_path / "demo_credentials.txt"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    clear_caches()
    other = credentials_path()
    assert other == tmp_path / "other.demo_credentials.txt"
    write_credentials(other, [("admin", "secret-1", ["admin"])])
    assert oct(other.stat().st_mode)[-3:] == "600" and "other.db" in other.read_text()
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://par_app@db.example:5433/par")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    clear_caches()
    assert credentials_path() == tmp_path / "demo_credentials.db.example_5433_par.txt"
    clear_caches()
