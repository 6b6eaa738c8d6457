"""The console's vendored libraries match their manifest (package, version, sha256), each
package ships with its licence, and nothing unrecorded sits in ``vendor/``."""

from __future__ import annotations

import gzip
import json

from core.console.vendor import ASSETS, IMPORTS, MANIFEST, VENDOR_DIR
from core.graphiql.vendor import sha256_of


def test_vendored_files_match_their_manifest() -> None:
    manifest = json.loads(MANIFEST.read_text())
    for asset in ASSETS:
        entry = manifest[asset.name]
        assert (entry["package"], entry["version"], entry["source"]) == \
            (asset.package, asset.version, asset.source)
    for name, entry in manifest.items():
        assert sha256_of(VENDOR_DIR / name) == entry["sha256"], f"{name} differs from manifest"
    packages = {(a.package, a.version) for a in ASSETS}
    licences = {(e["package"], e["version"]) for n, e in manifest.items()
                if n.startswith("LICENSE.")}
    assert licences == packages, "every vendored package ships with its licence"
    served = [n for n in manifest if not n.startswith("LICENSE.")]
    assert {p.name for p in VENDOR_DIR.iterdir()} == \
        {*manifest, "manifest.json", *(n + ".gz" for n in served)}
    assert set(IMPORTS.values()) <= set(manifest)


def test_vue_is_the_runtime_only_build() -> None:
    """No template compiler is shipped: nothing can turn a string into code ('unsafe-eval')."""
    vue = (VENDOR_DIR / IMPORTS["vue"]).read_text()
    assert "compileToFunction" not in vue and "new Function" not in vue


def test_precompressed_files_are_the_files() -> None:
    """``<file>.gz`` (written by the vendor step, sent as they are) decompress to the very
    bytes the manifest records."""
    manifest = json.loads(MANIFEST.read_text())
    for name in manifest:
        if name.startswith("LICENSE."):
            continue
        packed = (VENDOR_DIR / (name + ".gz")).read_bytes()
        assert gzip.decompress(packed) == (VENDOR_DIR / name).read_bytes(), name
