"""A `linli worker` process killed (SIGKILL) mid-job, inside the job's transaction, and started
again loses no job and duplicates no effect. Needs Redis: skipped locally without
LINLI_TEST_REDIS_URL, a failure under CI."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest


HERE = Path(__file__).resolve().parent
JOB_TIMEOUT = 3  # seconds; arq re-runs a dead worker's job JOB_TIMEOUT + 10 s later


async def require_redis() -> str:
    url = os.environ.get("LINLI_TEST_REDIS_URL", "")
    in_ci = os.environ.get("CI", "").lower() == "true"
    embedded = os.environ.get("LINLI_TEST_ENGINE", "sqlite") == "sqlite"
    if not url:
        if in_ci and not embedded:
            pytest.fail("CI must set LINLI_TEST_REDIS_URL: the worker crash test needs Redis")
        if embedded:  # `make test` runs SQLite as the embedded set-up: jobs in-process
            pytest.skip("the embedded (SQLite) run has no Redis; the PostgreSQL run covers this")
        pytest.skip("needs Redis: set LINLI_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
    from redis.asyncio import from_url

    client = from_url(url)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis at LINLI_TEST_REDIS_URL is unreachable: {exc!r}")
    finally:
        await client.aclose()
    return url


def start_worker(env: Any, queue: str, log: Path) -> subprocess.Popen[bytes]:
    settings = env.settings
    child_env = {
        **os.environ,
        "LINLI_DATABASE_URL": settings.database_url,
        "LINLI_PII_KEY": settings.pii_key,
        "LINLI_SECRET_KEY": settings.secret_key,
        "LINLI_REDIS_URL": settings.redis_url,
        "LINLI_VAR_DIR": settings.var_dir,
        "LINLI_ENV": "test",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    linli = Path(sys.executable).parent / "linli"
    cmd = [str(linli), "worker", "--queue", queue, "--job-timeout", str(JOB_TIMEOUT),
           "--plugin", "jobs_testplugin:probe", "--verbose"]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, env=child_env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


async def wait_for(check: Callable[[], Awaitable[bool]], what: str, seconds: float,
                   proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if proc.poll() is not None:
            pytest.fail(f"the worker exited ({proc.returncode}) before {what}:\n"
                        + log.read_text(errors="replace")[-3000:])
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}:\n" + log.read_text(errors="replace")[-3000:])
        await asyncio.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


async def test_killed_worker_loses_no_job_and_duplicates_no_effect(
        linli_env: Any, make_jobs: Any, enabled_tenant: Any, tmp_path: Path,
        effects: Any) -> None:
    await require_redis()
    from arq.jobs import Job

    jobs = await make_jobs()
    assert not jobs.in_process
    tenant = await enabled_tenant("jobs_probe")
    log = tmp_path / "worker.log"
    marker = tmp_path / "sleeping"

    async def rows(key: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await effects(tenant, key)
        return rows

    async def has(key: str) -> bool:
        return bool(await rows(key))

    async def marked() -> bool:
        return marker.exists()

    proc = start_worker(linli_env, jobs.queue_name, log)
    try:
        await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, job_id="a1", key="a")
        await wait_for(lambda: has("a"), "job a's effect", 60, proc, log)
        await jobs.enqueue("jobs_probe.slow_record", tenant_id=tenant.id, job_id="b1", key="b",
                           marker=str(marker))
        await wait_for(marked, "job b to sleep inside its transaction", 60, proc, log)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert await rows("b") == []  # the killed transaction left nothing behind

        # at-least-once: the same work queued again must not be done twice
        await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, job_id="a2", key="a")
        proc = start_worker(linli_env, jobs.queue_name, log)
        await wait_for(lambda: has("b"), "job b to be run again", JOB_TIMEOUT + 60, proc, log)

        async def drained() -> bool:
            return await jobs.pool.zcard(jobs.queue_name) == 0  # type: ignore[union-attr]

        await wait_for(drained, "the queue to empty", 60, proc, log)
        assert len(await rows("a")) == 1
        b_rows = await rows("b")
        assert len(b_rows) == 1 and b_rows[0]["job_try"] == 2  # the re-run wrote it
        for job_id in ("a1", "a2", "b1"):
            job = Job(f"{jobs.queue_name}:{job_id}", jobs.pool, _queue_name=jobs.queue_name)
            info = await job.result_info()
            assert info is not None and info.success, (job_id, info)
    finally:
        stop(proc)
