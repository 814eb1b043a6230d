"""A throwaway PostgreSQL cluster for the test session, and ways to look at what it stored.

The cluster lives in a temporary directory and listens on 127.0.0.1 and a free port, so it never
meets a cluster the machine already runs (Debian starts one on 5432 after installing the package).
PostgreSQL refuses to run as root: under root (CI) the server runs as the ``postgres`` user that
Debian's package creates, or as ``nobody`` where there is none; otherwise as the current user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import make_url

HOST = "127.0.0.1"
SUPERUSER = "hub"
DATABASE = "hub"
_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_START_ATTEMPTS = 3


class PostgresUnavailable(RuntimeError):
    pass


def binaries() -> Path:
    """The bin directory of the newest PostgreSQL installed the Debian way."""
    found = [p for p in Path("/").glob(_BIN_GLOB.lstrip("/")) if (p / "pg_ctl").exists()]
    if not found:
        raise PostgresUnavailable(
            f"no PostgreSQL server in {_BIN_GLOB}: run `make test`, which installs postgresql"
        )
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a cluster with one database; yield its SQLAlchemy URL; stop and delete it on exit."""
    bin_dir = binaries()
    user = _server_user()
    # Not under pytest's tmp_path: that may sit below /root, which the server user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="hub-pg-"))
    data = root / "data"
    try:
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        initdb: list[Path | str] = [bin_dir / "initdb", "-D", data, "-U", SUPERUSER]
        _run(user, root, [*initdb, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"])
        port = _start(user, root, bin_dir, data)
        try:
            url = f"postgresql+psycopg://{SUPERUSER}@{HOST}:{port}/postgres"
            yield create_database(url, DATABASE)
        finally:
            _run(user, root, [bin_dir / "pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def create_database(url: str, name: str, *, template: str = "template1") -> str:
    """Create a database on url's server, a copy of template (empty by default); return its URL."""
    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
    with closing(_connect(url, database="postgres")) as conn:
        conn.execute(statement.format(sql.Identifier(name), sql.Identifier(template)))
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop url's database, closing any connection still open to it."""
    name = make_url(url).database
    assert name, url
    with closing(_connect(url, database="postgres")) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def raw_bytes(url: str) -> bytes:
    """Every byte the server wrote to disk for url's database, after a checkpoint flushed it."""
    with closing(_connect(url)) as conn:
        conn.execute("CHECKPOINT")
        row = conn.execute(
            "SELECT current_setting('data_directory'), oid FROM pg_database"
            " WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    directory = Path(row[0]) / "base" / str(row[1])
    return b"".join(p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file())


def raw_values(url: str) -> list[object]:
    """Every value of every row of every table, read with psycopg behind SQLAlchemy's back."""
    with closing(_connect(url)) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        query = sql.SQL("SELECT * FROM {}")
        return [
            v
            for (table,) in tables
            for row in conn.execute(query.format(sql.Identifier(table)))
            for v in row
        ]


def _connect(url: str, *, database: str | None = None) -> psycopg.Connection:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    conninfo = parsed.render_as_string(hide_password=False)
    return psycopg.connect(conninfo, autocommit=True)


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        return "nobody"


def _start(user: str | None, root: Path, bin_dir: Path, data: Path) -> int:
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in _settings(root).items())
    log = root / "server.log"
    # The port is free when picked but could be taken before the server binds it: try again.
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        start: list[Path | str] = [bin_dir / "pg_ctl", "start", "-D", data, "-l", log, "-w"]
        if _run(user, root, [*start, "-o", f"-p {port}"], check=False):
            return port
    raise PostgresUnavailable(f"PostgreSQL did not start:\n{log.read_text()[-2000:]}")


def _settings(root: Path) -> dict[str, str]:
    # Speed over durability: the cluster is deleted at the end of the session anyway. Each
    # CREATE DATABASE writes megabytes of WAL; zero-filling every new WAL segment first would
    # triple its time. An autovacuum worker inside a template makes CREATE DATABASE wait for it
    # in steps of 100 ms.
    return {
        "listen_addresses": f"'{HOST}'",
        "unix_socket_directories": f"'{root}'",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "wal_init_zero": "off",
        "autovacuum": "off",
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _run(user: str | None, cwd: Path, args: list[Path | str], *, check: bool = True) -> bool:
    command = [str(a) for a in args]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    # cwd: the server user may not be allowed into the directory pytest runs from.
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0 and check:
        raise PostgresUnavailable(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.returncode == 0
