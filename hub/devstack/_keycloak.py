"""Fetch, unpack and run a real Keycloak (the Quarkus distribution) bound to loopback."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from hub.devstack._java import find_java_home
from hub.devstack._process import Service

ARTIFACT = "org.keycloak:keycloak-quarkus-dist:{version}:zip"
# Quarkus picks its heap from the machine (70% of RAM); a dev realm with a handful of users needs
# far less, and the rest of the stack shares the box.
HEAP_OPTS = "-Xms64m -Xmx512m"


class KeycloakUnavailable(RuntimeError):
    """The distribution could not be fetched or unpacked; the message says why."""


def ensure_keycloak(*, version: str, cache_dir: Path) -> Path:
    """Return the unpacked distribution home, fetching it through Maven on first use."""
    home = cache_dir.resolve() / f"keycloak-{version}"
    if (home / "bin" / "kc.sh").is_file():
        return home
    archive = home.parent / f"keycloak-quarkus-dist-{version}.zip"
    if not archive.is_file():
        _maven_fetch(version=version, cache_dir=cache_dir)
    _unpack(archive=archive, home=home)
    archive.unlink()  # Maven keeps its own copy in ~/.m2; no need for a second 160 MB one here
    return home


def keycloak_service(
    *,
    home: Path,
    java_home: Path,
    host: str,
    port: int,
    data_dir: Path,
    admin_user: str,
    admin_password: str,
    log_path: Path,
    public_url: str | None = None,
    management_port: int | None = None,
) -> Service:
    """Describe `kc.sh start-dev` on host:port with its H2 database kept under data_dir.

    `public_url` is the address browsers and token issuers use; by default http://host:port.
    """
    url = f"http://{host}:{port}"
    argv = [
        str(home.resolve() / "bin" / "kc.sh"),  # cwd is data_dir, so no relative paths
        "start-dev",
        f"--http-host={host}",
        f"--http-port={port}",
        # Pin every URL Keycloak prints (issuer included) instead of echoing the request's Host.
        f"--hostname={public_url or url}",
        # Nothing is exposed on the management interface (health and metrics are off), so it
        # stays closed; should someone enable them, keep it off the shared default port 9000.
        f"--http-management-port={management_port or port + 1000}",
        "--db=dev-file",
    ]
    env = {
        "JAVA_HOME": str(java_home),
        "JAVA_OPTS_KC_HEAP": HEAP_OPTS,
        # JBoss threads needs this on Java 24+ or it throws at shutdown; harmless on 17/21.
        "JAVA_OPTS_APPEND": "--add-opens=java.base/java.lang=ALL-UNNAMED",
        # The dev-file URL is `${kc.db-url-path}/data/h2/keycloakdb`; without this it would live
        # inside the shared distribution, so two stacks (or a test run) would share one realm.
        "KC_DB_URL_PATH": str(data_dir.resolve()),
        # Read only when the master realm is first created, i.e. on a fresh data_dir.
        "KC_BOOTSTRAP_ADMIN_USERNAME": admin_user,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": admin_password,
    }
    return Service(
        name="keycloak",
        argv=argv,
        log_path=log_path,
        health_url=f"{url}/realms/master/.well-known/openid-configuration",
        env=env,
        cwd=data_dir,
        listens=[(host, port)],
    )


def start_keycloak(
    *,
    version: str,
    cache_dir: Path,
    host: str,
    port: int,
    data_dir: Path,
    admin_user: str,
    admin_password: str,
    log_path: Path,
    public_url: str | None = None,
) -> Service:
    """Fetch if needed, start, and wait until the master realm answers; the caller stops it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    service = keycloak_service(
        home=ensure_keycloak(version=version, cache_dir=cache_dir),
        java_home=find_java_home(),
        host=host,
        port=port,
        data_dir=data_dir,
        admin_user=admin_user,
        admin_password=admin_password,
        log_path=log_path,
        public_url=public_url,
    )
    service.start()
    try:
        service.wait_ready()
    except BaseException:
        service.stop()
        raise
    return service


def _maven_fetch(*, version: str, cache_dir: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KeycloakUnavailable("Maven (`mvn`) fetches Keycloak; apt-get install maven")
    cache_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            mvn,
            "-q",
            "dependency:copy",
            f"-Dartifact={ARTIFACT.format(version=version)}",
            f"-DoutputDirectory={cache_dir}",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise KeycloakUnavailable(
            f"mvn could not fetch Keycloak {version}: {(done.stdout + done.stderr)[-2000:]}"
        )


def _unpack(*, archive: Path, home: Path) -> None:
    # Unpack beside the target and rename, so an interrupted unzip never looks like an install.
    with tempfile.TemporaryDirectory(dir=home.parent, prefix=".unpack-") as staging:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                target = Path(zf.extract(info, staging))
                mode = info.external_attr >> 16  # Unix permissions; zipfile drops them
                if mode and not info.is_dir():
                    target.chmod(mode & 0o777)
        unpacked = Path(staging) / home.name
        if not (unpacked / "bin" / "kc.sh").is_file():
            raise KeycloakUnavailable(f"{archive} does not contain {home.name}/bin/kc.sh")
        unpacked.rename(home)
