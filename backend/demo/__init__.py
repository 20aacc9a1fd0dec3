"""Seeded synthetic data generator (clearly labelled demo, never mixed with official data).

Public entry point: :func:`generate_demo` (``python -m backend demo`` on the command line).
"""

from backend.demo.generator import DemoReport, generate_demo
from backend.demo.spec import DEMO_DATASET_NAME, GENERATOR_VERSION, parse_years

__all__ = ["DEMO_DATASET_NAME", "GENERATOR_VERSION", "DemoReport", "generate_demo", "parse_years"]
