"""Process configuration, read once from the environment (the contract in DESIGN.md)."""

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _var_dir() -> Path:
    return Path(os.environ.get("QUTECAT_VAR_DIR", ROOT / "var"))


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its surroundings."""

    port: int
    realtime_port: int
    database_url: str
    redis_url: str | None
    storage_url: str | None
    base_domain: str
    app_env: str
    secret_key: str
    smtp_url: str | None
    var_dir: Path
    trace_hooks: bool
    public_url: str
    stripe_api_base: str = "https://api.stripe.com"
    stripe_secret_key: str | None = None
    stripe_publishable_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_js_url: str = "https://js.stripe.com/v3/"
    extra: dict = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


def _secret_key(var_dir: Path, app_env: str) -> str:
    """Use SECRET_KEY, else keep a generated one under var/ so restarts keep signed URLs valid."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if app_env == "production":
        raise RuntimeError("SECRET_KEY must be set when APP_ENV=production")
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def load() -> Settings:
    """Build the settings from the environment."""
    var_dir = _var_dir()
    app_env = os.environ.get("APP_ENV", "development")
    port = int(os.environ.get("PORT", "8000"))
    base_domain = os.environ.get("BASE_DOMAIN", "localhost").lower()
    return Settings(
        port=port,
        realtime_port=int(os.environ.get("REALTIME_PORT", "6001")),
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'qutecat.db'}",
        redis_url=os.environ.get("REDIS_URL") or None,
        storage_url=os.environ.get("STORAGE_URL") or None,
        base_domain=base_domain,
        app_env=app_env,
        secret_key=_secret_key(var_dir, app_env),
        smtp_url=os.environ.get("SMTP_URL") or None,
        var_dir=var_dir,
        trace_hooks=os.environ.get("QUTECAT_TRACE_HOOKS") == "1",
        public_url=os.environ.get("PUBLIC_URL", f"http://{base_domain}:{port}").rstrip("/"),
        stripe_api_base=(os.environ.get("STRIPE_API_BASE") or "https://api.stripe.com").rstrip("/"),
        stripe_secret_key=os.environ.get("STRIPE_SECRET_KEY") or None,
        stripe_publishable_key=os.environ.get("STRIPE_PUBLISHABLE_KEY") or None,
        stripe_webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        stripe_js_url=os.environ.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/",
    )


settings = load()


def reload() -> Settings:
    """Re-read the environment (tests and the CLI change it before building the app)."""
    global settings
    settings = load()
    return settings
