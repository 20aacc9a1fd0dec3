"""`seed`: everything `make run` needs, idempotently.

migrate → reference data → frameworks → published record → demo dataset → demo result sets computed by the
system and published (demo only; such sets can never be approved by a person) → the demo's self-assessments
of every year but the latest recorded as final (appraised history; the latest year's round is opened in the
internal app by an appraiser, to try the cycle) → demo users, one per role including a unit officer (random passwords,
written once to data/demo_credentials.txt for the default store; one file per store, see
:func:`credentials_path`).
Running it again adds nothing that is already there.

Each step is one transaction: it is written completely or not at all. When a step fails, the command says
which one and why (Vietnamese and English, exit status 2); the steps before it stay, so running the seed
again after fixing the cause continues from the failed step.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from backend.auth.access import actor_for
from backend.auth.passwords import new_password
from backend.auth.permissions import Actor
from backend.auth.users import create_user, grant_role
from backend.db import get_engine, migrate, session_scope
from backend.errors import DomainError
from backend.i18n import bilingual, both, t
from backend.ingest.published import load_published
from backend.models import User
from backend.reference.loader import load_reference
from backend.settings import get_settings

#: demo entries of the PAR database made by `make run` (backend/demo/pardb.py)
PARDB_DEMO_DOCUMENTS = 2_000

#: username, role, unit scopes (unit roles only); full names from the catalogue (``store.seed.user.<username>``).
#: One login per role; the unit officer is Hà Nội's (the 34-province unit of 2025 and the 63-province unit
#: before the merger of 2025-07-01).
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin", "admin", ()),
    ("analyst", "analyst", ()),
    ("data_officer", "data_officer", ()),
    ("appraiser", "appraiser", ()),
    ("council", "council", ()),
    ("leader", "leader", ()),
    ("backcheck", "backcheck", ()),
    ("unit_hanoi", "unit_officer", ("province_34:01", "province_63:01")),
    ("editor", "content_editor", ()),
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


def _state(created: bool, lang: str) -> str:
    """A framework file's state after syncing: stored as a new version, or unchanged."""
    return t("fw_store.stored" if created else "fw_store.unchanged", lang)


def credentials_path() -> Path:
    """Where the demo logins of the current store are written: one file per store, so seeding one store never
    overwrites the logins of another. The default store (data/app.db) keeps data/demo_credentials.txt; another
    SQLite file ``x.db`` gets ``x.demo_credentials.txt`` beside it; a PostgreSQL store gets
    ``data/demo_credentials.<host>_<port>_<database>.txt``."""
    url = get_settings().effective_database_url
    if url.startswith("sqlite:///") and url not in ("sqlite:///:memory:",):
        store = Path(url.removeprefix("sqlite:///"))
        name = "demo_credentials.txt" if store.name == "app.db" else f"{store.stem}.demo_credentials.txt"
        return store.parent / name
    parsed = make_url(url)
    label = "_".join(str(p) for p in (parsed.host or "local", parsed.port or 5432, parsed.database or "store"))
    return get_settings().data_dir / f"demo_credentials.{re.sub(r'[^A-Za-z0-9_.-]', '-', label)}.txt"


def ensure_demo_users(session: Session) -> list[tuple[str, str, list[str]]]:
    """Create the demo users if there are no users at all, with random passwords; returns (username,
    password, grants) of those created, for :func:`write_credentials` once the transaction is committed.
    The administrator is created first as the system (bootstrap of an empty store), the others by it."""
    if session.exec(select(User)).first() is not None:
        return []
    created = []
    admin: Actor = Actor.system()
    for username, role, scopes in DEMO_USERS:
        password = new_password()
        user = create_user(
            session,
            actor=admin,
            username=username,
            password=password,
            roles=[role],
            full_name=bilingual(f"store.seed.user.{username}"),
            scope=scopes[0] if scopes else "*",
        )
        for extra in scopes[1:]:
            grant_role(session, actor=admin, username=username, role=role, scope=extra)
        if role == "admin":
            admin = actor_for(session, user)
        created.append((username, password, [f"{role}@{s}" for s in scopes] or [role]))
    return created


def write_credentials(credentials_file: Path, created: list[tuple[str, str, list[str]]]) -> None:
    """The demo logins in a file readable only by its owner, naming the store they belong to."""
    from backend.settings import display_url

    lines = [f"# {bilingual('store.seed.credentials_header')}"]
    lines.append(f"# {bilingual('store.seed.credentials_store')}: {display_url(get_settings().effective_database_url)}")
    lines += [f"{username}\t{password}\t{','.join(roles)}" for username, password, roles in created]
    handle = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    credentials_file.chmod(0o600)


def run(args: argparse.Namespace) -> int:
    settings, lang = get_settings(), args.lang
    if not args.no_demo:
        ensure_demo_key()  # before the migrations: 0009 hashes and encrypts the phones of an older demo store
    with announced("migrate"):
        migrate()
        _note(t("store.seed.schema_at_head", lang))

    with step("reference") as session:
        _note(load_reference(session, settings.reference_dir).text(lang))

    from backend.frameworks import load_all, sync_frameworks

    with step("frameworks") as session:
        results = sync_frameworks(session, load_all(settings.frameworks_dir))
        states = [(r.code, r.version, _state(r.created, lang)) for r in results]
        _note("; ".join(t("store.seed.framework", lang, code=c, version=v, state=s) for c, v, s in states))

    with step("published") as session:
        _note(load_published(session, settings.published_dir, settings.reference_dir).text(lang))

    if not args.no_demo:
        seed_demo(args)

    if not args.no_users:
        with step("users") as session:
            created = ensure_demo_users(session)
        if created:
            credentials = credentials_path()
            write_credentials(credentials, created)
            users = ", ".join(u for u, _, _ in created)
            print(t("store.seed.users_created", lang, users=users, path=credentials), file=sys.stderr)
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
    from backend.services.rounds import record_demo_history
    from backend.services.workflow import publish_demo

    years = parse_years(args.years)
    with step("demo", first=years[0], last=years[-1], scale=args.scale) as session:
        report = generate_demo(
            session, years=years, scale=args.scale, seed=args.seed, upgrade=True, progress=_note, lang=args.lang
        )
        _note(report.text(args.lang))
        dataset_name = report.dataset_name

    for year in years:
        with step("compute", year=year) as session:
            result_sets = ensure_computed(
                session,
                year=year,
                dataset=dataset_name,
                bootstrap=args.bootstrap,
                seed=args.seed,
                actor=Actor.system(),
            )
            for result_set in result_sets:
                if result_set.status != "published":
                    publish_demo(session, result_set.id)  # type: ignore[arg-type]
            _note(", ".join(f"{r.index_code}/{r.unit_scope} v{r.version}" for r in result_sets))

    # the latest demo year is left without a round: an appraiser opens it in the internal app to try the cycle
    history = list(years[:-1])
    if history:
        with step("demo_history") as session:
            added = record_demo_history(session, actor=Actor.system(), dataset=dataset_name, years=history)
            _note(f"{added} demo self-assessments recorded as final ({history[0]}-{history[-1]})")
    from backend.demo.pardb import ensure_pardb_demo

    with step("pardb", documents=PARDB_DEMO_DOCUMENTS) as session:
        made = ensure_pardb_demo(session.connection(), documents=PARDB_DEMO_DOCUMENTS, years=years, seed=args.seed)
        _note(str(made) if made else "already present")
    seed_backcheck(years[-1], args.seed)
