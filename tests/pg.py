"""A throwaway PostgreSQL cluster on localhost for the integration tests.

Uses Debian's server binaries (``make test`` installs the ``postgresql`` package if missing). The
cluster lives in a temporary folder, listens on 127.0.0.1 on a free port, and is stopped and deleted when
the test session ends. The superuser ``postgres`` logs in without a password (trust); every other role
must give its password (scram-sha-256), so tests of passwords and roles are real. When running as root, the server runs as the
``postgres`` system user (initdb refuses root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for candidate in candidates:
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self, bin_dir: Path, base: Path, port: int, run_as: str | None) -> None:
        self.bin_dir = bin_dir
        self.base = base
        self.port = port
        self.run_as = run_as

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    @classmethod
    def start_or_none(cls) -> PostgresServer | None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            return None
        run_as = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return None
            run_as = "postgres"
        base = Path(tempfile.mkdtemp(prefix="par-pg-"))
        os.chmod(base, 0o777)
        if run_as:
            shutil.chown(base, user=run_as)
        server = cls(bin_dir, base, _free_port(), run_as)
        try:
            server._run(
                str(bin_dir / "initdb"),
                "-D",
                str(server.data_dir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
            server._write_hba()
            server._run(
                str(bin_dir / "pg_ctl"),
                "-D",
                str(server.data_dir),
                "-l",
                str(base / "server.log"),
                "-o",
                f"-p {server.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                "-w",
                "start",
            )
        except (subprocess.SubprocessError, OSError):
            shutil.rmtree(base, ignore_errors=True)
            return None
        server._wait()
        return server

    def _write_hba(self) -> None:
        """Trust for the superuser (the tests' admin connection), passwords for every other role."""
        rules = [
            "local all postgres trust",
            "host all postgres 127.0.0.1/32 trust",
            "local all all scram-sha-256",
            "host all all 127.0.0.1/32 scram-sha-256",
        ]
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text("\n".join(rules) + "\n", encoding="utf-8")
        if self.run_as:
            shutil.chown(hba, user=self.run_as)

    def _wait(self) -> None:
        import psycopg

        deadline = time.time() + 30
        while True:
            try:
                with psycopg.connect(self.admin_dsn, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    @property
    def admin_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def create_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, database: str, user: str = "postgres") -> str:
        """SQLAlchemy URL of ``database`` for ``user`` (no password: tests pass it through the settings)."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser (the administrator of the README), each in its own transaction."""
        import psycopg

        dsn = self.admin_dsn.replace("dbname=postgres", f"dbname={database}")
        with psycopg.connect(dsn, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)
