"""GraphQL over HTTP conformance: the ``graphql-http`` package's ``serverAudits`` against a real
``linli serve``. Every MUST passes (an ``error`` status is a MUST failure); the ok/notice/warn
counts are printed. The package is installed once with npm into ``.cache/npm/`` under the
repository (reused by later runs; two runs side by side install it once, see ``npm_install``);
without node/npm the test skips, under ``CI=true`` it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from core.testing.live import live_server, npm_install, require_tool

GRAPHQL_HTTP = "1.22.4"
GRAPHQL_JS = "16.9.0"
ROOT = Path(__file__).resolve().parents[3]
CACHE = Path(os.environ.get("LINLI_TOOL_CACHE", ROOT / ".cache")) / "npm" / \
    f"graphql-http-{GRAPHQL_HTTP}"

AUDIT_JS = """
const { serverAudits } = require('graphql-http');
(async () => {
  const results = [];
  for (const audit of serverAudits({ url: process.argv[2] })) {
    const r = await audit.fn();
    results.push({ id: r.id, name: r.name, status: r.status, reason: r.reason || '' });
  }
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(2); });
"""


def _install(npm: str) -> Path:
    npm_install(npm, CACHE, [f"graphql-http@{GRAPHQL_HTTP}", f"graphql@{GRAPHQL_JS}"],
                "node_modules/graphql-http/package.json")
    script, partial = CACHE / "audit.js", CACHE / f".audit-{os.getpid()}.js"
    partial.write_text(AUDIT_JS)
    partial.replace(script)  # atomic: the other engine's run may be reading it
    return script


def test_graphql_http_server_audits_pass_every_must(linli_env: Any) -> None:
    node = require_tool("node", "the graphql-http conformance audit runs on node")
    npm = require_tool("npm", "the graphql-http conformance audit is installed with npm")
    script = _install(npm)
    with live_server(linli_env.settings) as base:
        run = subprocess.run([node, str(script), f"{base}/graphql"], capture_output=True,
                             text=True, timeout=300, cwd=CACHE, check=False)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    counts = {s: sum(r["status"] == s for r in results) for s in ("ok", "notice", "warn",
                                                                  "error")}
    print(f"graphql-http {GRAPHQL_HTTP} serverAudits: {counts['ok']} ok, {counts['notice']} "
          f"notice, {counts['warn']} warn, {counts['error']} error")
    for r in results:
        if r["status"] != "ok":
            print(f"  {r['status']}: {r['name']} — {r['reason'][:200]}")
    assert len(results) > 40
    failures = [f"{r['name']}: {r['reason']}" for r in results if r["status"] == "error"]
    assert not failures, "MUST failures:\n" + "\n".join(failures)
