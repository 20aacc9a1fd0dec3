"""`release`: publish the press kits that are due, and build those of newly approved or published sets.

python -m backend release              once: prepare missing kits, move what is due (run it every minute)
python -m backend release --watch      keep running; release within a second of each publication time
python -m backend release --prepare ID build the kit of one set privately now

Kits are built in RELEASES_PRIVATE_DIR and moved to RELEASES_DIR (served as /releases/) only when their set is
visible by the store's clock; a withdrawn set's kit is moved back out. See backend/publication/release.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--watch", action="store_true", help="keep running, release at each publication time")
    parser.add_argument("--interval", type=float, default=30.0, help="longest sleep of --watch, seconds")
    parser.add_argument("--prepare", type=int, metavar="ID", help="build the kit of this result set privately")
    parser.add_argument("--no-prepare", action="store_true", help="only move kits already built")
    parser.add_argument("--max-rounds", type=int, default=0, help="stop --watch after N rounds (0 = never)")


def _round(prepare: bool) -> list[str]:
    from backend.auth.permissions import Actor
    from backend.db import session_scope
    from backend.models import ResultSet
    from backend.publication.bundle import RELEASABLE
    from backend.publication.release import Folders, prepare_release, release_due

    folders = Folders.from_settings()
    with session_scope() as session:
        done = release_due(session, folders=folders)  # what is due first: preparing new kits takes time
    if prepare:
        from sqlmodel import col, select

        with session_scope() as session:
            ids = session.exec(select(ResultSet.id).where(col(ResultSet.status).in_(RELEASABLE))).all()
        for set_id in ids:
            with session_scope() as session:
                prepared = prepare_release(session, int(set_id or 0), actor=Actor.system(), folders=folders)
            if not prepared.already:
                done.append(f"prepared {prepared.path}")
    with session_scope() as session:
        done += release_due(session, folders=folders)
    return done


def _sleep_seconds(interval: float) -> float:
    from backend.db import session_scope
    from backend.publication.release import next_due

    with session_scope() as session:
        due = next_due(session)
    if due is None:
        return interval
    wait = (due - dt.datetime.now(dt.UTC)).total_seconds() + 0.2
    return max(0.2, min(interval, wait))


def run(args: argparse.Namespace) -> int:
    if args.prepare is not None:
        from backend.auth.permissions import Actor
        from backend.db import session_scope
        from backend.publication.release import prepare_release

        with session_scope() as session:
            prepared = prepare_release(session, args.prepare, actor=Actor.system())
        print(f"{'already prepared' if prepared.already else 'prepared'}: {prepared.path}")
        return 0
    rounds = 0
    while True:
        for line in _round(prepare=not args.no_prepare):
            print(line, flush=True)
        rounds += 1
        if not args.watch or (args.max_rounds and rounds >= args.max_rounds):
            return 0
        time.sleep(_sleep_seconds(args.interval))
