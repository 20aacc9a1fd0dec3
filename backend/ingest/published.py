"""Load the published record (data/published/*.csv) as official figures with their sources.

Every row is kept as printed, with its source text and the flags read from the bracketed notes of
``source``: ``is_uncertain`` ("[UNCERTAIN: …]" in any case: sources disagree) and ``is_derived`` (rank or
score back-computed, inferred from list order, or implied). published_results.csv and published_full.csv
put their notes at the start of ``source``, published_more.csv at the end (see its .md): both places are
read, so a flag is never lost to the position of its note. Conflicting rows are all kept; a row is
identified by a hash of its content, so loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from backend.errors import ValidationError
from backend.i18n import bilingual, t
from backend.models import PublishedFigure, Unit
from backend.reference.loader import read_csv
from backend.reference.normalise import NameNormaliser

FILES = ("published_results.csv", "published_full.csv", "published_more.csv")
_LEADING_NOTE = re.compile(r"^\s*\[([^\[\]]*)\]\s*")
_TRAILING_NOTE = re.compile(r"\s*\[([^\[\]]*)\]\s*$")
_DERIVED = re.compile(r"derived|listed order|implied|infer|read lowest-first", re.IGNORECASE)
_UNCERTAIN = re.compile(r"uncertain", re.IGNORECASE)
_NATIONAL_MEAN = re.compile(r"^\s*trung bình", re.IGNORECASE)
#: the other aggregate rows, by their printed name: (pattern, kind); a regional one names its region
_AGGREGATES = (
    (re.compile(r"^\s*cao nhất cả nước", re.IGNORECASE), "national_max"),
    (re.compile(r"^\s*thấp nhất cả nước", re.IGNORECASE), "national_min"),
    (re.compile(r"^\s*cao nhất vùng\s+(.+)$", re.IGNORECASE), "region_max"),
    (re.compile(r"^\s*thấp nhất vùng\s+(.+)$", re.IGNORECASE), "region_min"),
)
NOTE_SEPARATOR = " · "
_UNIT_KINDS = {"province": "province_63", "ministry": "ministry"}


def _notes(source: str) -> tuple[list[str], str]:
    """The bracketed notes at the start and at the end of a source text, and the text without them (a
    bracket inside a title, "… - [Infographics] Chỉ số …", is part of the title)."""
    notes: list[str] = []
    rest = source
    while match := _LEADING_NOTE.match(rest):
        notes.append(match.group(1).strip())
        rest = rest[match.end() :]
    trailing: list[str] = []
    while match := _TRAILING_NOTE.search(rest):
        trailing.insert(0, match.group(1).strip())
        rest = rest[: match.start()]
    return [n for n in notes + trailing if n], rest.strip()


def split_note(source: str) -> tuple[str, bool, bool]:
    """The bracketed notes of a source text (at its start or its end, joined), and whether they mark the
    row derived / uncertain."""
    notes, _ = _notes(source)
    note = NOTE_SEPARATOR.join(notes)
    return note, bool(_DERIVED.search(note)), bool(_UNCERTAIN.search(note))


def strip_notes(source: str) -> str:
    """The source text without its bracketed notes (title and address as cited)."""
    return _notes(source)[1]


def national_mean_scope(unit_name: str) -> str | None:
    """The unit scope whose national average an ``aggregate`` row gives: "Trung bình 63 tỉnh, thành phố" and
    "Trung bình cả nước (63 tỉnh)" → ``province``, "Trung bình 17 bộ, cơ quan ngang bộ" → ``ministry``; None
    for any other aggregate (a maximum, a minimum, a regional figure)."""
    if not _NATIONAL_MEAN.match(unit_name):
        return None
    return "ministry" if "bộ" in unit_name.casefold() else "province"


def aggregate_kind(unit_name: str) -> tuple[str, str] | None:
    """What an ``aggregate`` row other than an average gives, from its printed name: ("national_max", ""),
    ("national_min", ""), ("region_max", region as printed) or ("region_min", region); None otherwise."""
    for pattern, kind in _AGGREGATES:
        match = pattern.match(unit_name)
        if match:
            return kind, (match.group(1).strip() if match.groups() else "")
    return None


def row_hash(source_file: str, row: dict[str, str]) -> str:
    canonical = "\x1f".join(
        [source_file] + [row.get(k, "") for k in ("year", "index", "unit_type", "unit_name", "score", "rank", "source")]
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class PublishedLoadReport:
    read: int = 0
    added: int = 0
    already_present: int = 0
    unmatched_units: list[str] = field(default_factory=list)

    def text(self, lang: str = "en") -> str:
        """Rows read, added and already present, and the names that matched no unit, in ``lang``."""
        text = t("published_record.report", lang, read=self.read, added=self.added, present=self.already_present)
        if self.unmatched_units:
            names = ", ".join(sorted(set(self.unmatched_units)))
            text += "; " + t("published_record.unmatched", lang, names=names)
        return text

    def __str__(self) -> str:
        return self.text()


def _parse_row(
    number: int, row: dict[str, str], problems: list[str], path_name: str
) -> tuple[int, float | None, int | None] | None:
    try:
        year = int(row["year"])
        score = float(row["score"]) if row["score"] else None
        rank = int(row["rank"]) if row["rank"] else None
    except (KeyError, ValueError) as exc:
        problems.append(bilingual("published_record.bad_value", file=path_name, line=number, error=exc))
        return None
    if not row.get("source"):
        problems.append(bilingual("published_record.no_source", file=path_name, line=number))
        return None
    return year, score, rank


@dataclass(frozen=True)
class PublishedRow:
    """One row of a published file as read: the raw text fields, the parsed numbers and the note's flags."""

    source_file: str
    row_number: int
    raw: dict[str, str]
    year: int
    score: float | None
    rank: int | None
    note: str
    is_derived: bool
    is_uncertain: bool

    @property
    def metric(self) -> str:
        return self.raw["index"]

    @property
    def unit_type(self) -> str:
        return self.raw["unit_type"]

    @property
    def unit_name(self) -> str:
        return self.raw["unit_name"]


def read_published(published_dir: Path) -> list[PublishedRow]:
    """Every row of the published files (:data:`FILES`), parsed, with the flags of its note.

    All-or-nothing: any row with a bad number or no source raises ValidationError listing every such row
    (file and line), so a caller never works on part of the record.
    """
    problems: list[str] = []
    out: list[PublishedRow] = []
    for filename in FILES:
        for number, row in enumerate(read_csv(published_dir / filename), start=2):
            parsed = _parse_row(number, row, problems, filename)
            if parsed is None:
                continue
            note, derived, uncertain = split_note(row["source"])
            out.append(PublishedRow(filename, number, row, *parsed, note, derived, uncertain))
    if problems:
        raise ValidationError.of("published_record.invalid_rows", problems=problems)
    return out


def load_published(session: Session, published_dir: Path, reference_dir: Path) -> PublishedLoadReport:
    """Load every published file; all-or-nothing: any bad row aborts the load with a row-by-row report."""
    normaliser = NameNormaliser.from_reference_dir(reference_dir)
    report = PublishedLoadReport()
    known = set(session.exec(select(PublishedFigure.row_hash)).all())
    units = {(u.kind, u.code): u.id for u in session.exec(select(Unit)).all()}
    new_rows: list[PublishedFigure] = []
    for parsed in read_published(published_dir):
        row, year = parsed.raw, parsed.year
        report.read += 1
        digest = row_hash(parsed.source_file, row)
        if digest in known:
            report.already_present += 1
            continue
        known.add(digest)
        unit_id = None
        scope_code = None
        kind = _UNIT_KINDS.get(row["unit_type"])
        if kind:
            ref = normaliser.resolve(row["unit_name"], [kind], on=dt.date(year, 12, 31))
            if ref is None:
                report.unmatched_units.append(row["unit_name"])
            else:
                unit_id = units.get((ref.kind, ref.code))
        elif row["unit_type"] == "region":
            ref = normaliser.resolve(row["unit_name"], ["region"])
            scope_code = ref.code if ref else None
        else:
            scope_code = row["unit_name"]
        new_rows.append(
            PublishedFigure(
                source_file=parsed.source_file,
                row_number=parsed.row_number,
                year=year,
                metric=row["index"],
                unit_type=row["unit_type"],
                unit_name=row["unit_name"],
                unit_id=unit_id,
                scope_code=scope_code,
                score=parsed.score,
                rank=parsed.rank,
                source=row["source"],
                note=parsed.note,
                is_derived=parsed.is_derived,
                is_uncertain=parsed.is_uncertain,
                row_hash=digest,
            )
        )
    session.add_all(new_rows)
    session.flush()
    report.added = len(new_rows)
    return report
