"""The hub's one configuration object, read once from the environment (prefix ``HUB_``).

Nested by concern; ``HUB_KEYCLOAK__PORT=18080`` sets ``settings.keycloak.port``. Nothing else in
the project reads environment variables: connectors and workflows get values passed in.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development placeholders. They let `make run` work out of the box and are refused elsewhere.
DEV_SECRET = "dev-only-change-me"
DEV_CRYPTO_KEY = "ZGV2LW9ubHktMzItYnl0ZS1rZXktbG9jYWwtdXNlISE="  # 32 bytes, base64
DEV_BLIND_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LWxvY2FsISE="
DEV_AUDIT_KEY = "ZGV2LW9ubHktYXVkaXQtbG9nLWtleS1sb2NhbC11c2U="
DEV_VAULT_KEK = "ZGV2LW9ubHktdmF1bHQta2VrLWxvY2FsLXVzZS0zMmI="
DEV_TEMPORAL_CODEC_KEY = "ZGV2LW9ubHktdGVtcG9yYWwtcGF5bG9hZC1rZXkhISE="


class HubSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""  # defaults to http://host:port
    session_idle_minutes: int = 30

    @property
    def url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


class TemporalSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7233
    ui_port: int = 8233
    namespace: str = "default"

    ui_public_url: str = ""  # where operators open the Web UI; defaults to http://host:ui_port
    # Payload encryption (workflows/codec.py), key id -> base64 of 32 random bytes: the current
    # key encrypts what clients and workers send, all keys decrypt. Every hub and worker process
    # needs the same keys.
    codec_keys: dict[str, str] = Field(default_factory=lambda: {"t1": DEV_TEMPORAL_CODEC_KEY})
    codec_current_key: str = "t1"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str:
        return self.ui_public_url or f"http://{self.host}:{self.ui_port}"


class KeycloakSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""
    realm: str = "community"
    client_id: str = "hub-portal"
    client_secret: str = DEV_SECRET
    admin_user: str = "admin"
    admin_password: str = DEV_SECRET
    version: str = "26.5.6"
    demo_password: str = "Demo-2026!"

    @property
    def url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{self.realm}"


class DatabaseSettings(BaseModel):
    url: str = ""  # defaults to SQLite in the data directory


class BrowserSettings(BaseModel):
    """The robots' browser (people's browsers in the e2e tests stay Debian's desktop `chromium`).

    Debian's `chromium-headless-shell` is the same Chromium without the desktop browser around it,
    the build Playwright itself runs headless: on 2 cores it files nearly three times as many
    forms a minute as `/usr/bin/chromium` does (bench/robots.py prints both). To watch a robot
    work, set the executable to `/usr/bin/chromium` and headless to false: the shell has no
    window.
    """

    executable: str = "/usr/bin/chromium-headless-shell"
    headless: bool = True


class CryptoSettings(BaseModel):
    # key id -> base64 of 32 random bytes; the current key encrypts, all keys decrypt.
    keys: dict[str, str] = Field(default_factory=lambda: {"k1": DEV_CRYPTO_KEY})
    current_key: str = "k1"
    blind_index_key: str = DEV_BLIND_INDEX_KEY
    # Keys the audit log's hash chain (HMAC): without it nobody can rewrite the log unnoticed.
    audit_key: str = DEV_AUDIT_KEY


class VaultSettings(BaseModel):
    """The credential vault (hub.vault): the keys that wrap each credential's own data key."""

    # key id -> base64 of 32 random bytes; the current key wraps, all keys unwrap.
    keks: dict[str, str] = Field(default_factory=lambda: {"v1": DEV_VAULT_KEK})
    current_kek: str = "v1"
    # How long the portal waits for a binding's test login before saying it is still running.
    check_wait_s: float = 20.0


class SimulatorSettings(BaseModel):
    host: str = "127.0.0.1"
    civil_port: int = 8101
    api_port: int = 8102
    # The civil-affairs system's accounts, login -> password: one per demo worker, bound in her
    # vault by the demo seed (hub/demo.py says whose is whose).
    civil_accounts: dict[str, str] = Field(
        default_factory=lambda: {
            "yuqi-wanghong": "Wanghong-2026!",
            "ruixing-lifang": "Lifang-2026!",
        }
    )
    api_key: str = "dev-elderly-api-key"
    # The social-assistance system trusts Keycloak: its client there, and the client's secret.
    social_port: int = 8103
    social_client_id: str = "social-assistance"
    social_client_secret: str = "dev-social-assistance-secret"
    housing_port: int = 8104
    housing_api_key: str = "dev-housing-api-key"
    # The disability-subsidy and veterans systems' own accounts, login -> password: one per
    # demo worker, bound in her vault by the demo seed like the civil-affairs ones.
    disability_port: int = 8105
    disability_accounts: dict[str, str] = Field(
        default_factory=lambda: {
            "yuqi-wanghong": "Wanghong-Cjbt-2026!",
            "ruixing-lifang": "Lifang-Cjbt-2026!",
        }
    )
    veterans_port: int = 8106
    veterans_accounts: dict[str, str] = Field(
        default_factory=lambda: {
            "yuqi-wanghong": "Junren-Wanghong-2026!",
            "ruixing-lifang": "Junren-Lifang-2026!",
        }
    )
    #: The veterans system's image CAPTCHA: the robot asks the worker who submitted, on her
    #: submission's page (human in the loop). Off only for tests that want no person involved.
    veterans_captcha: bool = True
    # The city's grassroots data-sharing platform, into which every form is also collected.
    city_data_port: int = 8107
    city_data_api_key: str = "dev-city-data-api-key"

    @property
    def civil_url(self) -> str:
        return f"http://{self.host}:{self.civil_port}"

    @property
    def social_url(self) -> str:
        return f"http://{self.host}:{self.social_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    @property
    def housing_url(self) -> str:
        return f"http://{self.host}:{self.housing_port}"

    @property
    def disability_url(self) -> str:
        return f"http://{self.host}:{self.disability_port}"

    @property
    def veterans_url(self) -> str:
        return f"http://{self.host}:{self.veterans_port}"

    @property
    def city_data_url(self) -> str:
        return f"http://{self.host}:{self.city_data_port}"


class DecisionSettings(BaseModel):
    """Overrides of every connector's decision polling (HUB_DECISIONS__FIRST_CHECK_S=20): short
    for demos and tests, unset in production so each connector's manifest decides."""

    first_check_s: float | None = None
    maximum_interval_s: float | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path(".data")
    hub: HubSettings = HubSettings()
    temporal: TemporalSettings = TemporalSettings()
    keycloak: KeycloakSettings = KeycloakSettings()
    database: DatabaseSettings = DatabaseSettings()
    browser: BrowserSettings = BrowserSettings()
    crypto: CryptoSettings = CryptoSettings()
    vault: VaultSettings = VaultSettings()
    simulators: SimulatorSettings = SimulatorSettings()
    decisions: DecisionSettings = DecisionSettings()
    #: Per-connector configuration, over the built-in defaults (hub/connector_config.py): how a
    #: connector installed from its own package learns where its system is, e.g.
    #: HUB_CONNECTORS='{"street_lights": {"base_url": "https://ld.example.gov.cn"}}'.
    connectors: dict[str, dict[str, str]] = {}

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'hub.db'}"

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Settings:
        if self.environment != "production":
            return self
        placeholders = {
            "HUB_KEYCLOAK__CLIENT_SECRET": self.keycloak.client_secret == DEV_SECRET,
            "HUB_KEYCLOAK__ADMIN_PASSWORD": self.keycloak.admin_password == DEV_SECRET,
            "HUB_CRYPTO__KEYS": DEV_CRYPTO_KEY in self.crypto.keys.values(),
            "HUB_CRYPTO__BLIND_INDEX_KEY": self.crypto.blind_index_key == DEV_BLIND_INDEX_KEY,
            "HUB_CRYPTO__AUDIT_KEY": self.crypto.audit_key == DEV_AUDIT_KEY,
            "HUB_VAULT__KEKS": DEV_VAULT_KEK in self.vault.keks.values(),
            "HUB_TEMPORAL__CODEC_KEYS": DEV_TEMPORAL_CODEC_KEY in self.temporal.codec_keys.values(),
        }
        unset = [name for name, is_placeholder in placeholders.items() if is_placeholder]
        if unset:
            raise ValueError(f"development placeholder secrets in production: {', '.join(unset)}")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
