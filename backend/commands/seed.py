"""`seed`: everything `make run` needs, idempotently.

migrate → reference data → frameworks → published record → demo dataset → demo result sets computed
and published (demo only) → demo users (random passwords, written once to data/demo_credentials.txt).
Running it again adds nothing that is already there.

Each step is one transaction: it is written completely or not at all. When a step fails, the command says
which one and why (Vietnamese and English, exit status 2); the steps before it stay, so running the seed
again after fixing the cause continues from the failed step.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from backend.auth.permissions import Actor
from backend.auth.users import create_user
from backend.db import get_engine, migrate, session_scope
from backend.errors import DomainError
from backend.i18n import both, t
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
    ("data_officer", ["data_officer"], "Cán bộ dữ liệu / Data officer"),
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


class SeedStepError(DomainError):
    """A step of the seed failed; nothing of that step was written, the steps before it were."""

    def __init__(self, step: tuple[str, str], cause: BaseException) -> None:
        super().__init__(
            t("store.seed.failed", "vi", step=step[0], detail=_detail(cause, "vi")),
            t("store.seed.failed", "en", step=step[1], detail=_detail(cause, "en")),
            hint_vi=t("store.seed.failed_hint", "vi"),
            hint_en=t("store.seed.failed_hint", "en"),
        )


def _detail(cause: BaseException, lang: str) -> str:
    """What went wrong, in one line: a domain error's own message, else the error type and first line."""
    if isinstance(cause, DomainError):
        return cause.message(lang).rstrip(".")
    origin = getattr(cause, "orig", None) if isinstance(cause, SQLAlchemyError) else None
    error = origin or cause
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}".rstrip(".")


@contextmanager
def announced(key: str, **names: object) -> Iterator[None]:
    """Announce step ``key`` on stderr, then its duration; any failure inside becomes a
    :class:`SeedStepError` naming the step."""
    vi, en = both(f"store.seed.step.{key}", **names)
    print(f"→ {en} / {vi} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        yield
    except SeedStepError:
        raise
    except Exception as exc:
        raise SeedStepError((vi, en), exc) from exc
    print(f"  ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)


@contextmanager
def step(key: str, **names: object) -> Iterator[Session]:
    """One step of the seed in one transaction: committed when the block ends, rolled back (and reported
    as a :class:`SeedStepError`) when anything in it fails."""
    with announced(key, **names), session_scope() as session:
        yield session


def _note(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def credentials_path() -> Path:
    """Beside the SQLite file of the store (data/demo_credentials.txt for the default store), so seeding a
    store elsewhere never overwrites the logins of the default one; in the data folder for PostgreSQL."""
    url = get_settings().effective_database_url
    if url.startswith("sqlite:///") and url not in ("sqlite:///:memory:",):
        return Path(url.removeprefix("sqlite:///")).parent / "demo_credentials.txt"
    return get_settings().data_dir / "demo_credentials.txt"


def ensure_demo_users(session: Session) -> list[tuple[str, str, list[str]]]:
    """Create the demo users if there are no users at all, with random passwords; returns (username,
    password, roles) of those created, for :func:`write_credentials` once the transaction is committed."""
    if session.exec(select(User)).first() is not None:
        return []
    created = []
    for username, roles, full_name in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        create_user(
            session, actor=Actor.system(), username=username, password=password, roles=roles, full_name=full_name
        )
        created.append((username, password, roles))
    return created


def write_credentials(credentials_file: Path, created: list[tuple[str, str, list[str]]]) -> None:
    """The demo logins in a file readable only by its owner."""
    lines = ["# Demo logins for the internal app (generated; delete this file after noting them)."]
    lines += [f"{username}\t{password}\t{','.join(roles)}" for username, password, roles in created]
    credentials_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    credentials_file.chmod(0o600)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not args.no_demo:
        ensure_demo_key()  # before the migrations: 0004 hashes and encrypts the phones of an older demo store
    with announced("migrate"):
        migrate()
        _note("schema at head")

    with step("reference") as session:
        _note(str(load_reference(session, settings.reference_dir)))

    from backend.frameworks import load_all, sync_frameworks

    with step("frameworks") as session:
        results = sync_frameworks(session, load_all(settings.frameworks_dir))
        _note("; ".join(f"{r.code} v{r.version} ({'new' if r.created else 'unchanged'})" for r in results))

    with step("published") as session:
        _note(str(load_published(session, settings.published_dir, settings.reference_dir)))

    if not args.no_demo:
        seed_demo(args)

    if not args.no_users:
        with step("users") as session:
            created = ensure_demo_users(session)
        if created:
            credentials = credentials_path()
            write_credentials(credentials, created)
            print(
                f"demo users created: {', '.join(u for u, _, _ in created)} — passwords in {credentials}",
                file=sys.stderr,
            )
    get_engine().dispose()
    return 0


def ensure_demo_key() -> None:
    """The demo stores respondents' phones hashed and encrypted: without a configured key, make one in the key
    file (random, owner-only, never committed) and say where it is."""
    from backend.personal import configured_key, create_key_file, key_file

    if configured_key() is None and create_key_file(key_file()):
        _note(f"personal-data key created in {key_file()} (owner-only; back it up, or set PERSONAL_DATA_KEY)")


def seed_backcheck(year: int, seed: int) -> None:
    """A back-check round of the demo's last SIPAS survey (sample drawn, calls simulated and imported), once."""
    from sqlmodel import select as orm_select

    from backend.models import BackcheckSample, Dataset, Survey
    from backend.services.demo_checks import demo_backcheck

    with step("backcheck", year=year) as session:
        survey = session.exec(
            orm_select(Survey)
            .join(Dataset, Dataset.id == Survey.dataset_id)  # type: ignore[arg-type]
            .where(Dataset.kind == "demo", Survey.index_code == "SIPAS", Survey.year == year)
        ).first()
        if (
            survey is None
            or session.exec(orm_select(BackcheckSample).where(BackcheckSample.survey_id == survey.id)).first()
        ):
            _note("already present")
            return
        _note(f"sample {demo_backcheck(session, int(survey.id), seed)} drawn and its calls imported")  # type: ignore[arg-type]


def seed_demo(args: argparse.Namespace) -> None:
    """Demo dataset, then every index of every demo year computed once and published (demo only)."""
    from backend.demo import generate_demo, parse_years
    from backend.services.compute import ensure_computed
    from backend.services.workflow import publish_demo

    years = parse_years(args.years)
    with step("demo", first=years[0], last=years[-1], scale=args.scale) as session:
        report = generate_demo(session, years=years, scale=args.scale, seed=args.seed, upgrade=True, progress=_note)
        _note(str(report))
        dataset_name = report.dataset_name

    for year in years:
        with step("compute", year=year) as session:
            result_sets = ensure_computed(
                session, year=year, dataset=dataset_name, bootstrap=args.bootstrap, seed=args.seed, actor="seed"
            )
            for result_set in result_sets:
                if result_set.status != "published":
                    publish_demo(session, result_set.id)  # type: ignore[arg-type]
            _note(", ".join(f"{r.index_code}/{r.unit_scope} v{r.version}" for r in result_sets))
    seed_backcheck(years[-1], args.seed)
