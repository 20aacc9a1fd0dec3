"""Starting the whole front on this machine: N public app processes, the internal app, the health server and
nginx before them, all on loopback (``python -m backend serve``, ``make serve``; the tests use it too).

Every process is a child of the caller and is stopped by :meth:`Front.stop` (terminate, then kill after a
grace period). Apps are bound to 127.0.0.1: only nginx listens for visitors. Nothing here migrates the store.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from backend.ops.nginx import Site, nginx_binary, render
from backend.settings import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def streamlit_command(app: str, port: int, base_path: str = "") -> list[str]:
    """`streamlit run` of ``app`` bound to 127.0.0.1:``port`` (behind nginx)."""
    command = [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        app,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    if base_path:
        command += ["--server.baseUrlPath", base_path]
    return command


def wait_http(
    url: str, process: subprocess.Popen[bytes] | None, timeout: float = 90.0, log: Path | None = None
) -> None:
    """Return once ``url`` answers 200; raise if the process exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited early; see {log}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s; see {log}")


@dataclass
class Front:
    """The processes of one front; ``run_dir`` holds the nginx config, pid file and every log."""

    run_dir: Path
    port: int
    releases_dir: Path
    public_processes: int = 2
    internal: bool = True
    health: bool = True
    env: dict[str, str] = field(default_factory=dict)
    debug_upstream: bool = False
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    public_ports: tuple[int, ...] = ()

    def _spawn(self, command: list[str], name: str) -> subprocess.Popen[bytes]:
        log = (self.run_dir / f"{name}.log").open("wb")
        # the apps trust this front's X-Forwarded-For (per-address limits count the visitor, not nginx)
        trusted = {"TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"}
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **trusted, **self.env}
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def site(self, internal_port: int | None, health_port: int | None) -> Site:
        temp = self.run_dir / "tmp"
        temp.mkdir(parents=True, exist_ok=True)
        return Site(
            port=self.port,
            releases_dir=self.releases_dir,
            public_ports=self.public_ports,
            prefix=self.run_dir,
            internal_port=internal_port,
            health_port=health_port,
            foreground=True,
            run_as="root" if os.geteuid() == 0 else None,
            error_log="stderr",
            temp_dir=temp,
            workers="2",
            debug_upstream=self.debug_upstream,
        )

    def start(self) -> Front:
        """Start the apps, wait until each answers, then start nginx and wait for it."""
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.releases_dir.mkdir(parents=True, exist_ok=True)
        self.public_ports = tuple(free_port() for _ in range(self.public_processes))
        waits = []
        for number, port in enumerate(self.public_ports, start=1):
            process = self._spawn(streamlit_command("dashboards/public_app.py", port), f"public-{number}")
            waits.append((f"http://127.0.0.1:{port}/_stcore/health", process, f"public-{number}"))
        internal_port = free_port() if self.internal else None
        if internal_port is not None:
            process = self._spawn(
                streamlit_command("dashboards/internal_app.py", internal_port, "internal"), "internal"
            )
            waits.append((f"http://127.0.0.1:{internal_port}/internal/_stcore/health", process, "internal"))
        health_port = free_port() if self.health else None
        if health_port is not None:
            command = [sys.executable, "-m", "backend", "health", "--serve", "--port", str(health_port)]
            waits.append((f"http://127.0.0.1:{health_port}/health", self._spawn(command, "health"), "health"))
        try:
            for url, process, name in waits:
                wait_http(url, process, log=self.run_dir / f"{name}.log")
            conf = self.run_dir / "nginx.conf"
            conf.write_text(render(self.site(internal_port, health_port)), encoding="utf-8")
            nginx = self._spawn([binary, "-p", str(self.run_dir), "-c", str(conf), "-e", "stderr"], "nginx")
            wait_http(f"http://127.0.0.1:{self.port}/_stcore/health", nginx, log=self.run_dir / "nginx.log")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()

    def __enter__(self) -> Front:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
