"""`serve`: the nginx front on this machine — several public app processes (sticky), the internal app at
/internal/, the press kits at /releases/, /healthz, and the release watcher; everything on loopback.

python -m backend serve [--port 8080] [--public-processes 2] [--no-internal] [--no-release]
python -m backend serve --print-config          the nginx.conf it would use (local front)
python -m backend serve --production-example    the production example (TLS; docs/deploy/nginx.conf)

Stop with Ctrl+C. `make run` keeps working without nginx; this is `make serve`. The store must be migrated
and seeded first (`make seed`): nothing here migrates it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from backend.settings import REPO_ROOT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8080, help="port nginx listens on (127.0.0.1)")
    parser.add_argument("--public-processes", type=int, default=2, help="public app processes behind nginx")
    parser.add_argument("--no-internal", action="store_true", help="do not start the internal app")
    parser.add_argument("--no-release", action="store_true", help="do not run the release watcher")
    parser.add_argument("--run-dir", type=Path, default=REPO_ROOT / "run" / "front")
    parser.add_argument("--print-config", action="store_true")
    parser.add_argument("--production-example", action="store_true")


def run(args: argparse.Namespace) -> int:
    from backend.ops.front import Front
    from backend.ops.nginx import production_example, render
    from backend.settings import get_settings

    if args.production_example:
        print(production_example())
        return 0
    front = Front(
        run_dir=args.run_dir,
        port=args.port,
        releases_dir=Path(get_settings().releases_dir),
        public_processes=args.public_processes,
        internal=not args.no_internal,
    )
    if args.print_config:
        front.public_ports = tuple(8511 + i for i in range(args.public_processes))
        print(render(front.site(8502 if not args.no_internal else None, 8590)))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with front:
        if not args.no_release:
            front._spawn([sys.executable, "-m", "backend", "release", "--watch"], "release")
        print(f"  Front (nginx):  http://127.0.0.1:{args.port}/   ({args.public_processes} public app processes)")
        if not args.no_internal:
            print(f"  Internal app:   http://127.0.0.1:{args.port}/internal/")
        print(f"  Press kits:     http://127.0.0.1:{args.port}/releases/catalog.json · health: /healthz")
        print(f"  Logs: {args.run_dir}/*.log — stop with Ctrl+C.", flush=True)
        try:
            while all(p.poll() is None for p in front.processes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0
