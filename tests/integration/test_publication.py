"""The annual report and the press kit of a factory store: every number printed is a result row, the open data
validates, the kit is complete and reproducible, and nothing reaches the served folder before its time."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session

from backend.auth.permissions import Actor
from backend.db import get_engine, session_scope
from backend.errors import DomainError, PermissionDenied
from backend.models import ResultSet
from backend.publication import opendata
from backend.publication.bundle import load_bundle
from backend.publication.kit import write_kit
from backend.publication.release import Folders, _move_in, prepare_release, release_due
from backend.publication.report import draft_report, render_docx, soffice
from backend.published import fmt
from backend.services.results import result_rows
from tests.conftest import clear_caches

pytestmark = pytest.mark.xdist_group("publication")
SYSTEM = Actor.system()


@pytest.fixture(scope="module")
def factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    """A factory store (published, embargoed, draft, approved and withdrawn sets) shared by the module."""
    from tests.factories_results import build_store

    path = tmp_path_factory.mktemp("publication") / "store.db"
    url = f"sqlite:///{path}"
    made = build_store(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        clear_caches()
        yield url, {"published": made.published_ids, "hidden": made.hidden_ids}
    get_engine(url).dispose()
    clear_caches()


@pytest.fixture
def db(factory: tuple[str, dict]) -> Iterator[Session]:
    with session_scope(get_engine(factory[0])) as session:
        yield session


def set_id(factory: tuple[str, dict], index: str, scope: str, year: int) -> int:
    return int(factory[1]["published"][(index, scope, year)])


def _stored(db: Session, **where: object) -> ResultSet:
    from sqlmodel import select

    query = select(ResultSet)
    for key, value in where.items():
        query = query.where(getattr(ResultSet, key) == value)
    found = db.exec(query).first()
    assert found is not None
    return found


# ---- the report -------------------------------------------------------------------------------------------


def _docx_tables(data: bytes) -> list[list[list[str]]]:
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_report_tables_are_the_result_rows(factory: tuple[str, dict], db: Session) -> None:
    """The ranking, the component and the units × components tables of the DOCX, re-read, against the rows."""
    sid = set_id(factory, "PAR_INDEX", "province", 2024)
    bundle = load_bundle(db, sid, actor=SYSTEM, action="draft_report")
    tables = _docx_tables(render_docx(bundle, "vi"))
    rows = result_rows(db, sid)
    units = bundle.units.set_index("unit_id")
    index_rows = rows[(rows["scope"] == "unit") & (rows["metric"] == "PAR_INDEX")]

    ranking = next(t for t in tables if t[0][:3] == ["Hạng", "Mã", "Đơn vị"])
    body = ranking[1:]
    assert len(body) == len(index_rows) == 63
    expected = {
        str(units.loc[int(r.unit_id), "code"]): (int(r.rank), fmt.number(r.value, "vi", 2), str(r.grp))
        for r in index_rows.itertuples()
    }
    for rank, code, name, value, _change, _move, group in body:
        want_rank, want_value, want_group = expected[code]
        assert rank.lstrip("=") == str(want_rank)
        assert value == want_value and "," in value  # decimal comma
        assert group == want_group
        assert name == units.loc[units["code"] == code].query("kind == 'province_63'")["name_vi"].iloc[0]
    assert [int(r[0].lstrip("=")) for r in body] == sorted(int(r[0].lstrip("=")) for r in body)

    national = rows[rows["scope"] == "national"].set_index("metric")["value"]
    components = next(t for t in tables if t[0][0] == "Chỉ số thành phần")
    assert len(components) - 1 == 8
    for line, metric in zip(components[1:], [f"PAR_INDEX.area.A{i}" for i in range(1, 9)], strict=True):
        assert line[0].startswith(metric.rsplit(".", 1)[1] + ".")
        assert line[1] == fmt.number(national[metric], "vi", 2)

    wide = next(t for t in tables if len(t[0]) == 10 and t[0][2] == "A1")
    area = rows[(rows["scope"] == "unit") & (rows["metric"] == "PAR_INDEX.area.A3")]
    by_name = {r[0]: r for r in wide[1:]}
    for r in area.itertuples():
        assert by_name[units.loc[int(r.unit_id), "name_vi"]][4] == fmt.number(r.value, "vi", 2)


def test_report_english_uses_a_decimal_point_and_names_the_demo(factory: tuple[str, dict], db: Session) -> None:
    sid = set_id(factory, "PAR_INDEX", "ministry", 2024)
    bundle = load_bundle(db, sid, actor=SYSTEM, action="draft_report")
    import io

    from docx import Document

    document = Document(io.BytesIO(render_docx(bundle, "en")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DEMO DATA" in text and "{{" not in text and "{%" not in text
    ranking = next(t for t in _docx_tables(render_docx(bundle, "en")) if t[0][:3] == ["Rank", "Code", "Unit"])
    assert all(re.fullmatch(r"\d+\.\d\d|–", row[3]) for row in ranking[1:])
    assert any(row[0] == "not ranked" for row in ranking[1:])  # unranked ministries are listed, not ranked
    assert len(document.inline_shapes) >= 2  # charts are images


def test_report_pdf(factory: tuple[str, dict], db: Session, tmp_path: Path) -> None:
    if soffice() is None:
        if os.environ.get("PAR_REQUIRE_SERVERS"):
            pytest.fail(
                "LibreOffice is required (PAR_REQUIRE_SERVERS is set): apt-get install libreoffice-writer-nogui"
            )
        pytest.skip("LibreOffice not installed")
    sid = set_id(factory, "PAR_INDEX", "ministry", 2024)
    files = draft_report(db, sid, tmp_path, actor=SYSTEM, langs=("en",))
    pdf = files.pdf["en"].read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert files.docx["en"].name == "par_index_2024_ministry_v1_report_en.docx"


def test_no_report_or_kit_of_a_draft_or_for_an_officer(factory: tuple[str, dict], db: Session) -> None:
    draft = _stored(db, status="draft")
    with pytest.raises(DomainError) as raised:
        load_bundle(db, int(draft.id or 0), actor=SYSTEM, action="draft_report")
    assert "approved" in raised.value.message("en")
    withdrawn = _stored(db, status="withdrawn")
    with pytest.raises(DomainError):
        load_bundle(db, int(withdrawn.id or 0), actor=SYSTEM, action="prepare_release")
    officer = Actor("officer", frozenset({"unit_officer"}))
    with pytest.raises(PermissionDenied):
        load_bundle(db, set_id(factory, "PAR_INDEX", "ministry", 2024), actor=officer, action="draft_report")
    analyst = Actor("analyst", frozenset({"analyst"}))
    with pytest.raises(PermissionDenied):
        load_bundle(db, set_id(factory, "PAR_INDEX", "ministry", 2024), actor=analyst, action="prepare_release")


# ---- the kit -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ministry_kit(factory: tuple[str, dict], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("kit") / "ministry"
    with session_scope(get_engine(factory[0])) as session:
        bundle = load_bundle(
            session, set_id(factory, "PAR_INDEX", "ministry", 2024), actor=SYSTEM, action="prepare_release"
        )
        index = write_kit(bundle, folder, base_url="https://example.test")
    return folder, index


def test_kit_index_lists_every_file_with_its_hash(ministry_kit: tuple[Path, dict]) -> None:
    folder, index = ministry_kit
    on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "index.json")
    assert [f["path"] for f in index["files"]] == on_disk
    for entry in index["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert index["path"] == "/releases/demo/par-index/2024/ministry/v1/"
    assert index["dataset_kind"] == "demo"


def test_kit_pages_have_a_language_one_h1_and_distinct_titles(ministry_kit: tuple[Path, dict]) -> None:
    folder, index = ministry_kit
    pages = [f["path"] for f in index["files"] if f["path"].endswith(".html")]
    titles = []
    for page in pages:
        html = (folder / page).read_text(encoding="utf-8")
        lang = "en" if page.startswith("en/") else "vi"
        assert f'<html lang="{lang}">' in html, page
        assert html.count("<h1") == 1, page
        assert "http://" not in html and "https://" not in html.replace("https://example.test", ""), page
        assert "<script" not in html, page
        for image in re.findall(r"<img [^>]*>", html):
            assert re.search(r'alt="[^"]{10,}"', image), (page, image)
        titles.append(re.search(r"<title>(.*?)</title>", html).group(1))  # type: ignore[union-attr]
    assert len(set(titles)) == len(titles)
    assert {"vi/index.html", "en/ranking.html", "vi/downloads.html"} <= set(pages)
    assert "vi/map.html" not in pages  # ministries have no map
    with session_scope() as session:
        bundle = load_bundle(session, index["result_set_id"], actor=SYSTEM, action="prepare_release")
        assert sum(p.startswith("vi/units/") for p in pages) == len(bundle.tables.units) == 19  # one page per unit


def test_kit_csv_is_the_unit_table(factory: tuple[str, dict], db: Session, ministry_kit: tuple[Path, dict]) -> None:
    folder, _ = ministry_kit
    sid = set_id(factory, "PAR_INDEX", "ministry", 2024)
    frame = pd.read_csv(folder / "data" / "par_index_2024_ministry_v1.csv", encoding="utf-8-sig", dtype={"code": str})
    rows = result_rows(db, sid)
    index_rows = rows[(rows["scope"] == "unit") & (rows["metric"] == "PAR_INDEX")].set_index("unit_id")
    assert len(frame) == len(index_rows)
    for line in frame.itertuples():
        assert line.value == pytest.approx(index_rows.loc[line.unit_id, "value"])
    metadata = pd.read_csv(folder / "data" / "par_index_2024_ministry_v1_metadata_en.csv", encoding="utf-8-sig")
    assert "DEMO DATA" in " ".join(metadata["value"].astype(str))
    assert (folder / "data" / "par_index_2024_ministry_v1_vi.xlsx").read_bytes()[:2] == b"PK"


def test_data_package_is_valid_for_frictionless(ministry_kit: tuple[Path, dict]) -> None:
    from frictionless import Package

    folder, _ = ministry_kit
    descriptor = json.loads((folder / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0" and descriptor["sources"][0]["title"]
    report = Package(str(folder / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert {r["name"] for r in descriptor["resources"]} == {
        "par-index-2024-ministry-v1",
        "par-index-2024-ministry-v1-rows",
        "par-index-2024-ministry-v1-sdmx",
    }


def test_sdmx_rows_use_gso_codes_and_unique_keys(factory: tuple[str, dict], db: Session) -> None:
    sid = set_id(factory, "PAR_INDEX", "province", 2024)
    bundle = load_bundle(db, sid, actor=SYSTEM, action="prepare_release")
    frame = opendata.sdmx_frame(bundle.tables)
    assert list(frame.columns) == opendata.SDMX_COLUMNS
    assert not frame.duplicated(list(opendata.DIMENSIONS)).any()
    units = frame[frame["UNIT_LIST"] == "province_63"]
    assert set(units["UNIT"]) == set(bundle.tables.units["code"]) and "01" in set(units["UNIT"])
    national = frame[(frame["UNIT"] == "VN") & (frame["MEASURE"] == "INDEX")]
    assert national["OBS_VALUE"].iloc[0] == pytest.approx(bundle.tables.national["PAR_INDEX"])
    assert set(frame["MEASURE"]) >= {"INDEX", "area.A1", "area.A8"}
    assert set(frame["OBS_STATUS"]) == {"D"}  # demo data is marked as such
    assert frame["DATAFLOW"].iloc[0] == "MOHA:PAR_INDEX(1.0)"


def test_kit_is_reproducible(
    factory: tuple[str, dict], db: Session, tmp_path: Path, ministry_kit: tuple[Path, dict]
) -> None:
    bundle = load_bundle(db, set_id(factory, "PAR_INDEX", "ministry", 2024), actor=SYSTEM, action="prepare_release")
    again = write_kit(bundle, tmp_path / "again", base_url="https://example.test")
    assert again["files"] == ministry_kit[1]["files"]


def test_a_correction_is_a_new_version_with_its_erratum(factory: tuple[str, dict], db: Session, tmp_path: Path) -> None:
    correction = _stored(db, index_code="PAR_INDEX", unit_scope="province", year=2025, version=2)
    bundle = load_bundle(db, int(correction.id or 0), actor=SYSTEM, action="prepare_release")
    index = write_kit(bundle, tmp_path / "v2")
    assert index["path"].endswith("/2025/province/v2/") and index["erratum"] == correction.erratum
    assert index["supersedes"]["version"] == 1
    assert "ERRATUM.txt" in {f["path"] for f in index["files"]}
    html = (tmp_path / "v2" / "en" / "index.html").read_text(encoding="utf-8")
    assert correction.erratum in html and 'href="../../v1/en/index.html"' in html


# ---- the release -------------------------------------------------------------------------------------------


def test_move_in_renames_the_first_missing_folder(tmp_path: Path) -> None:
    source, target = tmp_path / "src", tmp_path / "public"
    (source / "a" / "b" / "v1").mkdir(parents=True)
    (source / "a" / "b" / "v1" / "x.txt").write_text("1")
    (target / "a").mkdir(parents=True)
    _move_in(source, target, "a/b/v1")
    assert (target / "a" / "b" / "v1" / "x.txt").read_text() == "1" and not (source / "a" / "b").exists()
    (source / "a" / "b" / "v1").mkdir(parents=True)
    with pytest.raises(DomainError):
        _move_in(source, target, "a/b/v1")  # a released version is never overwritten


def test_kit_reaches_the_served_folder_only_when_visible(
    factory: tuple[str, dict], db: Session, tmp_path: Path
) -> None:
    folders = Folders(tmp_path / "public", tmp_path / "private")
    embargoed = _stored(db, index_code="SIPAS", year=2026)
    assert embargoed.status == "published" and embargoed.publish_at is not None
    prepared = prepare_release(db, int(embargoed.id or 0), actor=SYSTEM, folders=folders)
    assert prepared.files > 50 and not prepared.already
    assert prepare_release(db, int(embargoed.id or 0), actor=SYSTEM, folders=folders).already
    assert release_due(db, folders=folders) == []
    served = [p for p in folders.public.rglob("*") if p.is_file()]
    assert [p.name for p in served] == ["catalog.json"]  # nothing of the set, not even its folder
    assert json.loads((folders.public / "catalog.json").read_text())["kits"] == []
    assert oct(folders.private.stat().st_mode)[-3:] == "700"

    embargoed.publish_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # the minute has come
    db.add(embargoed)
    db.flush()
    assert release_due(db, folders=folders) == [f"released {prepared.path}"]
    assert (folders.public / prepared.path / "index.json").exists()
    kits = json.loads((folders.public / "catalog.json").read_text())["kits"]
    assert [k["result_set_id"] for k in kits] == [embargoed.id]

    embargoed.status = "withdrawn"
    db.add(embargoed)
    db.flush()
    assert release_due(db, folders=folders) == [f"withdrawn {prepared.path}"]
    assert not (folders.public / prepared.path).exists()
    assert json.loads((folders.public / "catalog.json").read_text())["kits"] == []
    db.rollback()


def test_commands(factory: tuple[str, dict], db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from backend.cli import main

    sid = set_id(factory, "PAR_INDEX", "ministry", 2023)
    assert main(["report", "--result-set", str(sid), "--out", str(tmp_path / "r"), "--lang", "en", "--no-pdf"]) == 0
    assert (tmp_path / "r" / "par_index_2023_ministry_v1_report_en.docx").exists()
    assert main(["presskit", "--result-set", str(sid), "--out", str(tmp_path / "k")]) == 0
    assert (tmp_path / "k" / "demo" / "par-index" / "2023" / "ministry" / "v1" / "index.json").exists()
    assert main(["presskit", "--result-set", str(sid), "--out", str(tmp_path / "k")]) == 2  # never over a kit
    draft = _stored(db, status="draft")
    capsys.readouterr()
    assert main(["report", "--result-set", str(draft.id), "--out", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "approved" in err and "phê duyệt" in err and "Traceback" not in err
    assert main(["report", "--write-template", str(tmp_path / "t")]) == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["report_en.docx", "report_vi.docx"]
    before = (tmp_path / "t" / "report_vi.docx").stat().st_mtime_ns
    assert main(["report", "--write-template", str(tmp_path / "t")]) == 0
    assert (tmp_path / "t" / "report_vi.docx").stat().st_mtime_ns == before  # an edited template is never replaced


def test_the_kit_is_prepared_privately_right_after_approval(
    factory: tuple[str, dict], db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.publication.release import prepare_after_transition

    monkeypatch.setenv("RELEASES_DIR", str(tmp_path / "public"))
    monkeypatch.setenv("RELEASES_PRIVATE_DIR", str(tmp_path / "private"))
    clear_caches()
    approved = _stored(db, index_code="PAR_INDEX", unit_scope="province", year=2024, status="approved")
    assert prepare_after_transition(int(approved.id or 0), "agree", actor=SYSTEM) is None  # not a releasing step
    prepared = prepare_after_transition(int(approved.id or 0), "approve", actor=SYSTEM)
    assert prepared is not None and prepared.files > 50
    assert (tmp_path / "private" / "staged" / str(approved.id) / "release.json").exists()
    assert not list((tmp_path / "public").rglob("index.json"))  # nothing where the web server reads
    draft = _stored(db, index_code="SIPAS", status="draft")
    assert prepare_after_transition(int(draft.id or 0), "approve", actor=SYSTEM) is None  # refused: deferred, logged
