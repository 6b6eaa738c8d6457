"""Refresh the console's vendored libraries from the npm registry (``make vendor`` or
``linli console vendor``).

Like GraphiQL's (:mod:`core.graphiql.vendor`): each pinned package is fetched with ``npm pack``
(the registry's tarball, checked by npm against its published integrity), the files the console
loads are copied into ``vendor/`` with the package's licence, and ``vendor/manifest.json``
records package, version, source file and sha256 of each; ``tests/core/console/test_vendor.py``
checks the files against it. Node and npm are needed only to refresh, never to run: the files
are committed. Versions are the ones the console spike measured together (vue 3.5.45,
element-plus 2.14.8, echarts 6.1.0, graphql-ws 6.4.2).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path

from core.graphiql.vendor import LICENCE_NAMES, Asset, _licence_name, _pack, sha256_of

__all__ = ["ASSETS", "IMPORTS", "MANIFEST", "VENDOR_DIR", "precompress", "vendor"]

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
MANIFEST = VENDOR_DIR / "manifest.json"

ASSETS: tuple[Asset, ...] = (
    # runtime-only Vue: no template compiler, so nothing needs 'unsafe-eval'
    Asset("vue", "3.5.45", "dist/vue.runtime.esm-browser.prod.js", "vue.runtime.esm-browser.prod.js"),
    Asset("element-plus", "2.14.8", "dist/index.full.min.mjs", "element-plus.mjs"),
    Asset("element-plus", "2.14.8", "dist/index.css", "element-plus.css"),
    Asset("element-plus", "2.14.8", "dist/locale/zh-cn.min.mjs", "element-plus-zh-cn.mjs"),
    Asset("element-plus", "2.14.8", "dist/locale/en.min.mjs", "element-plus-en.mjs"),
    Asset("@element-plus/icons-vue", "2.3.2", "dist/index.js", "element-plus-icons.js"),
    Asset("echarts", "6.1.0", "dist/echarts.esm.min.mjs", "echarts.esm.min.mjs"),
    # client.js imports its hash-named chunk by relative path: both keep their names
    Asset("graphql-ws", "6.4.2", "dist/client.js", "client.js"),
    Asset("graphql-ws", "6.4.2", "dist/common-CGW11Fyb.js", "common-CGW11Fyb.js"),
    Asset("htm", "3.1.1", "dist/htm.module.js", "htm.module.js"),
    # injected by the browser tests only (accessibility checks); never loaded by a page
    Asset("axe-core", "4.14.1", "axe.min.js", "axe.min.js"),
)

IMPORTS: dict[str, str] = {
    "vue": "vue.runtime.esm-browser.prod.js",
    "element-plus": "element-plus.mjs",
    "element-plus/locale/zh-cn": "element-plus-zh-cn.mjs",
    "element-plus/locale/en": "element-plus-en.mjs",
    "@element-plus/icons-vue": "element-plus-icons.js",
    "echarts": "echarts.esm.min.mjs",
    "graphql-ws": "client.js",
    "htm": "htm.module.js",
}
"""Bare specifiers of the import map → vendored file (served at ``/console/vendor/<file>``)."""


def precompress(manifest: dict[str, dict[str, str]]) -> list[Path]:
    """Write ``<file>.gz`` next to every vendored file the console serves (gzip -9, no
    timestamp, so the bytes are reproducible): the server sends these as they are instead of
    compressing 3 MB at every start. Licences are not served compressed. Returns the files."""
    written = []
    for name in sorted(manifest):
        if name.startswith("LICENSE."):
            continue
        target = VENDOR_DIR / (name + ".gz")
        target.write_bytes(gzip.compress((VENDOR_DIR / name).read_bytes(), 9, mtime=0))
        written.append(target)
    return written


def vendor(npm: str = "npm") -> dict[str, dict[str, str]]:
    """Fetch every asset and its licence; write the manifest. Returns it."""
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="linli-console-") as tmp:
        unpacked: dict[tuple[str, str], Path] = {}
        for asset in ASSETS:
            key = (asset.package, asset.version)
            if key not in unpacked:
                unpacked[key] = root = _pack(npm, asset.package, asset.version, Path(tmp))
                licence = next((root / n for n in (*LICENCE_NAMES, "LICENSE.md")
                                if (root / n).exists()), None)
                if licence is None:
                    raise SystemExit(f"{asset.package}@{asset.version}: no licence file")
                target = VENDOR_DIR / _licence_name(*key)
                shutil.copyfile(licence, target)
                manifest[target.name] = {"package": asset.package, "version": asset.version,
                                         "source": licence.name, "sha256": sha256_of(target)}
            target = VENDOR_DIR / asset.name
            shutil.copyfile(unpacked[key] / asset.source, target)
            manifest[asset.name] = {"package": asset.package, "version": asset.version,
                                    "source": asset.source, "sha256": sha256_of(target)}
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    precompress(manifest)
    return manifest


if __name__ == "__main__":
    result = vendor(sys.argv[1] if len(sys.argv) > 1 else "npm")
    for name, entry in sorted(result.items()):
        print(f"{entry['sha256'][:16]}  {name}  ({entry['package']}@{entry['version']})")
