"""A real ``linli serve`` in a subprocess, for tests that need a real socket: a WebSocket client,
a browser, an external conformance suite. It serves the test session's own database with the
session's keys (tokens the factory issues work against it), from a temporary ``LINLI_VAR_DIR``,
on a free loopback port, with no in-process jobs or cron (the session's tests own the data).

Tools a test needs from outside Python (Chromium, node) are looked up with :func:`require_tool`:
missing, the test skips with the reason — except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from core import db as db_module
from core import pubsub as pubsub_module
from core.app import create_app
from core.db import Database, bind_tables
from core.settings import Settings
from core.state import AppState
from core.tables import all_tables

__all__ = ["free_port", "in_ci", "in_own_app", "linli_command", "live_server", "npm_install",
           "require_tool"]

T = TypeVar("T")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(path_or_name: str, why: str) -> str:
    """The tool's path; skip the test when it is missing (fail under ``CI=true``)."""
    found = path_or_name if os.path.isabs(path_or_name) and os.access(path_or_name, os.X_OK) \
        else shutil.which(path_or_name)
    if found:
        return found
    message = f"{path_or_name} 未安装，跳过 / not installed, skipped: {why}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing tool is a failure)")
    pytest.skip(message)


def npm_install(npm: str, folder: Path, packages: list[str], marker: str) -> Path:
    """``npm install packages`` into ``folder`` once, safe when several test runs (the two
    engines side by side) ask at the same time: the first takes a lock, installs into a fresh
    folder beside it and renames that into place; the others wait on the lock and find
    ``folder/marker`` there. A half-written folder is never seen under its real name. npm's
    errors are printed; a failed install is tried once more before it fails the test."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / marker).exists():
            return folder
        for attempt in (1, 2):  # a registry hiccup gets one more try
            fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
            fresh.chmod(0o755)
            try:
                done = subprocess.run([npm, "install", "--no-audit", "--no-fund",
                                       "--loglevel=error", "--prefix", str(fresh), *packages],
                                      timeout=300, check=attempt == 2).returncode == 0
                if done:
                    if folder.exists():  # left by an older, unlocked install: not trusted
                        shutil.rmtree(folder)
                    fresh.rename(folder)
                    break
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def linli_command() -> list[str]:
    """The installed ``linli`` script next to this interpreter, else the same CLI via ``-c``."""
    script = Path(sys.executable).parent / "linli"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from core.cli import main; main()"]


@contextmanager
def live_server(settings: Settings, env: dict[str, str] | None = None,
                timeout: float = 60.0) -> Iterator[str]:
    """Serve ``settings``' database with ``linli serve``; yields ``http://127.0.0.1:PORT``."""
    port = free_port()
    var_dir = tempfile.mkdtemp(prefix="linli-live-")
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    child_env.update({
        "LINLI_VAR_DIR": var_dir, "LINLI_HOST": "127.0.0.1", "LINLI_PORT": str(port),
        "LINLI_DATABASE_URL": settings.database_url, "LINLI_SECRET_KEY": settings.secret_key,
        "LINLI_PII_KEY": settings.pii_key, "LINLI_REDIS_URL": settings.redis_url,
        "LINLI_JOB_QUEUE": settings.job_queue, "LINLI_JOBS_IN_PROCESS": "0",
        "LINLI_PASSWORD_MEMORY_KIB": str(settings.password_memory_kib),
        "LINLI_PASSWORD_TIME_COST": str(settings.password_time_cost),
    })
    child_env.update(env or {})
    log_path = Path(var_dir) / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([*linli_command(), "serve"], env=child_env, stdout=log,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"linli serve exited ({proc.returncode}):\n"
                                   + log_path.read_text(errors="replace")[-4000:])
            try:
                with urllib.request.urlopen(f"{base}/health/live", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("linli serve did not start:\n"
                                   + log_path.read_text(errors="replace")[-4000:])
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if os.environ.get("LINLI_LIVE_LOG"):
            sys.stderr.write(log_path.read_text(errors="replace"))
        shutil.rmtree(var_dir, ignore_errors=True)



async def in_own_app(linli_env: Any, work: Callable[[Any, Any], T]) -> T:
    """Run ``work(state, app)`` on a thread with an app of its own — its own database pools and
    pub/sub service over the session's database — for a WebSocket test through Litestar's
    ``TestClient`` (which runs the app on another thread and loop); the session's database and
    pub/sub are put back afterwards. ``state.services.pubsub.subscribers(topic, key)`` tells
    when a subscription listens."""
    shared = linli_env.state
    state = AppState(settings=shared.settings, registry=shared.registry,
                     db=Database(shared.settings.database_url, all_tables(shared.registry)),
                     rolebook=shared.rolebook, schema=shared.schema)
    previous = pubsub_module.get_pubsub()
    pubsub_module.install(state)
    app = create_app(state=state, manage_db=True)
    db_module.set_db(state.db)
    try:
        return await asyncio.to_thread(work, state, app)
    finally:
        db_module.set_db(shared.db)
        pubsub_module.set_pubsub(previous)
        bind_tables(shared.db.tables, shared.db.engine)
