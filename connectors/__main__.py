"""IT's command line for connectors: ``python -m connectors list|scaffold|run``.

- ``list``: every installed connector (built-in or from another pip package), what it declares,
  where the hub's settings point it, and whether that address answers now.
- ``scaffold ID --name 中文名 --kind robot|api``: a new connector package whose tests pass at
  once (see connectors/scaffold.py and docs/connector-guide.md).
- ``run ID``: file one sample application with it against its system (or ``--url``), outside
  Temporal, and keep the Playwright trace and the evidence: for trying a connector and for
  finding out why it broke.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from connectors.scaffold import entry_point_line, scaffold
from connectors.sdk import (
    Application,
    BrowserPool,
    Connector,
    Credentials,
    DeliveryBrowsers,
    check_targets,
    load_connectors,
    scrub_trace,
)
from connectors.sdk.testing import DeliveryRecorder, sample_application
from hub.connector_config import connector_configs
from hub.errors import HubError
from hub.settings import get_settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    code: int = args.run(args)
    return code


def _list(args: argparse.Namespace) -> int:
    connectors = load_connectors()
    configs = connector_configs(get_settings())
    urls = {cid: configs.get(cid, {}).get("base_url", "") for cid in connectors}
    health = asyncio.run(check_targets({c: u for c, u in urls.items() if u}, timeout_s=5.0))
    for connector_id, connector in sorted(connectors.items()):
        m = connector.manifest
        base_url = urls[connector_id]
        print(f"{connector_id}  {m.name}  v{m.version}  {m.kind}/{m.auth}  {m.business_type}")
        print(f"    target: {base_url or '(not configured)'}  {health.get(connector_id, '')}")
        limits = f"concurrency {m.concurrency}"
        if m.rate_limit_per_minute:
            limits += f", {m.rate_limit_per_minute}/min"
        if m.office_hours:
            hours = m.office_hours
            limits += f", office hours {hours.start}-{hours.end} on days {hours.days}"
        print(f"    {limits}; {len(m.fields)} fields; decisions: {'yes' if m.decisions else 'no'}")
    return 0


def _scaffold(args: argparse.Namespace) -> int:
    try:
        written = scaffold(
            connector_id=args.connector_id,
            name=args.name,
            kind=args.kind,
            into=args.into,
            business_type=args.business_type,
        )
    except (ValueError, FileExistsError) as exc:
        print(f"python -m connectors scaffold: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print('\nRegister it under [project.entry-points."community_hub.connectors"]:')
    print(f"    {entry_point_line(args.connector_id, args.into)}")
    print(f"Then run its tests: pytest {args.into / args.connector_id / 'tests'}")
    return 0


def _run(args: argparse.Namespace) -> int:
    connector = load_connectors().get(args.connector_id)
    if connector is None:
        print(f"no installed connector {args.connector_id!r}", file=sys.stderr)
        return 2
    config = dict(connector_configs(get_settings()).get(args.connector_id, {}))
    if args.url:
        config["base_url"] = args.url
    for pair in args.config or []:
        key, _, value = pair.partition("=")
        config[key] = value
    application = _application(args, connector)
    args.out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(_deliver(args, connector, config, application))


async def _deliver(
    args: argparse.Namespace,
    connector: Connector,
    config: dict[str, str],
    application: Application,
) -> int:
    recorder = DeliveryRecorder()
    pool = BrowserPool(executable=get_settings().browser.executable)
    browsers = DeliveryBrowsers(pool, keep_all=True)
    account, token = _account(args, connector), os.environ.get("CONNECTOR_TOKEN")
    ctx = recorder.context(
        config,
        idempotency_key=f"cli:{uuid.uuid4().hex}",
        browsers=browsers if connector.manifest.kind == "robot" else None,
        account=account,
        sso_token=token,
    )
    # The files written below are scrubbed like the hub's own failure traces.
    secrets = [token or "", *((account.login_name, account.password) if account else ())]
    try:
        receipt = await connector.deliver(ctx, application)
        how = "已存在，未重复提交" if receipt.existing else "新提交"
        print(f"受理编号 {receipt.receipt_no}（{how}）")
        code = 0
    except HubError as exc:
        print(f"{type(exc).__name__}: {exc.user_message} ({exc.detail})", file=sys.stderr)
        code = 1
    finally:
        await pool.close()
    for step in recorder.heartbeats:
        print(f"  heartbeat: {step}")
    for number, (content, content_type) in enumerate(recorder.evidence, start=1):
        suffix = ".png" if content_type == "image/png" else ".bin"
        path = args.out / f"evidence-{number}{suffix}"
        path.write_bytes(content)
        print(f"  evidence: {path}")
    for number, trace in enumerate(browsers.traces, start=1):
        path = args.out / f"trace-{number}.zip"
        path.write_bytes(scrub_trace(trace, [s for s in secrets if s]))
        print(f"  trace: {path}  (open with: playwright show-trace {path})")
    return code


def _application(args: argparse.Namespace, connector: Connector) -> Application:
    if args.sample is not None:
        data: dict[str, Any] = json.loads(args.sample.read_text(encoding="utf-8"))
        return Application.model_validate(data)
    from hub.forms import FORMS  # the hub's forms: only to pick a sample this connector maps

    form = next((f for f in FORMS.values() if connector.manifest.id in f.targets), None)
    return sample_application(form.id if form else "any-form", applied_on=date.today())


def _account(args: argparse.Namespace, connector: Connector) -> Credentials | None:
    if connector.manifest.auth != "vault":
        return None
    if not args.login:
        raise SystemExit("this connector logs in with a worker's own account: pass --login")
    password = os.environ.get("CONNECTOR_PASSWORD") or getpass.getpass(f"{args.login} 的密码: ")
    return Credentials(login_name=args.login, password=password)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m connectors", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="installed connectors and their targets' health").set_defaults(
        run=_list
    )
    new = commands.add_parser("scaffold", help="write a new connector package")
    new.add_argument("connector_id")
    new.add_argument("--name", required=True, help="the system's Chinese name, shown to workers")
    new.add_argument("--kind", choices=["robot", "api"], default="robot")
    new.add_argument("--business-type", default="", help="e.g. 残疾人两项补贴")
    new.add_argument("--into", type=Path, default=Path("connectors"), help="parent folder")
    new.set_defaults(run=_scaffold)
    run = commands.add_parser("run", help="file one sample application, keep trace and evidence")
    run.add_argument("connector_id")
    run.add_argument("--url", help="the target's base URL (default: from the hub's settings)")
    run.add_argument("--sample", type=Path, help="an Application as JSON (default: a sample)")
    run.add_argument("--login", help="auth=vault: the account to log in with")
    run.add_argument("--config", action="append", metavar="KEY=VALUE", help="e.g. api_key=…")
    run.add_argument("--out", type=Path, default=Path(".data/connector-runs"))
    run.set_defaults(run=_run)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
