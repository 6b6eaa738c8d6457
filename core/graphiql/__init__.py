"""GraphiQL served from the package, so it works with no route to the internet (政务外网).

The page (:data:`PAGE`) loads React, GraphiQL and its explorer plugin from ``/graphiql/…``
(files vendored by ``make vendor-graphiql``, pinned in ``assets/manifest.json`` with their
licences) and our own start-up script and style (``page.js``, ``page.css``) — no inline script
or style, so the Content-Security-Policy (:data:`CSP`) allows only this origin. Served in
development and test only; production turns GraphiQL off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar import Response, get
from litestar.exceptions import NotFoundException

__all__ = ["CSP", "PAGE", "asset_route", "served_files"]

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
"""Everything from this origin only: no inline script or style, no CDN, no eval."""

PAGE = """<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <title>邻里 Linli GraphiQL</title>
    <link rel="stylesheet" href="/graphiql/graphiql.min.css" />
    <link rel="stylesheet" href="/graphiql/plugin-explorer.css" />
    <link rel="stylesheet" href="/graphiql/page.css" />
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">正在加载… / Loading…</div>
    <script src="/graphiql/react.production.min.js"></script>
    <script src="/graphiql/react-dom.production.min.js"></script>
    <script src="/graphiql/graphiql.min.js"></script>
    <script src="/graphiql/plugin-explorer.umd.js"></script>
    <script src="/graphiql/page.js"></script>
  </body>
</html>
"""

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


def served_files() -> dict[str, Path]:
    """Name → file for everything under ``/graphiql/``: the manifest's files (assets and
    licences), the manifest itself, and our page's script and style."""
    manifest: dict[str, Any] = json.loads((ASSETS / "manifest.json").read_text())
    files = {name: ASSETS / name for name in manifest}
    files["manifest.json"] = ASSETS / "manifest.json"
    files["page.js"] = HERE / "page.js"
    files["page.css"] = HERE / "page.css"
    return files


def asset_route() -> Any:
    """``GET /graphiql/{name}``: one of :func:`served_files` (anything else is 404)."""
    files = served_files()

    @get("/graphiql/{name:str}", include_in_schema=False, sync_to_thread=False)
    def graphiql_asset(name: str) -> Response[bytes]:
        path = files.get(name)
        if path is None:
            raise NotFoundException()
        return Response(path.read_bytes(), media_type=_TYPES.get(path.suffix, "text/plain"),
                        headers={"Cache-Control": "public, max-age=3600",
                                 "X-Content-Type-Options": "nosniff"})

    return graphiql_asset
