"""IT's command line for form templates: ``python -m hub.forms check|publish|list``.

- ``check [PATH…]``: read each template (by default every ``forms/*.toml``) and check its
  targets against the installed connectors' fields; every problem is printed, exit 1 if any.
- ``publish [PATH…] --by NAME``: the same checks, then each file becomes its form's version in
  the configured store (``HUB_DATABASE__URL``, else ``HUB_DATA_DIR``/hub.db). Each file is
  published on its own: publishing unchanged text again changes nothing, so after fixing the
  file that failed, run the same command again.
- ``list``: each published form's versions, newest first, with who published them and when.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from connectors.sdk import Manifest, load_connectors
from hub.clock import BEIJING
from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.forms._template_load import FORMS_FOLDER
from hub.forms._template_model import FormTemplate
from hub.forms._template_targets import check_source
from hub.settings import get_settings
from hub.store import form_versions, make_engine, publish_form, session_scope

#: Whom the audit log records as publishing from this command.
_ROLES = ("it_admin",)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    code: int = args.run(args)
    return code


def _check(args: argparse.Namespace) -> int:
    manifests = _manifests()
    failed = 0
    seen: dict[str, Path] = {}
    for path in _paths(args.paths):
        _, template, problems = _read(path, manifests)
        if template is not None and template.id in seen:
            problems.append(f"{path}: 表单 id {template.id} 与 {seen[template.id]} 相同")
        if template is not None:
            seen.setdefault(template.id, path)
        failed += _report(path, template, problems, "通过")
    return _summary(failed)


def _publish(args: argparse.Namespace) -> int:
    settings = get_settings()
    manifests = _manifests()
    cipher = FieldCipher(**settings.crypto.model_dump())
    engine = make_engine(settings.database_url)
    failed = 0
    try:
        for path in _paths(args.paths):
            source, template, problems = _read(path, manifests)
            if template is None or problems:
                failed += _report(path, template, problems, "")
                continue
            try:
                with session_scope(engine, actor=args.by) as session:
                    row, created = publish_form(
                        session,
                        source=source,
                        by=args.by,
                        roles=_ROLES,
                        cipher=cipher,
                        manifests=manifests,
                    )
            except InvalidInput as exc:
                failed += _report(path, template, [f"{path}: {exc.user_message}"], "")
                continue
            _report(path, template, [], "已发布" if created else "未变（此版本已发布，内容相同）")
    finally:
        engine.dispose()
    return _summary(failed)


def _list(_args: argparse.Namespace) -> int:
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine) as session:
            rows = form_versions(session)
    finally:
        engine.dispose()
    if not rows:
        print("尚未发布任何表单")
    form_id = None
    for row in rows:
        if row.form_id != form_id:
            form_id = row.form_id
            print(f"{row.form_id}  {row.title}")
        at = row.published_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
        print(f"  第 {row.version} 版  {at}  发布人 {row.published_by}  sha256 {row.sha256[:12]}")
    return 0


def _read(
    path: Path, manifests: Mapping[str, Manifest]
) -> tuple[str, FormTemplate | None, list[str]]:
    """The file's text, its template, and every problem of either, each beginning with path."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return "", None, [f"{path}: {exc}"]
    template, problems = check_source(source, str(path), manifests)
    if template is None:
        return source, None, problems
    return source, template, [f"{path}: {p}" for p in problems]


def _report(path: Path, template: FormTemplate | None, problems: list[str], done: str) -> int:
    """Print the outcome for one file; 1 if it had problems."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems and template is not None:
        print(f"{done}  {template.id} 第 {template.version} 版  {template.title}  ({path})")
    return 1 if problems else 0


def _summary(failed: int) -> int:
    if failed:
        print(f"{failed} 个文件有误，见上", file=sys.stderr)
    return 1 if failed else 0


def _paths(given: Iterable[Path]) -> list[Path]:
    """The paths given, else the bundled templates (named from the working directory if they
    are under it, as IT would type them)."""
    here = Path.cwd()
    bundled = sorted(FORMS_FOLDER.glob("*.toml"))
    return list(given) or [p.relative_to(here) if p.is_relative_to(here) else p for p in bundled]


def _manifests() -> dict[str, Manifest]:
    return {cid: connector.manifest for cid, connector in load_connectors().items()}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hub.forms",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check templates and their targets' mappings")
    check.add_argument("paths", nargs="*", type=Path, help="default: every forms/*.toml")
    check.set_defaults(run=_check)
    publish = commands.add_parser("publish", help="publish templates as new form versions")
    publish.add_argument("paths", nargs="*", type=Path, help="default: every forms/*.toml")
    publish.add_argument("--by", required=True, help="who publishes, for the audit log")
    publish.set_defaults(run=_publish)
    commands.add_parser("list", help="each form's published versions").set_defaults(run=_list)
    return parser


if __name__ == "__main__":
    sys.exit(main())
