"""The server ships with a WebSocket implementation (subscriptions): the package depends on
``uvicorn[standard]``, the image checks it at build time, and the installed environment has it
(uvicorn with neither ``websockets`` nor ``wsproto`` answers an upgrade with the HTTP handler)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_depends_on_uvicorn_standard() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    uvicorn = [d for d in deps if re.match(r"uvicorn\b", d)]
    assert uvicorn and all(d.startswith("uvicorn[standard]") for d in uvicorn), uvicorn


def test_the_image_checks_its_websocket_library() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert 'python -c "import websockets, httptools"' in dockerfile


def test_this_environment_can_serve_websockets() -> None:
    from uvicorn.config import Config

    assert importlib.util.find_spec("websockets") or importlib.util.find_spec("wsproto"), \
        "no WebSocket library: install the package again (uvicorn[standard])"
    config = Config(app=lambda: None, ws="auto", http="auto")
    config.load()  # resolves "auto" to the implementation it found
    assert config.ws_protocol_class is not None
