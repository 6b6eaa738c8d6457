"""Serving the console: the shell page for every ``/console/…`` route, and its files.

- ``/console/static/…``: the shell and core's pages (``core/console/static``);
- ``/console/vendor/<file>``: the vendored libraries (``vendor/manifest.json``);
- ``/console/plugins/<plugin>/…``: a plugin package's ``console/`` folder (page modules and
  their ``.graphql`` documents), for every loaded plugin;
- ``/console/ops/console/<file>.graphql``: the operation documents core's pages send, package
  data of ``core.console`` (``core/console/operations/``), read through ``importlib.resources``
  so an installed wheel serves the same documents as a checkout;
- anything else under ``/console/``: the shell page (routing happens in the browser).

Every file is answered gzip-compressed to a client that accepts it (the vendored files as the
vendor step precompressed them, ``vendor/<file>.gz``; the others compressed once and kept in
memory), with an ETag; a URL naming the file's sha256 (``?v=…``: the import map, the shell's
styles and script) is cached for a year as immutable, anything else revalidates. The page carries :func:`csp`: this origin only, no inline script but
the import map (allowed by its sha256), no inline style, no ``'unsafe-eval'``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException

from core.console.pages import STATIC
from core.console.vendor import IMPORTS, MANIFEST, VENDOR_DIR
from core.registry import Registry

__all__ = ["OPERATIONS", "csp", "import_map", "operation_documents", "route_handlers",
           "shell_page"]

OPERATIONS = "operations"
"""The folder of ``core.console`` that holds the console's operation documents (package data)."""


def operation_documents() -> dict[str, bytes]:
    """The console's operation documents by file name, read as package data (a checkout, an
    editable install and a wheel alike)."""
    folder = resources.files("core.console").joinpath(OPERATIONS)
    return {f.name: f.read_bytes() for f in folder.iterdir()
            if f.name.endswith(".graphql") and f.is_file()}

TYPES = {".js": "text/javascript", ".mjs": "text/javascript",
         ".css": "text/css", ".graphql": "application/graphql",
         ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
         ".txt": "text/plain"}
"""Served suffixes (``.mjs`` as JavaScript explicitly: the host's mime table may not know it)."""


@dataclass(frozen=True)
class _Blob:
    raw: bytes
    gz: bytes
    etag: str
    media_type: str


_BLOBS: dict[tuple[Path, float], _Blob] = {}


def _blob_of(raw: bytes, media_type: str) -> _Blob:
    return _Blob(raw, gzip.compress(raw, 9, mtime=0),
                 '"' + hashlib.sha256(raw).hexdigest()[:32] + '"', media_type)


def _blob(path: Path) -> _Blob:
    key = (path, path.stat().st_mtime)
    blob = _BLOBS.get(key)
    if blob is None:
        raw = path.read_bytes()
        media_type = TYPES.get(path.suffix, "application/octet-stream")
        packed = path.with_name(path.name + ".gz")
        if packed.is_file():  # precompressed by the vendor step: checked, not recompressed
            gz = packed.read_bytes()
            blob = _Blob(raw, gz, '"' + hashlib.sha256(raw).hexdigest()[:32] + '"', media_type) \
                if gzip.decompress(gz) == raw else _blob_of(raw, media_type)
        else:
            blob = _blob_of(raw, media_type)
        _BLOBS[key] = blob
    return blob


IMMUTABLE = "public, max-age=31536000, immutable"


def _cache(request: Request[Any, Any, Any], blob: _Blob) -> str:
    """A year, immutable, for a URL that names the content's hash (``?v=`` + the first 12 hex
    digits of its sha256, as the import map and the shell page write them); else revalidate."""
    version = request.query_params.get("v")
    return IMMUTABLE if version and len(version) >= 8 and blob.etag[1:].startswith(version) \
        else "no-cache"


def _send(request: Request[Any, Any, Any], blob: _Blob, cache: str) -> Response[bytes]:
    headers = {"Cache-Control": cache, "ETag": blob.etag, "Vary": "Accept-Encoding",
               "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == blob.etag:
        return Response(b"", status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "") and len(blob.raw) > 512:
        headers["Content-Encoding"] = "gzip"
        return Response(blob.gz, media_type=blob.media_type, headers=headers)
    return Response(blob.raw, media_type=blob.media_type, headers=headers)


def _inside(root: Path, rel: str) -> Path:
    """``root/rel`` if it is a served file inside ``root``; else 404."""
    if not rel or rel.startswith("/") or "\\" in rel or any(
            part in ("", ".", "..") or part.startswith(".") for part in rel.split("/")):
        raise NotFoundException()
    path = (root / rel).resolve()
    if root.resolve() not in path.parents or path.suffix not in TYPES or not path.is_file():
        raise NotFoundException()
    return path


def _vendor_versions() -> dict[str, str]:
    manifest: dict[str, dict[str, str]] = json.loads(MANIFEST.read_text())
    return {name: entry["sha256"][:12] for name, entry in manifest.items()}


def import_map() -> str:
    """The page's import map (bare specifiers → vendored files, ``@linli/console`` → the kit)."""
    versions = _vendor_versions()
    imports = {spec: f"/console/vendor/{name}?v={versions[name]}"
               for spec, name in IMPORTS.items()}
    kit = hashlib.sha256((STATIC / "kit.js").read_bytes()).hexdigest()[:12]
    imports["@linli/console"] = f"/console/static/kit.js?v={kit}"
    return json.dumps({"imports": imports}, separators=(",", ":"), sort_keys=True)


def csp(importmap: str) -> str:
    digest = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
    return ("default-src 'none'; "
            f"script-src 'self' 'sha256-{digest}'; style-src 'self'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


FIRST_MODULES = ("vue", "@linli/console", "htm")
"""What the sign-in page imports (besides ``shell.js``), largest first: announced with
``modulepreload`` so the browser fetches them while it is still reading the shell, instead of
discovering them one import level at a time. Element Plus (and its styles), the signed-in views
(``frame.js``), the icon set, ECharts and graphql-ws are not among them: the shell imports them
when first needed, and fetches Element Plus and the frame once the form is on screen."""


def shell_page(importmap: str) -> str:
    versions = _vendor_versions()
    shell = hashlib.sha256((STATIC / "shell.js").read_bytes()).hexdigest()[:12]
    css = hashlib.sha256((STATIC / "shell.css").read_bytes()).hexdigest()[:12]
    frame = hashlib.sha256((STATIC / "frame.js").read_bytes()).hexdigest()[:12]
    imports = json.loads(importmap)["imports"]
    preload = "\n".join(f'    <link rel="modulepreload" href="{imports[name]}" />'
                        for name in FIRST_MODULES)
    return f"""<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>邻里 Linli</title>
    <link rel="icon" href="data:," />
    <meta name="linli-element-plus-css" content="/console/vendor/element-plus.css?v={versions['element-plus.css']}" />
    <meta name="linli-frame" content="/console/static/frame.js?v={frame}" />
    <link rel="stylesheet" href="/console/static/shell.css?v={css}" />
    <script type="importmap">{importmap}</script>
{preload}
  </head>
  <body>
    <div id="app"><p class="boot">邻里 · 正在加载… / Loading…</p></div>
    <noscript>请启用 JavaScript / Please enable JavaScript.</noscript>
    <script type="module" src="/console/static/shell.js?v={shell}"></script>
  </body>
</html>
"""


def route_handlers(registry: Registry) -> list[Any]:
    """The console's Litestar handlers for the plugins of ``registry``."""
    importmap = import_map()
    page_blob = _blob_of(shell_page(importmap).encode(), "text/html")
    operations = {name: _blob_of(raw, TYPES[".graphql"])
                  for name, raw in operation_documents().items()}
    policy = csp(importmap)
    vendored = set(json.loads(MANIFEST.read_text())) | {"manifest.json"}
    for name in vendored - {"axe.min.js"}:  # compress once at start-up, not on a first visit
        _blob(VENDOR_DIR / name)
    for path in STATIC.rglob("*"):
        if path.suffix in TYPES and path.is_file():
            _blob(path)
    plugin_dirs = {name: d / "console" for name in registry.names
                   if (d := registry.plugin_dir(name)) is not None and (d / "console").is_dir()}

    @get(["/console/", "/console/{path:path}"], include_in_schema=False, sync_to_thread=False)
    def console(request: Request[Any, Any, Any], path: str = "") -> Response[bytes]:
        rel = path.lstrip("/")
        head, _, rest = rel.partition("/")
        if head == "static":
            blob = _blob(_inside(STATIC, rest))
            return _send(request, blob, _cache(request, blob))
        if head == "vendor":
            if rest not in vendored:
                raise NotFoundException()
            blob = _blob(VENDOR_DIR / rest)
            return _send(request, blob, _cache(request, blob))
        if head == "plugins":
            plugin, _, file = rest.partition("/")
            if plugin not in plugin_dirs:
                raise NotFoundException()
            return _send(request, _blob(_inside(plugin_dirs[plugin], file)), "no-cache")
        if head == "ops":
            folder, _, name = rest.partition("/")
            if folder != "console" or name not in operations:
                raise NotFoundException()
            return _send(request, operations[name], "no-cache")
        if "." in rel.rsplit("/", 1)[-1]:
            raise NotFoundException()  # a missing file, not a route of the shell
        response = _send(request, page_blob, "no-cache")
        response.headers["Content-Security-Policy"] = policy
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    return [console]
