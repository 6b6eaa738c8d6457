"""``npm_install`` when two test runs (the two engines side by side) ask for one tool at once.

A stand-in npm writes the package's marker first and its dependency a moment later, as a real
install does; before the lock a second run saw the marker, skipped the install and ran node on a
half-written folder (CI: MODULE_NOT_FOUND on one engine, npm exit 217 on the other).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from core.testing.live import npm_install

FAKE_NPM = """#!/bin/sh
# npm install ... --prefix DIR pkg...: the package's marker first, its dependency later
while [ "$1" != "--prefix" ]; do shift; done
mkdir -p "$2/node_modules/tool" "$2/node_modules/dep"
echo '{}' > "$2/node_modules/tool/package.json"
echo "$$" >> "%(calls)s"
sleep 0.5
echo '{}' > "$2/node_modules/dep/package.json"
"""


def test_two_runs_at_once_install_once_and_never_see_half_a_folder(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    npm = tmp_path / "npm"
    npm.write_text(FAKE_NPM % {"calls": calls})
    npm.chmod(0o755)
    folder = tmp_path / "cache" / "tool-1.0"
    seen: list[bool] = []

    def run() -> None:
        got = npm_install(str(npm), folder, ["tool@1.0"], "node_modules/tool/package.json")
        seen.append((got / "node_modules" / "dep" / "package.json").exists())

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [True, True, True]
    assert len(calls.read_text().split()) == 1
    assert sorted(os.listdir(folder.parent)) == [".tool-1.0.lock", "tool-1.0"]


def test_a_failed_install_is_tried_once_more(tmp_path: Path) -> None:
    npm = tmp_path / "npm"
    tries = tmp_path / "tries"
    npm.write_text(f"""#!/bin/sh
echo x >> "{tries}"
[ "$(wc -l < "{tries}")" -ge 2 ] || exit 217
while [ "$1" != "--prefix" ]; do shift; done
mkdir -p "$2/node_modules/tool" && echo '{{}}' > "$2/node_modules/tool/package.json"
""")
    npm.chmod(0o755)
    folder = npm_install(str(npm), tmp_path / "tool-1.0", ["tool@1.0"],
                         "node_modules/tool/package.json")
    assert (folder / "node_modules" / "tool" / "package.json").exists()
    assert len(tries.read_text().split()) == 2
