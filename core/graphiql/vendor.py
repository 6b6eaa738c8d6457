"""Refresh GraphiQL's vendored assets from the npm registry (``make vendor-graphiql``).

Each pinned package is fetched with ``npm pack`` (the registry's tarball, checked against its
published integrity by npm), and the files the page loads are copied into ``assets/`` with the
package's licence. ``assets/manifest.json`` records package, version, source file and sha256 of
every file; ``tests/core/schema/test_graphiql.py`` checks the files against it. The versions are
the ones strawberry's own GraphiQL page loads from a CDN (graphiql 3.8.3; graphiql 4+ ships no
single-file build). Run ``python -m core.graphiql.vendor`` from the repository root.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ASSETS", "ASSET_DIR", "MANIFEST", "Asset", "sha256_of", "vendor"]

ASSET_DIR = Path(__file__).resolve().parent / "assets"
MANIFEST = ASSET_DIR / "manifest.json"


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    source: str
    """The file's path inside the package tarball (under ``package/``)."""
    name: str
    """The file's name under ``assets/`` (and under ``/graphiql/`` when served)."""


ASSETS: tuple[Asset, ...] = (
    Asset("react", "18.2.0", "umd/react.production.min.js", "react.production.min.js"),
    Asset("react-dom", "18.2.0", "umd/react-dom.production.min.js",
          "react-dom.production.min.js"),
    Asset("graphiql", "3.8.3", "graphiql.min.js", "graphiql.min.js"),
    Asset("graphiql", "3.8.3", "graphiql.min.css", "graphiql.min.css"),
    Asset("@graphiql/plugin-explorer", "1.0.2", "dist/index.umd.js", "plugin-explorer.umd.js"),
    Asset("@graphiql/plugin-explorer", "1.0.2", "dist/style.css", "plugin-explorer.css"),
)

LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE")
MONOREPO_LICENCE = {"@graphiql/plugin-explorer": ("graphiql", "3.8.3")}
"""Packages whose tarball carries no licence text (package.json says MIT): they are published
from the graphql/graphiql monorepo, whose MIT licence (shipped in ``graphiql``) covers them."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _licence_name(package: str, version: str) -> str:
    return f"LICENSE.{package.replace('@', '').replace('/', '-')}-{version}.txt"


def _pack(npm: str, package: str, version: str, work: Path) -> Path:
    """The package's unpacked tarball directory (``…/package``)."""
    out = subprocess.run([npm, "pack", f"{package}@{version}", "--silent",
                          "--pack-destination", str(work)], check=True, capture_output=True,
                         text=True, timeout=300).stdout.strip().splitlines()[-1]
    target = work / f"{package.replace('/', '-')}-{version}"
    with tarfile.open(work / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def vendor(npm: str = "npm") -> dict[str, dict[str, str]]:
    """Fetch every asset and its licence; write the manifest. Returns it."""
    ASSET_DIR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="linli-graphiql-") as tmp:
        unpacked: dict[tuple[str, str], Path] = {}
        for asset in ASSETS:
            key = (asset.package, asset.version)
            if key not in unpacked:
                unpacked[key] = _pack(npm, asset.package, asset.version, Path(tmp))
                root = unpacked[key]
                target = ASSET_DIR / _licence_name(*key)
                licence = next((root / n for n in LICENCE_NAMES if (root / n).exists()), None)
                source = licence.name if licence is not None else ""
                if licence is not None:
                    shutil.copyfile(licence, target)
                elif asset.package in MONOREPO_LICENCE:
                    declared = json.loads((root / "package.json").read_text())["license"]
                    mono = MONOREPO_LICENCE[asset.package]
                    mono_root = _pack(npm, *mono, Path(tmp))
                    target.write_text(
                        f"{asset.package}@{asset.version}: package.json declares \"{declared}\"; "
                        f"its tarball ships no licence text. It is published from the\n"
                        f"graphql/graphiql monorepo, whose licence ({mono[0]}@{mono[1]} "
                        f"LICENSE) follows.\n\n" + (mono_root / "LICENSE").read_text())
                    source = f"{mono[0]}@{mono[1]}:LICENSE (package.json: {declared})"
                else:
                    raise SystemExit(f"{asset.package}@{asset.version}: no licence file")
                manifest[target.name] = {"package": asset.package, "version": asset.version,
                                         "source": source, "sha256": sha256_of(target)}
            target = ASSET_DIR / asset.name
            shutil.copyfile(unpacked[key] / asset.source, target)
            manifest[asset.name] = {"package": asset.package, "version": asset.version,
                                    "source": asset.source, "sha256": sha256_of(target)}
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


if __name__ == "__main__":
    result = vendor(sys.argv[1] if len(sys.argv) > 1 else "npm")
    for name, entry in sorted(result.items()):
        print(f"{entry['sha256'][:16]}  {name}  ({entry['package']}@{entry['version']})")
