"""The whole local stack — Temporal, Keycloak, simulators, worker, hub — started and stopped as
one. `make run` uses it, and so do the end-to-end tests, so what they test is what users run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine

from connectors.sdk import load_connectors
from hub.crypto import FieldCipher
from hub.demo import seed_demo
from hub.devstack._java import find_java_home
from hub.devstack._keycloak import ensure_keycloak, keycloak_service
from hub.devstack._process import Service, ServiceFailed
from hub.errors import InvalidInput
from hub.forms import FORMS_FOLDER
from hub.settings import Settings
from hub.store import index_all_names, make_engine, migrate, publish_form, session_scope
from hub.vault import Vault
from identity import downstream_clients, provision
from workflows.queues import ORCHESTRATION


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as HUB_* variables, so every child process reads the same configuration."""
    env = {"HUB_ENVIRONMENT": settings.environment, "HUB_DATA_DIR": str(settings.data_dir)}
    for section, value in settings:
        if isinstance(value, BaseModel):
            env[f"HUB_{section.upper()}"] = value.model_dump_json()
    return env


class Stack:
    def __init__(self, settings: Settings, *, cache_dir: Path) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self.data_dir = settings.data_dir.resolve()
        self.log_dir = self.data_dir / "logs"
        self.services: list[Service] = []

    def start(self) -> None:
        """Start everything and wait until each part answers; on failure stop what started.

        Slow starters overlap: the worker and hub need only Temporal, so they start while
        Keycloak is still booting, and the realm is provisioned while they import.
        """
        try:
            self._prepare_store()
            temporal, keycloak, simulators = self._temporal(), self._keycloak(), self._simulators()
            self._spawn([temporal, keycloak, simulators])
            temporal.wait_ready()
            worker, hub = self._worker(), self._hub()
            self._spawn([worker, hub])
            keycloak.wait_ready()
            self._provision_realm()
            for service in (simulators, worker, hub):
                service.wait_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()

    def _spawn(self, services: list[Service]) -> None:
        for service in services:
            self.services.append(service)
            service.start()

    def _prepare_store(self) -> None:
        migrate(self.settings.database_url)
        engine = make_engine(self.settings.database_url)
        cipher = FieldCipher(**self.settings.crypto.model_dump())
        vault = Vault(keks=self.settings.vault.keks, current_kek=self.settings.vault.current_kek)
        with session_scope(engine) as session:
            seed_demo(
                session=session,
                cipher=cipher,
                vault=vault,
                civil_accounts=self.settings.simulators.civil_accounts,
                other_accounts={
                    "disability_allowance": self.settings.simulators.disability_accounts,
                    "veterans": self.settings.simulators.veterans_accounts,
                },
            )
            # Data kept from before the name index existed becomes searchable by part of a name.
            index_all_names(session=session, cipher=cipher)
        self._publish_forms(engine, cipher)
        engine.dispose()

    def _publish_forms(self, engine: Engine, cipher: FieldCipher) -> None:
        """The bundled form templates, each as its published version (unchanged ones: nothing)."""
        manifests = {cid: c.manifest for cid, c in load_connectors().items()}
        for path in sorted(FORMS_FOLDER.glob("*.toml")):
            try:
                with session_scope(engine) as session:
                    publish_form(
                        session,
                        source=path.read_text(encoding="utf-8"),
                        by="make-run",
                        roles=("it_admin",),
                        cipher=cipher,
                        manifests=manifests,
                    )
            except InvalidInput as exc:
                raise ServiceFailed(f"{path}: {exc.user_message}") from exc

    def _provision_realm(self) -> None:
        kc = self.settings.keycloak
        try:
            provision(
                server_url=kc.url,
                admin_user=kc.admin_user,
                admin_password=kc.admin_password,
                hub_url=self.settings.hub.url,
                client_secret=kc.client_secret,
                demo_password=kc.demo_password,
                realm=kc.realm,
                client_id=kc.client_id,
                downstream=downstream_clients(self.settings),
            )
        except Exception as exc:
            raise ServiceFailed(
                f"keycloak realm provisioning failed ({exc}); log: {self.log_dir / 'keycloak.log'}"
            ) from exc

    def _python(
        self, name: str, module: str, health_url: str, *args: str, listens: list[tuple[str, int]]
    ) -> Service:
        return Service(
            name=name,
            argv=[sys.executable, "-m", module, *args],
            log_path=self.log_dir / f"{name}.log",
            health_url=health_url,
            env=settings_env(self.settings),
            timeout_s=60,
            listens=listens,
        )

    def _temporal(self) -> Service:
        t = self.settings.temporal
        db = self.data_dir / "temporal" / "temporal.db"  # kept between runs
        db.parent.mkdir(parents=True, exist_ok=True)
        return Service(
            name="temporal",
            argv=[
                str(Path(sys.executable).with_name("temporal")),
                "server",
                "start-dev",
                "--ip",
                t.host,
                "--port",
                str(t.port),
                "--ui-port",
                str(t.ui_port),
                "--db-filename",
                str(db),
                "--namespace",
                t.namespace,
                "--ui-disable-news-fetch",
                # The UI decrypts payloads through the hub, for operators (hub/api/_codec.py).
                "--ui-codec-endpoint",
                f"{self.settings.hub.url}/codec",
                "--log-level",
                "warn",
            ],
            log_path=self.log_dir / "temporal.log",
            health_url=f"http://{t.host}:{t.ui_port}/",
            timeout_s=90,
            listens=[(t.host, t.port), (t.host, t.ui_port)],
        )

    def _keycloak(self) -> Service:
        kc = self.settings.keycloak
        return keycloak_service(
            home=ensure_keycloak(version=kc.version, cache_dir=self.cache_dir),
            java_home=find_java_home(),
            host=kc.host,
            port=kc.port,
            data_dir=_mkdir(self.data_dir / "keycloak"),
            admin_user=kc.admin_user,
            admin_password=kc.admin_password,
            log_path=self.log_dir / "keycloak.log",
        )

    def _simulators(self) -> Service:
        s = self.settings.simulators
        return self._python(
            "simulators",
            "simulators",
            f"{s.civil_url}/_sim/health",
            "--host",
            s.host,
            "--civil-port",
            str(s.civil_port),
            "--api-port",
            str(s.api_port),
            "--data-dir",
            str(self.data_dir / "simulators"),
            # One account per demo worker: robots log in as the worker who submitted.
            *(f"--civil-account={login}:{secret}" for login, secret in s.civil_accounts.items()),
            "--api-key",
            s.api_key,
            # The social-assistance system trusts Keycloak: people and robots come in through it.
            "--social-port",
            str(s.social_port),
            "--keycloak-issuer",
            self.settings.keycloak.issuer,
            f"--social-client-secret={s.social_client_secret}",
            "--social-public-url",
            s.social_url,
            "--housing-port",
            str(s.housing_port),
            "--housing-api-key",
            s.housing_api_key,
            "--disability-port",
            str(s.disability_port),
            *(f"--disability-account={lg}:{pw}" for lg, pw in s.disability_accounts.items()),
            "--veterans-port",
            str(s.veterans_port),
            *(f"--veterans-account={lg}:{pw}" for lg, pw in s.veterans_accounts.items()),
            "--veterans-captcha" if s.veterans_captcha else "--no-veterans-captcha",
            "--city-data-port",
            str(s.city_data_port),
            "--city-data-api-key",
            s.city_data_api_key,
            listens=[
                (s.host, s.civil_port),
                (s.host, s.api_port),
                (s.host, s.social_port),
                (s.host, s.housing_port),
                (s.host, s.disability_port),
                (s.host, s.veterans_port),
                (s.host, s.city_data_port),
            ],
        )

    def _worker(self) -> Service:
        t = self.settings.temporal
        service = self._python(
            "worker", "workflows.worker", f"http://{t.host}:{t.ui_port}/", listens=[]
        )
        service.ready = lambda: _has_pollers(self.settings, ORCHESTRATION)
        return service

    def _hub(self) -> Service:
        hub = self.settings.hub
        return self._python("hub", "hub", f"{hub.url}/healthz", listens=[(hub.host, hub.port)])


def _has_pollers(settings: Settings, task_queue: str) -> bool:
    """True once a worker polls the queue: the worker is up and talking to Temporal."""
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("temporal")),
            "task-queue",
            "describe",
            "--task-queue",
            task_queue,
            "--address",
            settings.temporal.address,
            "--namespace",
            settings.temporal.namespace,
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    if result.returncode != 0:
        return False
    return bool(json.loads(result.stdout or "{}").get("pollers"))


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
