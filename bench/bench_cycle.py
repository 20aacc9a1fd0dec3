"""Benchmark of the yearly cycle's internal side (issue 9): the leaders' approval panel of a full-scale result set
(cold and warm), one approval under 20 concurrent attempts, and the time of a login for an existing and an
unknown user (real argon2id parameters).

    .venv/bin/python bench/bench_cycle.py                    # full-scale demo (2023-2024) in a temp folder
    .venv/bin/python bench/bench_cycle.py --scale small      # quicker
    .venv/bin/python bench/bench_cycle.py --pg               # the concurrent approval on PostgreSQL as well

What is timed, and checked to have happened:

* panel: in a fresh process, ``backend.services.panel.approval_panel`` for PAR INDEX provinces 2024 (63
  provinces, 200 bootstrap replicates, version 2 against the system's version 1 and against the published
  2023), as a leader, then the approval page itself (AppTest: the page script as the server runs it, map and
  tables included). *Cold*: the first call in the process after the imports (nothing of the set in memory;
  the operating system's file cache is not emptied); *warm*: the median of the further calls (the set's
  figures are kept in memory; status, adjustments, quality and history re-read). The bench checks that the
  panel has 63 ranked units, rank intervals, a last-year comparison and a version diff, and the page its 8 tabs;
* approval: 20 leaders approve the same agreed set at the same moment (threads, own connections); the bench
  checks that exactly one won and 19 got a refusal, and reports the winner's call time and the slowest refusal,
  over five trials;
* login: ``authenticate`` with a wrong password for an existing user and for an unknown one (median of ten
  each); both verify one argon2id hash.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ATTEMPTS = 20
YEARS = (2023, 2024)


def build(url: str, scale: str) -> dict[str, int]:
    """Reference, frameworks, the demo at ``scale``, 2023 published by the system, 2024 computed by the system
    (v1) and by an analyst (v2, with 200 replicates), v2 appraised and agreed."""
    from backend.auth.permissions import Actor
    from backend.db import get_engine, migrate, session_scope
    from backend.demo import generate_demo
    from backend.frameworks import load_all, sync_frameworks
    from backend.reference.loader import load_reference
    from backend.services.compute import compute_index
    from backend.services.workflow import publish_demo, transition
    from backend.settings import get_settings
    from tests.factories import make_user

    migrate(url)
    engine = get_engine(url)
    settings = get_settings()
    with session_scope(engine) as session:
        load_reference(session, settings.reference_dir)
        sync_frameworks(session, load_all(settings.frameworks_dir))
    started = time.perf_counter()
    with session_scope(engine) as session:
        generate_demo(session, years=list(YEARS), scale=scale, seed=20251)
    print(f"demo {scale} {YEARS[0]}-{YEARS[-1]} generated in {time.perf_counter() - started:.1f} s")
    system = Actor.system()
    with session_scope(engine) as session:
        old = compute_index(session, index="par", year=2023, dataset="demo", bootstrap=200, actor=system)
        publish_demo(session, int(old.id or 0))
        compute_index(session, index="par", year=2024, dataset="demo", bootstrap=200, actor=system)
        analyst = make_user(session, "ana", "analyst")
        appraiser = make_user(session, "binh", "appraiser")
        council = make_user(session, "chi", "council")
        for i in range(ATTEMPTS):
            make_user(session, f"leader{i}", "leader")
        rs = compute_index(session, index="par", year=2024, dataset="demo", bootstrap=200, actor=analyst)
        set_id = int(rs.id or 0)
        transition(session, actor=appraiser, result_set_id=set_id, action="appraise")
        transition(session, actor=council, result_set_id=set_id, action="agree")
    return {"set": set_id}


def panel_times(url: str, set_id: int) -> tuple[float, list[float]]:
    """(cold, warm) seconds of ``approval_panel`` as a leader, in this process (see the module docstring)."""
    from sqlmodel import select

    from backend.auth.access import actor_for
    from backend.db import get_engine, session_scope
    from backend.models import User
    from backend.services.panel import approval_panel

    engine = get_engine(url)
    with session_scope(engine) as session:
        leader = actor_for(session, session.exec(select(User).where(User.username == "leader0")).one())
    times = []
    for _ in range(6):
        started = time.perf_counter()
        with session_scope(engine) as session:
            panel = approval_panel(session, actor=leader, result_set_id=set_id)
        times.append(time.perf_counter() - started)
        units = panel.figures.ranking.table
        assert len(units) == 63 and units["rank_low"].notna().all(), "63 ranked provinces with rank intervals"
        assert panel.figures.previous_year is not None and panel.figures.versions.previous is not None
    return times[0], times[1:]


def page_times(url: str, set_id: int) -> tuple[float, list[float]]:
    """(cold, warm) seconds of the approval page itself (AppTest, the script run as the server runs it, map and
    tables built), as a signed-in leader; cold = the first run in this process."""
    import os

    from sqlmodel import select
    from streamlit.components.v2 import component_manager
    from streamlit.testing.v1 import AppTest

    from backend.auth.access import actor_for
    from backend.db import get_engine, session_scope
    from backend.models import User

    # AppTest scans every installed package for components before each run (~2 s here); a server does it once
    # at start-up: left out, so that the figure is the page's own run
    component_manager.BidiComponentManager.discover_and_register_components = lambda self, **kw: None  # type: ignore[method-assign]
    os.environ["DATABASE_URL"] = url
    with session_scope(get_engine(url)) as session:
        leader = actor_for(session, session.exec(select(User).where(User.username == "leader0")).one())
    app = str(ROOT / "dashboards" / "internal_app.py")
    times = []
    for _ in range(4):
        at = AppTest.from_file(app, default_timeout=300)
        at.session_state["actor"] = leader
        at.session_state["last_activity"] = time.time()
        at.session_state["panel_set"] = set_id
        at.switch_page("internal_pages/approval.py")
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception and len(at.tabs) == 8, at.exception
    return times[0], times[1:]


def child(url: str, set_id: int) -> int:
    """Run in a fresh process (nothing in memory): the service and the page, cold then warm."""
    started = time.perf_counter()
    import backend.services.panel  # noqa: F401 - the imports a server pays once at start-up

    imports = time.perf_counter() - started
    cold, warm = panel_times(url, set_id)
    print(f"  imports (once per server process): {imports:.2f} s")
    print(f"  approval_panel service: cold {cold:.2f} s, warm median {statistics.median(warm):.3f} s")
    page_cold, page_warm = page_times(url, set_id)
    print(f"  approval page (AppTest run): cold {page_cold:.2f} s, warm median {statistics.median(page_warm):.2f} s")
    return 0


def _race_once(engine: Any, leaders: list[Any], set_id: int) -> tuple[list[float], list[float]]:
    """ATTEMPTS leaders approve ``set_id`` at the same moment: the call times of the winners and the losers."""
    from backend.db import session_scope
    from backend.errors import DomainError
    from backend.services.workflow import transition

    barrier = threading.Barrier(ATTEMPTS)
    won: list[float] = []
    lost: list[float] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            with session_scope(engine) as session:
                transition(session, actor=leaders[i], result_set_id=set_id, action="approve", expected_version=0)
        except DomainError:
            with lock:
                lost.append(time.perf_counter() - started)
        else:
            with lock:
                won.append(time.perf_counter() - started)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, lost


def approval_race(url: str, scale_note: str, trials: int = 5) -> list[tuple[float, float]]:
    """(winner's call time, slowest refusal) per trial of ATTEMPTS simultaneous approvals."""
    from sqlmodel import select

    from backend.auth.access import actor_for
    from backend.db import get_engine, session_scope
    from backend.models import ResultSet, User
    from tests.factories import make_result_set

    engine = get_engine(url)
    with session_scope(engine) as session:
        leaders = [
            actor_for(session, session.exec(select(User).where(User.username == f"leader{i}")).one())
            for i in range(ATTEMPTS)
        ]
    out = []
    for _ in range(trials):
        with session_scope(engine) as session:
            set_id = int(make_result_set(session, kind="official", status="agreed", computed_by="ana").id or 0)
        won, lost = _race_once(engine, leaders, set_id)
        assert len(won) == 1 and len(lost) == ATTEMPTS - 1, (len(won), len(lost))
        with session_scope(engine) as session:
            assert session.get(ResultSet, set_id).status == "approved"  # type: ignore[union-attr]
        out.append((won[0], max(lost)))
    print(
        f"approval under {ATTEMPTS} concurrent attempts ({scale_note}): exactly one winner in {trials}/{trials} trials"
    )
    for i, (w, slowest) in enumerate(out, 1):
        print(f"  trial {i}: winner {w * 1000:.0f} ms, slowest refusal {slowest * 1000:.0f} ms")
    print(f"  median winner {statistics.median(w for w, _ in out) * 1000:.0f} ms")
    return out


def login_times(url: str) -> None:
    from argon2 import PasswordHasher

    from backend.auth import passwords
    from backend.auth.login import authenticate
    from backend.db import get_engine, session_scope

    assert isinstance(passwords._HASHER, PasswordHasher)
    engine = get_engine(url)
    with session_scope(engine) as session:  # a real hash (the bench's users were made with the tests' cheap one)
        from sqlmodel import select

        from backend.models import User

        user = session.exec(select(User).where(User.username == "ana")).one()
        user.password_hash = passwords.hash_password("bench password 1")
        session.add(user)
    import os

    from backend.settings import get_settings

    os.environ["LOGIN_MAX_FAILURES"] = "1000"  # no lock during the measure: every attempt checks a password
    get_settings.cache_clear()
    figures: dict[str, list[float]] = {"existing": [], "unknown": []}
    for i in range(10):
        for kind, name in (("existing", "ana"), ("unknown", f"nobody{i}")):
            started = time.perf_counter()
            with session_scope(engine) as session:
                outcome = authenticate(session, name, "wrong password x", address=f"bench-{i}")
            figures[kind].append(time.perf_counter() - started)
            assert outcome.actor is None and outcome.reason == "wrong", outcome
    for kind, values in figures.items():
        print(f"login, wrong password, {kind} user: median {statistics.median(values) * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("full", "small"), default="full")
    parser.add_argument("--pg", action="store_true", help="also race the approvals on a throwaway PostgreSQL")
    parser.add_argument("--child", nargs=2, metavar=("URL", "SET_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'cycle.db'}"
        import os

        os.environ["DATABASE_URL"] = url
        made = build(url, args.scale)
        import subprocess

        print(f"approval panel, PAR INDEX provinces 2024, 63 provinces ({args.scale} demo), a fresh process:")
        subprocess.run([sys.executable, __file__, "--child", url, str(made["set"])], check=True)
        approval_race(url, f"SQLite, {args.scale} store")
        login_times(url)
    if args.pg:
        from backend.db import migrate
        from tests.pg import PostgresServer

        server = PostgresServer.start_or_none()
        assert server is not None, "PostgreSQL could not be started"
        try:
            url = server.create_database()
            migrate(url)
            from backend.db import get_engine, session_scope
            from backend.models import EvaluationYear
            from tests.factories import make_user

            with session_scope(get_engine(url)) as session:
                session.add(
                    EvaluationYear(year=2024, reference_date=dt.date(2024, 12, 31), province_kind="province_63")
                )
                for i in range(ATTEMPTS):
                    make_user(session, f"leader{i}", "leader")
            approval_race(url, "PostgreSQL")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
