"""deploy/: no container engine runs here, so check the files against the code instead — every
``LINLI_*`` name they set is a setting the code reads, and the pieces fit together."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from core.settings import SETTING_NAMES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS = {f"LINLI_{n}" for n in SETTING_NAMES}


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _k8s() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])


def _k8s_names(doc: dict[str, Any]) -> set[str]:
    names = set((doc.get("stringData") or {}) | (doc.get("data") or {}))
    for container in _containers(doc):
        names |= {e["name"] for e in container.get("env", [])}
    return names


def _dockerfile_env() -> set[str]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("ENV "):
            names |= set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", line))
    return names


def test_setting_names_list_every_setting_read():
    source = (ROOT / "core" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'_env\(\s*"([A-Z0-9_]+)"', source))
    read |= set(re.findall(r'_secret_from_var\(\s*\w+,\s*"([A-Z0-9_]+)"', source))
    assert read == set(SETTING_NAMES), (
        "core/settings.py SETTING_NAMES is out of date: "
        f"missing {sorted(read - set(SETTING_NAMES))}, extra {sorted(set(SETTING_NAMES) - read)}")


def test_every_linli_name_in_the_deploy_files_is_a_setting():
    used: dict[str, set[str]] = {"Dockerfile": {n for n in _dockerfile_env()
                                                if n.startswith("LINLI_")}}
    for name, service in _compose()["services"].items():
        env = service.get("environment") or {}
        used[f"compose:{name}"] = {k for k in env if k.startswith("LINLI_")}
        if name in ("api", "worker", "migrate"):
            assert set(env) == used[f"compose:{name}"], f"{name}: only LINLI_* names"
    for doc in _k8s():
        used[f"k8s:{doc['kind']}/{doc['metadata']['name']}"] = {
            n for n in _k8s_names(doc) if n.startswith("LINLI_")}
    for where, names in used.items():
        assert names <= SETTINGS, f"{where} sets {sorted(names - SETTINGS)}, which no code reads"
    assert set().union(*used.values()) >= {"LINLI_DATABASE_URL", "LINLI_MIGRATE_DATABASE_URL",
                                           "LINLI_REDIS_URL", "LINLI_SECRET_KEY",
                                           "LINLI_PII_KEY", "LINLI_HOST"}


def test_compose_has_the_services_wired_in_order():
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker"}
    assert services["migrate"]["command"] == ["linli", "migrate"]
    assert services["api"]["command"] == ["linli", "serve"]
    assert services["worker"]["command"] == ["linli", "worker"]
    owner = services["migrate"]["environment"]["LINLI_MIGRATE_DATABASE_URL"]
    assert owner.startswith("postgresql://linli_owner:")
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert "LINLI_MIGRATE_DATABASE_URL" not in env, "only migrate gets the owner's URL"
        assert env["LINLI_DATABASE_URL"].startswith("postgresql://linli_app:")
        assert env["LINLI_REDIS_URL"].startswith("redis://redis:")
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["postgres"]["volumes"]}
    assert (DEPLOY / mounts["/linli/roles.sql"]).resolve() == DEPLOY / "postgres" / "roles.sql"
    init = DEPLOY / mounts["/docker-entrypoint-initdb.d/10-linli.sh"]
    script = init.read_text(encoding="utf-8")
    assert "-f /linli/roles.sql" in script and "-v owner=linli_owner -v app=linli_app" in script


def test_kubernetes_manifests():
    docs = {(d["kind"], d["metadata"]["name"]): d for d in _k8s()}
    assert set(docs) >= {("Deployment", "linli-api"), ("Service", "linli-api"),
                         ("Deployment", "linli-worker"), ("Job", "linli-migrate"),
                         ("Secret", "linli-app"), ("Secret", "linli-migrate")}
    commands = {name: _containers(docs[(kind, name)])[0]["command"]
                for kind, name in (("Deployment", "linli-api"), ("Deployment", "linli-worker"),
                                   ("Job", "linli-migrate"))}
    # workers serve their job metrics on a port of their own (``--metrics-port``)
    assert commands == {"linli-api": ["linli", "serve"],
                        "linli-worker": ["linli", "worker", "--metrics-port", "9100"],
                        "linli-migrate": ["linli", "migrate"]}
    api = _containers(docs[("Deployment", "linli-api")])[0]
    assert api["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert api["livenessProbe"]["httpGet"]["path"] == "/health/live"
    for kind, name in (("Deployment", "linli-api"), ("Deployment", "linli-worker")):
        refs = [e["secretRef"]["name"] for e in _containers(docs[(kind, name)])[0]["envFrom"]]
        assert refs == ["linli-app"], "only the migrate Job sees the owner's URL"
    for secret in ("linli-app", "linli-migrate"):  # placeholders only, never a real secret
        for key, value in docs[("Secret", secret)]["stringData"].items():
            assert key == "LINLI_REDIS_URL" or "CHANGE-ME" in value, key


def test_dockerfile_runs_linli_serve_as_non_root():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.MULTILINE)
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert 'CMD ["linli", "serve"]' in text
    assert "LINLI_HOST=0.0.0.0" in text and "LINLI_PORT=8000" in text
    assert "pip install ." in text


def test_the_commands_the_deploy_files_run_exist():
    from core.cli import main

    for command in ("serve", "migrate", "worker"):
        assert command in main.commands, f"`linli {command}` is not a command"
