"""Benchmark of citizens' voice and the PAR database (issue 11), on SQLite and (when its server binaries are
installed) on a throwaway PostgreSQL cluster:

1. **Submissions per second** the public form's write path accepts from distinct addresses (so within the rate
   limits): ``--submissions`` survey answers (default 2,000) through ``backend.services.submissions.submit_survey``
   and the submission connection — token check, rate-limit and duplicate queries, keyed hashes, the inserts —
   one after another, and again from 4 threads. Checks: every one accepted, and exactly that many responses and
   answers in the store. On SQLite also ``--page-submissions`` (default 30) through the page itself (AppTest).
2. **Search latency** over ``--documents`` generated demo documents (default 100,000, labelled demo): each query
   of ``QUERIES`` (words with and without diacritics, prefixes, a rare word, filters, browsing) ``--repeat``
   times through the public read model and the public connection; median and 95th percentile in ms. Checks: the
   index holds every document, each query returns what it must (non-empty where expected, empty where not), and
   a query with diacritics returns exactly the documents of the same query without them.

Run: ``.venv/bin/python bench/bench_voice.py [--documents 100000] [--submissions 2000] [--no-pg]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench.checks import check

PERSONAL_KEY = "benchmark personal-data key 0123456789abcdef"
# (label, query text, filters, whether it must find something)
QUERIES: list[tuple[str, str, dict[str, object], bool]] = [
    ("two common words, diacritics", "kế hoạch", {}, True),
    ("two common words, folded", "ke hoach", {}, True),
    ("five words, diacritics", "kế hoạch chuyển đổi số năm", {}, True),
    ("five words, folded", "ke hoach chuyen doi so nam", {}, True),
    ("last word a prefix", "chuyen do", {}, True),
    ("unit name, folded", "ha noi", {}, True),
    ("document number", "qd-ubnd", {}, True),
    ("rare words", "đo lường sự hài lòng", {}, True),
    ("words + year + topic", "ke hoach", {"year": 2024, "topic": "digital"}, True),
    ("no match", "zzqx", {}, False),
    ("browse newest", "", {}, True),
    ("browse year + kind", "", {"year": 2023, "kind": "decision"}, True),
]
DIACRITIC_PAIRS = [
    ("two common words, diacritics", "two common words, folded"),
    ("five words, diacritics", "five words, folded"),
]


def point_at(url: str, submission_url: str = "", public_url: str = "") -> None:
    from backend.db import get_engine, get_public_engine, get_submission_engine
    from backend.settings import get_settings

    os.environ["DATABASE_URL"] = url
    os.environ["PERSONAL_DATA_KEY"] = PERSONAL_KEY
    os.environ["VOICE_LIMIT_PER_ADDRESS"] = "30"
    for name, value in (("SUBMISSION_DATABASE_URL", submission_url), ("PUBLIC_DATABASE_URL", public_url)):
        os.environ[name] = value
    os.environ.pop("SUBMISSION_DATABASE_PASSWORD", None)
    os.environ.pop("PUBLIC_DATABASE_PASSWORD", None)
    for cache in (get_settings, get_engine, get_public_engine, get_submission_engine):
        cache.cache_clear()


def prepare(url: str) -> str:
    """Migrate, reference data, one open province survey; returns its public code."""
    from sqlmodel import select

    from backend.db import get_engine, migrate, session_scope
    from backend.models import Unit
    from backend.reference.loader import load_reference
    from backend.services import voice_surveys
    from backend.settings import REPO_ROOT

    migrate(url)
    from bench.people import stored_actor

    now = dt.datetime.now(dt.UTC)
    with session_scope(get_engine(url)) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")
        editor = stored_actor(session, "bench_content_editor", "content_editor")
        unit = session.exec(select(Unit).where(Unit.kind == "province_34", Unit.code == "01")).one()
        survey = voice_surveys.create_survey(
            session, actor=editor, template="province_reform", title_vi="Bench", unit_id=unit.id,
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
        )  # fmt: skip
        voice_surveys.open_survey(session, actor=editor, survey_id=survey.id or 0)
        return survey.code


def submissions_per_second(url: str, code: str, count: int) -> dict[str, float]:
    """Sequential and 4-thread rates of accepted survey answers from distinct addresses."""
    from backend.db import get_engine, get_submission_engine
    from backend.services import submission_rules as rules
    from backend.services import submissions

    writer = get_submission_engine()
    shown = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10)

    def one(n: int) -> str:
        client = rules.Client(address=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", session=f"bench-{n}")
        answers = {"information": 1 + n % 5, "simpler": 1 + n % 4, "conduct": 1 + n % 3, "preferred": "portal"}
        token = rules.issue_token("survey", code, shown)
        return submissions.submit_survey(
            client=client, token=token, survey_code=code, answers=answers, consent=True, engine=writer
        ).status

    rates = {}
    for label, workers, offset in (("sequential", 1, 0), ("4 threads", 4, count)):
        started = time.perf_counter()
        if workers == 1:
            outcomes = [one(offset + n) for n in range(count)]
        else:
            with ThreadPoolExecutor(workers) as pool:
                outcomes = list(pool.map(one, range(offset, offset + count)))
        elapsed = time.perf_counter() - started
        check(
            outcomes.count("accepted") == count,
            f"{label}: {count - outcomes.count('accepted')} submissions not accepted: {set(outcomes)}",
        )
        rates[label] = count / elapsed
    with get_engine(url).connect() as connection:
        responses = connection.execute(text("SELECT count(*) FROM voice_response")).scalar()
        answers = connection.execute(text("SELECT count(*) FROM voice_answer")).scalar()
    check(
        responses == 2 * count and answers == 8 * count,
        f"store holds {responses} responses / {answers} answers, expected {2 * count} / {8 * count}",
    )
    return rates


def page_submissions_per_second(url: str, code: str, count: int) -> float:
    """Answers sent through the public page itself (AppTest: consent, four answers, Send), each from a new
    browser session. AppTest has no network address (every run is "local"), so the per-address limit is raised
    for this measurement only; the per-session limit still applies. Checks: every page said thank you and the
    store holds that many more responses."""
    from streamlit.testing.v1 import AppTest

    from backend.db import get_engine
    from backend.settings import REPO_ROOT, get_settings
    from tests.app.public_helpers import PAGES

    os.environ["VOICE_LIMIT_PER_ADDRESS"] = str(10 * count)
    os.environ["VOICE_MIN_FILL_SECONDS"] = "0"
    get_settings.cache_clear()
    with get_engine(url).connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM voice_response")).scalar() or 0
    app = str(REPO_ROOT / "dashboards" / "public_app.py")
    elapsed = 0.0
    for n in range(count):
        at = AppTest.from_file(app, default_timeout=120)
        at.query_params["survey"] = code
        at.switch_page(PAGES["survey"]).run()
        at.checkbox(key=f"survey_{code}_consent").check().run()
        # every answer different: the same content from one address would be suppressed as a duplicate
        choice = ("portal", "hotline", "meeting", "social")[n // 125 % 4]
        values = (
            ("information", 1 + n % 5),
            ("simpler", 1 + n // 5 % 5),
            ("conduct", 1 + n // 25 % 5),
            ("preferred", choice),
        )
        for item, value in values:
            at.radio(key=f"answer_{code}_{item}").set_value(value)
        started = time.perf_counter()
        at.button[0].click().run()
        elapsed += time.perf_counter() - started
        said = [m.value for m in (*at.error, *at.warning, *at.exception)]
        check(not at.exception and len(at.success) == 1, f"a page submission was not accepted: {said}")
    with get_engine(url).connect() as connection:
        after = connection.execute(text("SELECT count(*) FROM voice_response")).scalar() or 0
    check(after - before == count, f"{after - before} responses stored for {count} page submissions")
    os.environ["VOICE_LIMIT_PER_ADDRESS"] = "30"
    os.environ.pop("VOICE_MIN_FILL_SECONDS", None)
    get_settings.cache_clear()
    return count / elapsed


def generate(url: str, documents: int) -> float:
    from backend.db import get_engine
    from backend.demo.pardb import generate_pardb_demo

    started = time.perf_counter()
    with get_engine(url).begin() as connection:
        report = generate_pardb_demo(connection, documents=documents, years=[2022, 2023, 2024, 2025], seed=11)
    elapsed = time.perf_counter() - started
    with get_engine(url).connect() as connection:
        indexed = connection.execute(text("SELECT count(*) FROM public_search")).scalar()
        demo = connection.execute(
            text("SELECT count(*) FROM par_document d JOIN dataset s ON s.id = d.dataset_id WHERE s.kind = 'demo'")
        ).scalar()
    check(
        report.documents == documents and indexed == documents and demo == documents,
        f"generated {report.documents}, indexed {indexed}, demo-labelled {demo} of {documents}",
    )
    return elapsed


def search_latency(repeat: int) -> dict[str, tuple[float, float, int, bool]]:
    """label -> (median ms, p95 ms, documents returned, more)."""
    from backend.db import get_public_engine, session_scope
    from backend.published.pardb import DocumentQuery, search_documents

    results: dict[str, tuple[float, float, int, bool]] = {}
    found: dict[str, list[int]] = {}
    with session_scope(get_public_engine()) as session:
        for label, words, filters, must_find in QUERIES:
            query = DocumentQuery(text=words, limit=50, **filters)  # type: ignore[arg-type]
            search_documents(session, query)  # warm the page cache once
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                page = search_documents(session, query)
                times.append((time.perf_counter() - started) * 1000)
            check(bool(len(page.documents)) == must_find, f"{label!r} returned {len(page.documents)} documents")
            check(all(page.documents["dataset_kind"] == "demo"), f"{label!r}: a document not labelled demo")
            found[label] = sorted(page.documents["id"].tolist())
            times.sort()
            results[label] = (
                statistics.median(times),
                times[int(0.95 * (len(times) - 1))],
                len(page.documents),
                page.more,
            )
    for with_marks, folded in DIACRITIC_PAIRS:
        check(found[with_marks] == found[folded], f"{with_marks!r} and {folded!r} found different documents")
    return results


def run_store(name: str, url: str, args: argparse.Namespace, submission_url: str = "", public_url: str = "") -> None:
    point_at(url, submission_url, public_url)
    code = prepare(url)
    if submission_url or public_url:  # PostgreSQL: the roles get the privileges of the new objects
        from backend.db import get_engine

        with get_engine(url).begin() as connection:
            connection.execute(text("SELECT par_grant_public(), par_grant_submit()"))
    rates = submissions_per_second(url, code, args.submissions)
    print(
        f"[{name}] submissions accepted from distinct addresses: "
        + ", ".join(f"{label} {rate:,.0f}/s" for label, rate in rates.items())
    )
    if name == "SQLite" and args.page_submissions:
        rate = page_submissions_per_second(url, code, args.page_submissions)
        print(f"[{name}] through the public page (AppTest, the Send click's rerun only): {rate:,.1f}/s")
    seconds = generate(url, args.documents)
    print(f"[{name}] {args.documents:,} demo documents generated and indexed in {seconds:.1f} s")
    print(
        f"[{name}] search over {args.documents:,} documents ({args.repeat} runs each; ms median / p95; documents returned):"
    )
    for label, (median, p95, returned, more) in search_latency(args.repeat).items():
        print(f"    {label:<32} {median:8.1f} {p95:8.1f}   {returned}{'+' if more else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--submissions", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--page-submissions", type=int, default=30, help="answers sent through the page (0: none)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as folder:
        run_store("SQLite", f"sqlite:///{Path(folder) / 'voice.db'}", args)
    if args.no_pg:
        return 0
    from tests.pg import PostgresServer

    server = PostgresServer.start_or_none()
    if server is None:
        print("[PostgreSQL] no server binaries: skipped (install Debian's postgresql)")
        return 0
    try:
        url = server.create_database()
        database = url.rsplit("/", 1)[1]
        server.execute(
            "DO $$ BEGIN CREATE ROLE par_submit NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
            "DO $$ BEGIN CREATE ROLE par_public NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
            "DO $$ BEGIN CREATE ROLE bench_form LOGIN PASSWORD 'bench form' IN ROLE par_submit; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
            "DO $$ BEGIN CREATE ROLE bench_web LOGIN PASSWORD 'bench web' IN ROLE par_public; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        )
        submit = server.url(database, user="bench_form").replace("bench_form@", "bench_form:bench%20form@")
        public = server.url(database, user="bench_web").replace("bench_web@", "bench_web:bench%20web@")
        run_store("PostgreSQL", url, args, submit, public)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
