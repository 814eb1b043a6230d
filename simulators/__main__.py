"""Serve every simulator from one process: ``python -m simulators --help``."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from simulators import (
    create_city_data_app,
    create_civil_affairs_app,
    create_disability_app,
    create_elderly_api_app,
    create_housing_api_app,
    create_social_assistance_app,
    create_veterans_app,
)
from simulators._conditions import Conditions

# The demo workers' own accounts (worker-a, worker-b), as `make run` passes them.
DEFAULT_ACCOUNTS = ["yuqi-wanghong:Wanghong-2026!", "ruixing-lifang:Lifang-2026!"]
DEFAULT_API_KEY = "dev-elderly-api-key"
DEFAULT_HOUSING_API_KEY = "dev-housing-api-key"
DEFAULT_CITY_DATA_API_KEY = "dev-city-data-api-key"
DEFAULT_DISABILITY_ACCOUNTS = [
    "yuqi-wanghong:Wanghong-Cjbt-2026!",
    "ruixing-lifang:Lifang-Cjbt-2026!",
]
DEFAULT_VETERANS_ACCOUNTS = [
    "yuqi-wanghong:Junren-Wanghong-2026!",
    "ruixing-lifang:Junren-Lifang-2026!",
]
# The social-assistance system's confidential client in the realm. Not configurable: the realm's
# client and the audience the hub exchanges tokens for carry the same id.
SOCIAL_CLIENT_ID = "social-assistance"


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to main().

    Each uvicorn.Server installs its own SIGINT/SIGTERM handlers, so with several in one
    process the later ones would hide the signal from the earlier; main() stops them all.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    accounts = dict(_split_account(text) for text in args.civil_account or DEFAULT_ACCOUNTS)
    civil = create_civil_affairs_app(
        db_path=args.data_dir / "civil_affairs.db", accounts=accounts, conditions=_conditions(args)
    )
    api = create_elderly_api_app(
        db_path=args.data_dir / "elderly_api.db",
        api_keys=set(args.api_key or [DEFAULT_API_KEY]),
        conditions=_conditions(args),
    )
    social = create_social_assistance_app(
        conditions=_conditions(args),
        db_path=args.data_dir / "social_assistance.db",
        issuer=args.keycloak_issuer,
        client_id=SOCIAL_CLIENT_ID,
        client_secret=args.social_client_secret,
        public_url=args.social_public_url or f"http://{args.host}:{args.social_port}",
    )
    housing = create_housing_api_app(
        db_path=args.data_dir / "housing_api.db",
        api_keys=set(args.housing_api_key or [DEFAULT_HOUSING_API_KEY]),
        rate_limit_per_minute=args.housing_rate_limit,
        conditions=_conditions(args),
    )
    disability = create_disability_app(
        db_path=args.data_dir / "disability.db",
        accounts=dict(
            _split_account(t) for t in args.disability_account or DEFAULT_DISABILITY_ACCOUNTS
        ),
        conditions=_conditions(args),
    )
    veterans = create_veterans_app(
        db_path=args.data_dir / "veterans.db",
        accounts=dict(
            _split_account(t) for t in args.veterans_account or DEFAULT_VETERANS_ACCOUNTS
        ),
        captcha=args.veterans_captcha,
        conditions=_conditions(args),
    )
    city_data = create_city_data_app(
        db_path=args.data_dir / "city_data.db",
        api_keys=set(args.city_data_api_key or [DEFAULT_CITY_DATA_API_KEY]),
        rate_limit_per_minute=args.city_data_rate_limit,
        conditions=_conditions(args),
    )
    servers = [
        _Server(_config(civil, args.host, args.civil_port)),
        _Server(_config(api, args.host, args.api_port)),
        _Server(_config(social, args.host, args.social_port)),
        _Server(_config(housing, args.host, args.housing_port)),
        _Server(_config(disability, args.host, args.disability_port)),
        _Server(_config(veterans, args.host, args.veterans_port)),
        _Server(_config(city_data, args.host, args.city_data_port)),
    ]
    asyncio.run(_serve(servers))


def _conditions(args: argparse.Namespace) -> Conditions:
    """Each system its own Conditions, so a test can take one down and leave the others up."""
    low, _, high = args.latency_ms.partition("-")
    return Conditions(
        latency_ms=(int(low), int(high or low)),
        error_rate=args.error_rate,
        outages=list(args.outage or []),
    )


def _config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    # No access log: its lines carry query strings such as ?id_number=..., and the simulators'
    # logs must never hold ID numbers, phone numbers or names.
    return uvicorn.Config(app, host=host, port=port, access_log=False, log_level="info")


async def _serve(servers: list[_Server]) -> None:
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            # A second signal while shutting down means "now": skip waiting for open connections.
            server.force_exit = server.should_exit
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    await asyncio.gather(*(server.serve() for server in servers))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulators", description=__doc__)
    parser.add_argument("--host", type=_loopback, default="127.0.0.1")
    parser.add_argument("--civil-port", type=int, default=8101)
    parser.add_argument("--api-port", type=int, default=8102)
    parser.add_argument("--data-dir", type=Path, default=Path(".data/simulators"))
    parser.add_argument(
        "--civil-account",
        action="append",
        metavar="USER:PASSWORD",
        help="web-system account, repeatable (default: the demo workers' "
        + ", ".join(a.split(":")[0] for a in DEFAULT_ACCOUNTS)
        + ")",
    )
    parser.add_argument("--api-key", action="append", help="accepted X-API-Key, repeatable")
    parser.add_argument("--social-port", type=int, default=8103)
    parser.add_argument(
        "--keycloak-issuer",
        default="http://127.0.0.1:8080/realms/community",
        help="the realm the social-assistance system trusts (default: %(default)s)",
    )
    parser.add_argument(
        "--social-client-secret",
        default="dev-social-assistance-secret",
        help=f"secret of the {SOCIAL_CLIENT_ID!r} client in that realm",
    )
    parser.add_argument(
        "--social-public-url",
        help="the social-assistance system's base URL as browsers reach it, for its redirect URI"
        " (default: http://HOST:SOCIAL_PORT)",
    )
    parser.add_argument("--housing-port", type=int, default=8104)
    parser.add_argument(
        "--housing-api-key", action="append", help="accepted X-API-Key of the housing platform"
    )
    parser.add_argument(
        "--housing-rate-limit",
        type=int,
        default=60,
        help="POSTs per API key per rolling minute (default: %(default)s)",
    )
    parser.add_argument("--disability-port", type=int, default=8105)
    parser.add_argument(
        "--disability-account",
        action="append",
        metavar="USER:PASSWORD",
        help="残疾人两项补贴 system account, repeatable (default: the demo workers')",
    )
    parser.add_argument("--veterans-port", type=int, default=8106)
    parser.add_argument(
        "--veterans-account",
        action="append",
        metavar="USER:PASSWORD",
        help="veterans-system account, repeatable (default: the demo workers')",
    )
    parser.add_argument(
        "--veterans-captcha",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the image CAPTCHA on the veterans log-in (--no-veterans-captcha: tests, demos)",
    )
    parser.add_argument("--city-data-port", type=int, default=8107)
    parser.add_argument(
        "--city-data-api-key",
        action="append",
        help="accepted X-API-Key of the data-sharing platform, repeatable",
    )
    parser.add_argument(
        "--city-data-rate-limit",
        type=int,
        default=120,
        help="its POSTs per API key per rolling minute (default: %(default)s)",
    )
    behave = parser.add_argument_group("how the systems behave (see simulators/_conditions.py)")
    behave.add_argument(
        "--latency-ms", default="0", metavar="LOW[-HIGH]", help="delay of every answer"
    )
    behave.add_argument(
        "--error-rate", type=float, default=0.0, help="share of requests answered 503 系统繁忙"
    )
    behave.add_argument(
        "--outage",
        action="append",
        metavar="HH:MM-HH:MM",
        help="a daily maintenance window, China time; repeatable",
    )
    return parser


def _loopback(host: str) -> str:
    # The /_sim/ hooks serve personal data without a log-in; they must not leave this machine.
    try:
        is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        raise argparse.ArgumentTypeError(f"{host!r} is not a loopback address")
    return host


def _split_account(text: str) -> tuple[str, str]:
    username, sep, password = text.partition(":")
    if not (username and sep and password):
        raise SystemExit("--civil-account expects USER:PASSWORD")
    return username, password


if __name__ == "__main__":
    main()
