"""``/metrics`` is not open to the internet by default: a bearer token (LINLI_METRICS_TOKEN), or
its own port (LINLI_METRICS_PORT, loopback by default); without either only loopback clients
outside production. Workers serve their job counts on a port of their own (``--metrics-port``);
arq's per-job lines are quiet at the default log level."""

from __future__ import annotations

import io
import logging
import urllib.error
import urllib.request
from dataclasses import replace
from typing import Any

import httpx

from core.app import create_app
from core.logging import configure_logging
from core.metrics import metrics_server
from core.testing.live import free_port, live_server


async def _scrape(linli_env: Any, headers: dict[str, str] | None = None,
                  client: tuple[str, int] = ("127.0.0.1", 40000), **settings: Any
                  ) -> httpx.Response:
    """``GET /metrics`` on an app over the session's state with ``settings`` changed."""
    state = replace(linli_env.state, settings=replace(linli_env.settings, **settings))
    app = create_app(state=state, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(
            app=app, client=client), base_url="http://test") as http:  # type: ignore[arg-type]
        return await http.get("/metrics", headers=headers or {})


async def test_token_guards_the_scrape(linli_env: Any) -> None:
    refused = await _scrape(linli_env, metrics_token="scrape-s3cret")
    assert refused.status_code == 401 and "linli_" not in refused.text
    assert refused.headers["www-authenticate"] == "Bearer"
    wrong = await _scrape(linli_env, {"Authorization": "Bearer nope"},
                          metrics_token="scrape-s3cret")
    assert wrong.status_code == 401
    ok = await _scrape(linli_env, {"Authorization": "Bearer scrape-s3cret"},
                       client=("203.0.113.7", 40000), metrics_token="scrape-s3cret")
    assert ok.status_code == 200 and "linli_http_requests_total" in ok.text


async def test_no_token_means_loopback_only_and_never_in_production(linli_env: Any) -> None:
    assert (await _scrape(linli_env)).status_code == 200  # 127.0.0.1, development/test
    remote = await _scrape(linli_env, client=("203.0.113.7", 40000))
    assert remote.status_code == 404 and "linli_" not in remote.text
    assert (await _scrape(linli_env, env="production")).status_code == 404
    assert (await _scrape(linli_env, metrics_port=9)).status_code == 404


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_serve_moves_metrics_to_its_own_port(linli_env: Any) -> None:
    port = free_port()
    with live_server(linli_env.settings, env={"LINLI_METRICS_PORT": str(port)}) as base:
        assert _get(f"{base}/metrics")[0] == 404
        status, text = _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and "linli_http_requests_total" in text
        assert _get(f"http://127.0.0.1:{port}/graphql")[0] == 404  # only metrics there


async def test_a_worker_serves_its_job_counts(linli_env: Any) -> None:
    """``linli worker --metrics-port`` runs this server next to the arq worker."""
    state = linli_env.state
    jobs = state.services.jobs
    jobs.counters["succeeded"]["probe_job"] += 3
    port = free_port()
    try:
        async with metrics_server(state, "127.0.0.1", port), httpx.AsyncClient() as client:
            resp = await client.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        del jobs.counters["succeeded"]["probe_job"]
    assert resp.status_code == 200
    assert 'linli_jobs_total{job="probe_job",status="succeeded"} 3.0' in resp.text


def test_worker_command_has_a_metrics_port() -> None:
    from click.testing import CliRunner

    from core.cli import main

    out = CliRunner().invoke(main, ["worker", "--help"]).output
    assert "--metrics-port" in out


def test_arq_is_quiet_at_the_default_level() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("arq").level)
    try:
        configure_logging("INFO", stream)
        logging.getLogger("arq.worker").info("  0.02s → 1234:job()")
        logging.getLogger("arq.worker").warning("job 1234 failed")
        logging.getLogger("linli.jobs").info("worker on queue q")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("arq").setLevel(saved[2])
    text = stream.getvalue()
    assert "1234:job()" not in text
    assert "job 1234 failed" in text and "worker on queue q" in text
