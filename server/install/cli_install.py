"""`tieout --version`, `tieout addin install|uninstall` and `tieout serve --status|--stop`."""
from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

EXIT_OK = 0


def version() -> str:
    try:
        return metadata.version("tieout")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def register(parser, sub) -> None:
    """Adds --version to the main parser and the `addin` command to its subparsers."""
    parser.add_argument("--version", action="version", version=f"tieout {version()}")
    ad = sub.add_parser("addin", help="put the Tieout add-in where Excel loads it, or take it away")
    ad_sub = ad.add_subparsers(dest="addin_command", required=True)
    for name, fn, text in (("install", _install, "build Tieout.xlam for this Python into Excel's start-up folder"),
                           ("uninstall", _uninstall, "remove Tieout.xlam from Excel's start-up folder")):
        p = ad_sub.add_parser(name, help=text)
        p.add_argument("--platform", choices=("windows", "mac"),
                       help="default: this machine's (Excel runs on Windows and Mac)")
        p.add_argument("--home", help="the home folder to install into (default: yours)")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=fn)


def _install(args) -> int:
    from .addin_place import install

    done = install(args.platform, Path(args.home) if args.home else None)
    if args.json:
        print(json.dumps(done))
        return EXIT_OK
    print(f"installed {done['path']} ({done['buttons']} buttons on the Reconcile tab), running {done['interpreter']}")
    print("Start Excel (close it first if it is open): the Reconcile tab appears. If Excel says the add-in is "
          "blocked, see 'Unblocking and trusting the add-in' in the README.")
    return EXIT_OK


def _uninstall(args) -> int:
    from .addin_place import uninstall

    done = uninstall(args.platform, Path(args.home) if args.home else None)
    if args.json:
        print(json.dumps(done))
        return EXIT_OK
    print(f"removed {done['path']}" if done["removed"] else f"nothing to remove: {done['path']} is not there")
    return EXIT_OK


def _home() -> Path:
    from ..store.db import tieout_home

    return tieout_home()


def default_port() -> int:
    """This user's server port ($TIEOUT_HOME/port, chosen once)."""
    from .port import user_port

    return user_port(_home())


def serve_control(args) -> int:
    from . import server_process

    if args.stop:
        before = server_process.stop(_home(), default_port())
        print("stopped: " + before.describe() if before.running else before.describe() + ": nothing to stop")
        return EXIT_OK
    print(server_process.status(_home(), default_port()).describe())
    return EXIT_OK
