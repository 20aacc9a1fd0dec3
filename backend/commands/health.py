"""`health`: check that the public side can read the store (once, or as a small server for nginx).

python -m backend health                  exit 0 and print {"status": "ok", …} when healthy, else exit 1
python -m backend health --serve --port 8590   answer GET /health on 127.0.0.1 (nginx: /healthz)
"""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--serve", action="store_true", help="answer GET /health on a loopback port")
    parser.add_argument("--port", type=int, default=8590)
    parser.add_argument("--host", default="127.0.0.1")


def run(args: argparse.Namespace) -> int:
    from backend.ops.health import check_store, serve

    if args.serve:
        serve(args.port, args.host)
        return 0
    result = check_store()
    print(json.dumps(result))
    return 0 if result["status"] == "ok" else 1
