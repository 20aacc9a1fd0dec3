"""Seeded synthetic data generator (clearly labelled demo, never mixed with official data).

Public entry points: :func:`generate_demo` (``python -m backend demo`` on the command line), :func:`source_text`
(the bilingual source line of a dataset's figures: the generator for demo data) and :func:`demo_targets` (the
calibration targets derived from the published record).
"""

from backend.demo.calibration import Target, demo_targets
from backend.demo.generator import DemoReport, generate_demo
from backend.demo.source import source_text
from backend.demo.spec import DEMO_DATASET_NAME, GENERATOR_VERSION, parse_years

__all__ = [
    "DEMO_DATASET_NAME",
    "GENERATOR_VERSION",
    "DemoReport",
    "Target",
    "demo_targets",
    "generate_demo",
    "parse_years",
    "source_text",
]
