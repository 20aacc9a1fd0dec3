"""`python -m backend …` entry point."""

from backend.cli import main

raise SystemExit(main())
