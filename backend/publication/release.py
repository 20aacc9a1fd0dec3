"""Embargo on the press kit: built in a private folder, moved where the web server reads it at the minute.

Rules:

* :func:`prepare_release` (called when a set is approved, scheduled or published) builds the kit under
  ``RELEASES_PRIVATE_DIR/staged/<set id>/`` — first into a scratch folder, then renamed there, so a staged kit
  is always complete. Nothing of it is under ``RELEASES_DIR``, the only folder the web server serves.
* :func:`release_due` moves every staged kit whose set is *visible* — the one visibility rule of the store
  (``backend.services.public_query``: published and past ``publish_at`` by the store's clock) — to its stable
  path ``RELEASES_DIR/[demo/]{index}/{year}/{scope}/v{version}/``. The move is one ``rename`` of the first folder
  of that path that does not exist yet, so a reader sees either nothing or the whole kit. A kit whose set is no
  longer visible (withdrawn) is moved back out the same way. ``catalog.json`` at the root lists what is out.
* Both folders must be on one file system (a rename cannot cross file systems); this is checked.
* Run ``python -m backend release`` every minute (systemd timer or cron, see docs/deployment.md), or
  ``python -m backend release --watch``, which sleeps until the next publication time and releases within a
  second of it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from backend.auth.permissions import Actor
from backend.errors import DomainError
from backend.logs import log_event
from backend.models import ResultSet
from backend.publication.bundle import load_bundle
from backend.publication.kit import release_path, write_kit
from backend.services import public_query
from backend.settings import get_settings


@dataclass(frozen=True)
class Folders:
    public: Path  # served as /releases/
    private: Path  # never served

    @classmethod
    def from_settings(cls) -> Folders:
        settings = get_settings()
        return cls(Path(settings.releases_dir), Path(settings.releases_private_dir))

    def ensure(self) -> None:
        self.public.mkdir(parents=True, exist_ok=True)
        self.private.mkdir(parents=True, exist_ok=True)
        os.chmod(self.private, 0o700)
        if self.public.stat().st_dev != self.private.stat().st_dev:
            raise DomainError.of(
                "publication.release.two_filesystems", public=str(self.public), private=str(self.private)
            )

    def staged(self, set_id: int) -> Path:
        return self.private / "staged" / str(set_id)

    def released(self, set_id: int) -> Path:
        return self.private / "released" / f"{set_id}.json"


@dataclass(frozen=True)
class Prepared:
    result_set_id: int
    path: str  # relative to the releases root
    files: int
    already: bool  # staged or released before: nothing was built


def prepare_release(
    session: Session, result_set_id: int, *, actor: Actor, folders: Folders | None = None, base_url: str | None = None
) -> Prepared:
    """Build the kit of an approved (or scheduled, or published) set privately; idempotent. The kit reaches
    the web server only through :func:`release_due`, once the set is visible."""
    folders = folders or Folders.from_settings()
    folders.ensure()
    bundle = load_bundle(session, result_set_id, actor=actor, action="prepare_release")
    path = release_path(bundle)
    staged = folders.staged(result_set_id)
    if (staged / "release.json").exists() or folders.released(result_set_id).exists():
        return Prepared(result_set_id, path, 0, True)
    scratch = Path(tempfile.mkdtemp(prefix=f"build-{result_set_id}-", dir=folders.private))
    try:
        document = write_kit(
            bundle, scratch / "tree" / path, base_url=get_settings().public_base_url if base_url is None else base_url
        )
        precompress(scratch / "tree" / path)
        _write_json(scratch / "release.json", {"result_set_id": result_set_id, "path": path})
        staged.parent.mkdir(parents=True, exist_ok=True)
        os.rename(scratch, staged)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    log_event(
        "release.prepared",
        result_set_id=result_set_id,
        path=path,
        files=len(document["files"]),
        actor_roles=sorted(actor.roles),
    )
    return Prepared(result_set_id, path, len(document["files"]), False)


#: transitions after which the kit of a set is built (privately) at once
PREPARE_AFTER = ("approve", "schedule", "publish")


def prepare_after_transition(result_set_id: int, action: str, *, actor: Actor) -> Prepared | None:
    """Build the kit privately right after ``action`` committed (approve, schedule, publish), in its own
    transaction: a failure here never undoes the decision, and the release job (``python -m backend release``,
    every minute) prepares any kit still missing before it is due. Returns None for other actions."""
    if action not in PREPARE_AFTER:
        return None
    from backend.db import session_scope

    try:
        with session_scope() as session:
            return prepare_release(session, result_set_id, actor=actor)
    except DomainError as exc:
        log_event("release.prepare_deferred", result_set_id=result_set_id, reason=exc.en)
        return None


#: kit files served compressed: a ``.gz`` beside each (nginx ``gzip_static``), made once, not per request
COMPRESSIBLE = (".html", ".css", ".csv", ".json", ".svg", ".md", ".txt")


def precompress(folder: Path) -> int:
    """Write ``<file>.gz`` beside every text file of a kit (same modification time, as gzip_static wants);
    the ``.gz`` files are a transport encoding of the listed files, not listed in index.json."""
    count = 0
    for file in sorted(folder.rglob("*")):
        if file.is_file() and file.suffix in COMPRESSIBLE:
            target = file.with_name(file.name + ".gz")
            with file.open("rb") as source, gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as out:
                shutil.copyfileobj(source, out)
            stat = file.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            count += 1
    return count


def _write_json(path: Path, value: Any) -> None:
    """Write JSON atomically (a temporary file renamed over the target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False, indent=2)
        out.write("\n")
    os.chmod(name, 0o644)
    os.replace(name, path)


def _move_in(source_root: Path, target_root: Path, relative: str) -> None:
    """Rename the first folder of ``relative`` missing under ``target_root`` from ``source_root``: one atomic
    step that makes the whole subtree appear (or disappear) at once."""
    parts = Path(relative).parts
    for depth in range(1, len(parts) + 1):
        target = target_root.joinpath(*parts[:depth])
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source_root.joinpath(*parts[:depth]), target)
            return
    raise DomainError.of("publication.release.path_taken", path=relative)


def _visible_ids(session: Session, now: dt.datetime | None) -> set[int]:
    return {int(i) for i in public_query.visible_result_sets(session, now=now)["id"]}


def release_due(session: Session, *, now: dt.datetime | None = None, folders: Folders | None = None) -> list[str]:
    """Move every staged kit whose set is visible to the web server's folder, and every released kit whose set
    is no longer visible back out; returns what happened (``released <path>`` / ``withdrawn <path>``)."""
    folders = folders or Folders.from_settings()
    folders.ensure()
    visible = _visible_ids(session, now)
    done: list[str] = []
    staged_root = folders.private / "staged"
    for staged in sorted(staged_root.iterdir() if staged_root.exists() else [], key=lambda p: p.name):
        manifest = staged / "release.json"
        if not manifest.exists() or int(staged.name) not in visible:
            continue
        entry = json.loads(manifest.read_text(encoding="utf-8"))
        _move_in(staged / "tree", folders.public, entry["path"])
        _write_json(folders.released(int(staged.name)), entry)
        shutil.rmtree(staged)
        log_event("release.released", result_set_id=entry["result_set_id"], path=entry["path"])
        done.append(f"released {entry['path']}")
    released_root = folders.private / "released"
    still_visible = _visible_ids(session, None)
    for record in sorted(released_root.glob("*.json") if released_root.exists() else []):
        entry = json.loads(record.read_text(encoding="utf-8"))
        if int(entry["result_set_id"]) in still_visible:
            continue
        withdrawn = folders.private / "withdrawn" / f"{entry['result_set_id']}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
        withdrawn.mkdir(parents=True)
        os.rename(folders.public / entry["path"], withdrawn / "kit")
        record.unlink()
        log_event("release.withdrawn", result_set_id=entry["result_set_id"], path=entry["path"])
        done.append(f"withdrawn {entry['path']}")
    if done or not (folders.public / "catalog.json").exists():
        write_catalog(folders)
    return done


def write_catalog(folders: Folders) -> None:
    """``catalog.json`` at the releases root: every kit that is out, from its own index.json."""
    kits = []
    for record in sorted((folders.private / "released").glob("*.json")):
        entry = json.loads(record.read_text(encoding="utf-8"))
        index = folders.public / entry["path"] / "index.json"
        if index.exists():
            document = json.loads(index.read_text(encoding="utf-8"))
            kits.append({k: v for k, v in document.items() if k != "files"})
    kits.sort(key=lambda k: (k["index"], k["year"], k["unit_scope"], k["dataset_kind"], k["version"]))
    _write_json(folders.public / "catalog.json", {"kits": kits})


def next_due(session: Session, folders: Folders | None = None) -> dt.datetime | None:
    """The earliest publication time among staged kits (for ``release --watch``), or None."""
    folders = folders or Folders.from_settings()
    root = folders.private / "staged"
    ids = [int(p.name) for p in root.iterdir()] if root.exists() else []
    if not ids:
        return None
    rows = session.exec(select(ResultSet).where(col(ResultSet.id).in_(ids), ResultSet.status == "published")).all()
    times = [(r.publish_at or r.published_at) for r in rows if (r.publish_at or r.published_at) is not None]
    moments = [m if m.tzinfo else m.replace(tzinfo=dt.UTC) for m in times if m is not None]
    return min(moments) if moments else None
