"""Store maintenance: ``python -m hub.store migrate``, ``rotate-keys``, ``rotate-vault``,
``index-names``, ``audit-verify`` and ``export-trace``.

All read the hub's settings (``HUB_*`` environment variables) and may run while the hub does.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hub.crypto import FieldCipher
from hub.errors import ConfigurationError
from hub.settings import Settings, get_settings
from hub.store import _audit as audit
from hub.store._audit import verify
from hub.store._db import make_engine, migrate, session_scope
from hub.store._models import Evidence, Submission
from hub.store._residents import index_all_names
from hub.store._rotate import RotationReport, rotate_keys
from hub.store._rotate_vault import VaultRotationReport, rotate_vault
from hub.store._submissions import _EVIDENCE as EVIDENCE_CONTEXT
from hub.vault import Vault

_COLUMNS = ("column", "re-encrypted", "already current", "skipped", "left")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = get_settings()
    try:
        if args.command == "export-trace":
            _export_trace(settings, args.evidence_id, args.path, args.by)
        else:
            args.run(settings)
    except ConfigurationError as error:  # e.g. an old key removed before its rows were rotated
        raise SystemExit(f"python -m hub.store {args.command}: {error}") from error


def _migrate(settings: Settings) -> None:
    migrate(settings.database_url)
    print("store schema is at the newest revision")


def _rotate_keys(settings: Settings) -> None:
    cipher = FieldCipher(**settings.crypto.model_dump())
    engine = make_engine(settings.database_url)
    try:
        print(_format_report(rotate_keys(engine=engine, cipher=cipher)))
    finally:
        engine.dispose()


def _rotate_vault(settings: Settings) -> None:
    vault = Vault(keks=settings.vault.keks, current_kek=settings.vault.current_kek)
    engine = make_engine(settings.database_url)
    try:
        print(_format_vault_report(rotate_vault(engine=engine, vault=vault)))
    finally:
        engine.dispose()


def _format_vault_report(report: VaultRotationReport) -> str:
    lines = [
        f"current vault key: {report.kek_id}",
        f"data keys re-wrapped: {report.rewrapped}, already current: {report.already_current},"
        f" skipped: {report.skipped}, left: {report.left}",
    ]
    if report.left:
        lines.append(
            f"{report.left} data keys are still wrapped by an older key: restart any hub or worker"
            " still running with an older current key, then run rotate-vault again."
        )
    else:
        lines.append("nothing is left under an older key: older keys can leave HUB_VAULT__KEKS.")
    return "\n".join(lines)


def _index_names(settings: Settings) -> None:
    cipher = FieldCipher(**settings.crypto.model_dump())
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            done = index_all_names(session=session, cipher=cipher)
        print(f"name pieces written for {done} residents who had none")
    finally:
        engine.dispose()


def _audit_verify(settings: Settings) -> None:
    cipher = FieldCipher(**settings.crypto.model_dump())
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            report = verify(session, cipher=cipher)
    finally:
        engine.dispose()
    print(f"audit log: {report.checked} entries checked")
    if report.intact:
        print(f"chain intact; last hash {report.last_hash}")
        return
    print(f"chain broken at entry {report.broken_at}: {report.reason}")
    raise SystemExit(1)


def _format_report(report: RotationReport) -> str:
    rows = [_COLUMNS] + [
        (c.column, str(c.reencrypted), str(c.already_current), str(c.skipped), str(c.left))
        for c in report.columns
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [f"current key: {report.key_id}"]
    for name, *counts in rows:
        numbers = (v.rjust(w) for v, w in zip(counts, widths[1:], strict=True))
        lines.append("  ".join([name.ljust(widths[0]), *numbers]))
    if report.left:
        lines.append(
            f"{report.left} values are still under an older key: restart any hub or worker still"
            " running with an older current key, then run rotate-keys again."
        )
    else:
        lines.append("nothing is left under an older key: older keys can leave HUB_CRYPTO__KEYS.")
    return "\n".join(lines)


def _export_trace(settings: Settings, evidence_id: str, path: Path, by: str) -> None:
    """Write a failed robot delivery's Playwright trace to a file, for IT to open with
    `playwright show-trace`. It holds the page as the robot saw it, resident data included (the
    secrets the robot was handed are scrubbed): the export goes to the audit log as a reveal."""
    cipher = FieldCipher(**settings.crypto.model_dump())
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine, actor=by) as session:
            evidence = session.get(Evidence, evidence_id)
            if evidence is None or evidence.content_type != "application/zip":
                raise SystemExit(f"no failure trace {evidence_id}")
            submission = session.get(Submission, evidence.submission_id)
            path.write_bytes(cipher.decrypt_bytes(evidence.blob_enc, context=EVIDENCE_CONTEXT))
            path.chmod(0o600)
            audit.append(
                session,
                cipher=cipher,
                actor=by,
                roles=["it_admin"],
                action="reveal",
                community_code=submission.community_code if submission else None,
                subject=f"evidence:{evidence_id}",
                detail={"what": "failure_trace", "target": evidence.target},
            )
    finally:
        engine.dispose()
    print(f"trace written to {path} (open it with: playwright show-trace {path})")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hub.store", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="bring the store schema to the newest revision"
    ).set_defaults(run=_migrate)
    commands.add_parser(
        "rotate-keys", help="re-encrypt personal data under HUB_CRYPTO__CURRENT_KEY"
    ).set_defaults(run=_rotate_keys)
    commands.add_parser(
        "rotate-vault",
        help="re-wrap every credential's data key under HUB_VAULT__CURRENT_KEK (secrets unchanged)",
    ).set_defaults(run=_rotate_vault)
    commands.add_parser(
        "index-names",
        help="write the name-search pieces of residents stored before migration 0005",
    ).set_defaults(run=_index_names)
    commands.add_parser(
        "audit-verify", help="walk the audit log's hash chain; exit 1 if an entry was tampered with"
    ).set_defaults(run=_audit_verify)
    trace = commands.add_parser(
        "export-trace", help="write a failed robot delivery's trace (evidence id) to a file"
    )
    trace.add_argument("evidence_id")
    trace.add_argument("path", type=Path)
    trace.add_argument("--by", required=True, help="who exports it, for the audit log")
    trace.set_defaults(run=None)  # main() calls _export_trace with the arguments
    return parser


if __name__ == "__main__":
    main()
