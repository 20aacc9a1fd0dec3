"""`seed`: everything `make run` needs, idempotently.

migrate → reference data → frameworks → published record → demo dataset → demo result sets computed
and published (demo only) → demo users (random passwords, written once to data/demo_credentials.txt).
Running it again adds nothing that is already there.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

from sqlmodel import Session, select

from backend.auth.permissions import Actor
from backend.auth.users import create_user
from backend.db import get_engine, migrate, session_scope
from backend.ingest.published import load_published
from backend.models import User
from backend.reference.loader import load_reference
from backend.settings import get_settings

DEMO_USERS = (
    ("admin", ["admin"], "Quản trị hệ thống / System administrator"),
    ("analyst", ["analyst"], "Chuyên viên phân tích / Analyst"),
    ("appraiser", ["appraiser"], "Chuyên viên thẩm định / Appraiser"),
    ("council", ["council"], "Thành viên hội đồng / Council member"),
    ("leader", ["leader"], "Lãnh đạo Bộ / Ministry leader"),
    ("backcheck", ["backcheck"], "Cán bộ phúc tra / Back-check officer"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    settings = get_settings()
    parser.add_argument("--years", default=settings.demo_years, help="demo years, e.g. 2022-2025")
    parser.add_argument("--scale", default=settings.demo_scale, choices=["small", "full"])
    parser.add_argument("--seed", type=int, default=settings.demo_seed)
    parser.add_argument("--bootstrap", type=int, default=200, help="bootstrap replicates for demo intervals (0 = none)")
    parser.add_argument(
        "--no-demo", action="store_true", help="only reference data, frameworks and the published record"
    )
    parser.add_argument("--no-users", action="store_true", help="do not create demo users")


def _step(name: str) -> float:
    print(f"→ {name} …", file=sys.stderr, flush=True)
    return time.perf_counter()


def _done(started: float, message: str) -> None:
    print(f"  {message} ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)


def credentials_path() -> Path:
    """Beside the SQLite file of the store (data/demo_credentials.txt for the default store), so seeding a
    store elsewhere never overwrites the logins of the default one; in the data folder for PostgreSQL."""
    url = get_settings().effective_database_url
    if url.startswith("sqlite:///") and url not in ("sqlite:///:memory:",):
        return Path(url.removeprefix("sqlite:///")).parent / "demo_credentials.txt"
    return get_settings().data_dir / "demo_credentials.txt"


def ensure_demo_users(session: Session, credentials_file: Path) -> list[str]:
    """Create the demo users if there are no users at all; their random passwords go to a private file."""
    if session.exec(select(User)).first() is not None:
        return []
    lines = ["# Demo logins for the internal app (generated; delete this file after noting them)."]
    for username, roles, full_name in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        create_user(
            session, actor=Actor.system(), username=username, password=password, roles=roles, full_name=full_name
        )
        lines.append(f"{username}\t{password}\t{','.join(roles)}")
    credentials_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    credentials_file.chmod(0o600)
    return [u for u, _, _ in DEMO_USERS]


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    started = _step("migrations / cấu trúc CSDL")
    migrate()
    _done(started, "schema at head")

    with session_scope() as session:
        started = _step("reference data / dữ liệu tham chiếu")
        _done(started, str(load_reference(session, settings.reference_dir)))

    from backend.frameworks import load_all, sync_frameworks

    with session_scope() as session:
        started = _step("frameworks / khung phương pháp")
        specs = load_all(settings.frameworks_dir)
        results = sync_frameworks(session, specs)
        _done(started, "; ".join(f"{r.code} v{r.version} ({'new' if r.created else 'unchanged'})" for r in results))

    with session_scope() as session:
        started = _step("published record / số liệu đã công bố")
        _done(started, str(load_published(session, settings.published_dir, settings.reference_dir)))

    if not args.no_demo:
        seed_demo(args)

    if not args.no_users:
        with session_scope() as session:
            credentials = credentials_path()
            created = ensure_demo_users(session, credentials)
        if created:
            print(f"demo users created: {', '.join(created)} — passwords in {credentials}", file=sys.stderr)
    get_engine().dispose()
    return 0


def seed_demo(args: argparse.Namespace) -> None:
    """Demo dataset, then every index of every demo year computed once and published (demo only)."""
    from backend.demo import generate_demo, parse_years
    from backend.services.compute import ensure_computed
    from backend.services.workflow import publish_demo

    years = parse_years(args.years)
    with session_scope() as session:
        started = _step(f"demo data {years[0]}–{years[-1]} ({args.scale}) / dữ liệu minh họa")
        report = generate_demo(
            session,
            years=years,
            scale=args.scale,
            seed=args.seed,
            upgrade=True,
            progress=lambda m: print(f"  {m}", file=sys.stderr, flush=True),
        )
        _done(started, str(report))
        dataset_name = report.dataset_name

    for year in years:
        with session_scope() as session:
            started = _step(f"compute {year} / tính chỉ số")
            result_sets = ensure_computed(
                session, year=year, dataset=dataset_name, bootstrap=args.bootstrap, seed=args.seed, actor="seed"
            )
            for result_set in result_sets:
                if result_set.status != "published":
                    publish_demo(session, result_set.id)  # type: ignore[arg-type]
            _done(started, ", ".join(f"{r.index_code}/{r.unit_scope} v{r.version}" for r in result_sets))
