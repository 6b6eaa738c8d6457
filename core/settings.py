"""Typed settings, read once from the environment (all names prefixed ``LINLI_``)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["SETTING_NAMES", "Settings", "SettingsError", "default_var_dir", "get_settings",
           "reset_settings", "sqlite_path", "var_dir_from_env"]


class SettingsError(RuntimeError):
    """A setting is missing or invalid."""


SETTING_NAMES: tuple[str, ...] = (
    "ENV", "VAR_DIR", "PORT", "HOST", "DATABASE_URL", "MIGRATE_DATABASE_URL", "REDIS_URL",
    "SECRET_KEY", "PII_KEY", "DISABLE_PLUGINS", "PASSWORD_MEMORY_KIB", "PASSWORD_TIME_COST",
    "ACCESS_TOKEN_SECONDS", "DEMO_PASSWORD", "EVENT_MAX_ATTEMPTS", "EVENT_RETRY_BASE_SECONDS",
    "EVENT_SWEEP_AFTER_SECONDS", "JOB_QUEUE", "JOB_TIMEOUT_SECONDS", "JOBS_IN_PROCESS",
    "QUERY_COST_ANONYMOUS", "QUERY_COST_ACCOUNT", "QUERY_COST_API_KEY", "QUERY_COST_OPERATOR",
    "REQUEST_TIMEOUT_SECONDS", "STATEMENT_TIMEOUT_MS",
    "METRICS_TOKEN", "METRICS_PORT", "METRICS_HOST",
    "REQUEST_TIMEOUT_SECONDS", "STATEMENT_TIMEOUT_MS", "TRUSTED_PROXIES",
    "LOGIN_MAX_FAILURES_PER_ADDRESS",
)
"""Every setting :func:`load_settings` reads, without the ``LINLI_`` prefix (the deploy files
may set only these; ``tests/deploy`` checks both this list and the files)."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"LINLI_{name}", default)


def default_var_dir() -> Path:
    """Where development secrets and the embedded database live unless ``LINLI_VAR_DIR`` says:
    ``var/`` of the project checkout the code runs from (the folder with ``pyproject.toml``
    above ``core/``), else ``$XDG_DATA_HOME/linli`` (``~/.local/share/linli``) for an installed
    package — never the current directory, so ``linli`` finds the same database from anywhere."""
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").is_file():
        return project / "var"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "linli"


def var_dir_from_env() -> Path:
    """``LINLI_VAR_DIR`` (made absolute) or :func:`default_var_dir`."""
    raw = _env("VAR_DIR")
    return Path(raw).expanduser().resolve() if raw else default_var_dir()


def sqlite_path(database_url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (``None`` for other engines)."""
    return Path(database_url.removeprefix("sqlite:///")) if database_url.startswith(
        "sqlite:///") else None


def _int(raw: str, name: str) -> int:
    try:
        return int(raw or "0")
    except ValueError as exc:
        raise SettingsError(f"LINLI_{name} 必须是整数 / must be an integer") from exc


def _secret_from_var(var_dir: Path, name: str, env: str, database: Path | None) -> str:
    value = _env(name)
    if value:
        return value
    if env == "production":
        raise SettingsError(f"LINLI_{name} 必须在生产环境中设置 / must be set in production")
    path = var_dir / f"{name.lower()}.txt"
    if path.exists():
        return path.read_text().strip()
    if database is not None and database.exists():
        # a new key would make the existing database's signatures or personal data unreadable
        raise SettingsError(
            f"找不到 {path}，但数据库 {database} 已存在；请设置 LINLI_{name} 或 LINLI_VAR_DIR / "
            f"{path} not found while the database {database} exists: set LINLI_{name} or "
            "LINLI_VAR_DIR to where its secrets are")
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    """``production`` turns off GraphiQL and introspection and requires real secrets."""
    host: str = "127.0.0.1"
    """Where ``linli serve`` listens."""
    port: int = 8000
    """Port ``linli serve`` listens on."""
    database_url: str = "sqlite:///./var/linli.sqlite3"
    """The application's connection (on PostgreSQL: the non-owner role)."""
    migrate_database_url: str = ""
    """The owner's connection used by ``linli migrate`` and role setup."""
    redis_url: str = ""
    """arq and subscription fan-out; unset means jobs run in-process."""
    secret_key: str = field(default="", repr=False)
    """Token signing key."""
    pii_key: str = field(default="", repr=False)
    """Encryption and blind-index key for personal data."""
    disable_plugins: frozenset[str] = frozenset()
    """Plugin names never loaded."""
    password_memory_kib: int = 19 * 1024
    """argon2id memory cost (OWASP: 19 MiB); tests lower it."""
    password_time_cost: int = 2
    """argon2id iterations."""
    access_token_seconds: int = 15 * 60
    """Lifetime of an access token (at most 15 minutes)."""
    refresh_token_days: int = 30
    """Lifetime of a refresh token family."""
    login_max_failures: int = 5
    """Failed logins of one account from one client address inside the window before each
    further attempt from there waits (a growing delay, never a lock of the account)."""
    login_max_failures_per_address: int = 50
    """Failed logins from one client address inside the window (any accounts) before that
    address is refused until the window passes."""
    login_delay_base_seconds: float = 2.0
    """The first wait after ``login_max_failures``; it doubles with each further failure."""
    login_delay_max_seconds: float = 15 * 60
    """The longest wait between attempts of one (account, address)."""
    login_window_seconds: int = 15 * 60
    """Throttling window for failed logins."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks (CIDR) of the reverse proxies whose ``X-Forwarded-For`` names
    the client; from anywhere else the header is ignored (``LINLI_TRUSTED_PROXIES``,
    comma-separated). Empty: the header is never trusted."""
    demo_password: str = "linli-demo-2026"
    """The one shared password of the demo logins (refused in production)."""
    var_dir: str = "./var"
    """Where development secrets and the embedded database live (``LINLI_VAR_DIR``; default
    :func:`default_var_dir`)."""
    event_max_attempts: int = 5
    """Tries of a failing event handler before it is parked for an operator."""
    event_retry_base_seconds: float = 10.0
    """Delay before a failed event handler's first retry; doubles each try (at most an hour)."""
    event_sweep_after_seconds: float = 5.0
    """Age after which the sweeper delivers an event no one delivered."""
    job_queue: str = "linli:queue"
    """The arq queue ``linli worker`` reads and the API enqueues to (one per deployment)."""
    job_timeout_seconds: float = 300.0
    """Longest a job may run; a job of a killed worker is re-run this long (+10 s) later."""
    jobs_in_process: bool = True
    """Without Redis, run jobs and cron on the server's event loop (tests turn this off and
    drain the queue themselves)."""

    query_cost_anonymous: int = 15_000
    """Most a GraphQL operation may cost without a login (the public building-head board's
    page of 20 matters with their timelines is ~12,300); the
    cost is each field times the list sizes above it (``core/schema/budget.py``)."""
    query_cost_account: int = 25_000
    """Most an operation may cost for a logged-in account (a full page of 100 residents with
    their household and building is ~2,000)."""
    query_cost_api_key: int = 10_000
    """Most an operation may cost for an API key (a counter or kiosk asks small questions)."""
    query_cost_operator: int = 50_000
    """Most an operation may cost for a deployment operator."""
    request_timeout_seconds: float = 15.0
    """Overall deadline of one GraphQL request; past it the request is stopped."""
    statement_timeout_ms: int = 5_000
    """PostgreSQL ``statement_timeout`` set in every transaction (0 turns it off)."""
    metrics_token: str = field(default="", repr=False)
    """When set, ``/metrics`` answers only ``Authorization: Bearer <token>`` (any port)."""
    metrics_port: int = 0
    """When set, ``/metrics`` is served on this port (``linli serve``; ``linli worker`` with
    ``--metrics-port``) and no longer on the API's port."""
    metrics_host: str = "127.0.0.1"
    """Where the metrics port listens (``0.0.0.0`` in a container scraped from outside)."""

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def effective_migrate_url(self) -> str:
        return self.migrate_database_url or self.database_url


def load_settings() -> Settings:
    env = _env("ENV", "development")
    var_dir = var_dir_from_env()
    try:
        port = int(_env("PORT", "8000"))
    except ValueError as exc:
        raise SettingsError("LINLI_PORT 必须是整数 / must be an integer") from exc
    database_url = _env("DATABASE_URL", f"sqlite:///{var_dir}/linli.sqlite3")
    database = sqlite_path(database_url)
    return Settings(
        env=env,
        host=_env("HOST", "127.0.0.1"),
        port=port,
        database_url=database_url,
        migrate_database_url=_env("MIGRATE_DATABASE_URL"),
        redis_url=_env("REDIS_URL"),
        secret_key=_secret_from_var(var_dir, "SECRET_KEY", env, database),
        pii_key=_secret_from_var(var_dir, "PII_KEY", env, database),
        disable_plugins=frozenset(
            p.strip() for p in _env("DISABLE_PLUGINS").split(",") if p.strip()
        ),
        password_memory_kib=int(_env("PASSWORD_MEMORY_KIB", str(19 * 1024))),
        password_time_cost=int(_env("PASSWORD_TIME_COST", "2")),
        access_token_seconds=min(int(_env("ACCESS_TOKEN_SECONDS", "900")), 900),
        demo_password=_env("DEMO_PASSWORD", "linli-demo-2026"),
        var_dir=str(var_dir),
        event_max_attempts=int(_env("EVENT_MAX_ATTEMPTS", "5")),
        event_retry_base_seconds=float(_env("EVENT_RETRY_BASE_SECONDS", "10")),
        event_sweep_after_seconds=float(_env("EVENT_SWEEP_AFTER_SECONDS", "5")),
        job_queue=_env("JOB_QUEUE", "linli:queue"),
        job_timeout_seconds=float(_env("JOB_TIMEOUT_SECONDS", "300")),
        jobs_in_process=_env("JOBS_IN_PROCESS", "1").lower() not in ("0", "false", "no"),
        query_cost_anonymous=int(_env("QUERY_COST_ANONYMOUS", "15000")),
        query_cost_account=int(_env("QUERY_COST_ACCOUNT", "25000")),
        query_cost_api_key=int(_env("QUERY_COST_API_KEY", "10000")),
        query_cost_operator=int(_env("QUERY_COST_OPERATOR", "50000")),
        request_timeout_seconds=float(_env("REQUEST_TIMEOUT_SECONDS", "15")),
        statement_timeout_ms=int(_env("STATEMENT_TIMEOUT_MS", "5000")),
        metrics_token=_env("METRICS_TOKEN"),
        metrics_port=_int(_env("METRICS_PORT", "0"), "METRICS_PORT"),
        metrics_host=_env("METRICS_HOST", "127.0.0.1"),
        trusted_proxies=tuple(p.strip() for p in _env("TRUSTED_PROXIES").split(",")
                              if p.strip()),
        login_max_failures_per_address=int(_env("LOGIN_MAX_FAILURES_PER_ADDRESS", "50")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
