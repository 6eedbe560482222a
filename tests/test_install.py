"""The install an accountant follows: `tieout --version`, `tieout addin install|uninstall` into Excel's start-up
folder of Windows and of a Mac (a fake home on Linux), the server's port chosen per user and kept in
TIEOUT_HOME, and `tieout serve --status|--stop` on a real server process."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from tieout.server.install.port import DEFAULT_PORT, user_port


def tieout(*args, home: Path, timeout: float = 180):
    env = {**os.environ, "TIEOUT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "tieout.server.cli", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)


def xlam_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_version_is_the_installed_distributions(tmp_path):
    done = tieout("--version", home=tmp_path / "h")
    assert done.returncode == 0 and done.stdout.strip() == f"tieout {metadata.version('tieout')}"


@pytest.mark.parametrize("platform,folder", [
    ("windows", ("AppData", "Roaming", "Microsoft", "Excel", "XLSTART")),
    ("mac", ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized", "Startup.localized",
             "Excel")),
])
def test_addin_install_puts_the_addin_where_excel_loads_it_with_this_python(tmp_path, platform, folder):
    fake = tmp_path / "user"
    done = tieout("addin", "install", "--platform", platform, "--home", fake, home=tmp_path / "h")
    assert done.returncode == 0, done.stderr
    xlam = fake.joinpath(*folder, "Tieout.xlam")
    assert done.stdout.startswith(f"installed {xlam} (")
    assert sys.executable in done.stdout
    with zipfile.ZipFile(xlam) as z:
        assert "customUI/customUI.xml" in z.namelist() and "xl/vbaProject.bin" in z.namelist()
    assert sys.executable in xlam_text(xlam)  # the tieout.conf sheet names this interpreter for RunPython
    done = tieout("addin", "uninstall", "--platform", platform, "--home", fake, home=tmp_path / "h")
    assert done.returncode == 0 and done.stdout == f"removed {xlam}\n" and not xlam.exists()
    done = tieout("addin", "uninstall", "--platform", platform, "--home", fake, home=tmp_path / "h")
    assert done.returncode == 0 and "nothing to remove" in done.stdout


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="on Windows and Mac the platform is known")
def test_addin_install_without_excel_says_which_platforms_there_are(tmp_path):
    done = tieout("addin", "install", home=tmp_path / "h")
    assert done.returncode == 2
    assert done.stderr == ("error: --platform: Excel runs on Windows and Mac: give --platform windows or --platform "
                           "mac (with --home, the folder standing for that user's home)\n")


def test_each_user_gets_a_port_of_their_own_and_keeps_it(tmp_path):
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", DEFAULT_PORT))  # the machine's first user runs her server on 8765
        except OSError:
            pass  # something holds 8765 already: the same situation
        ann, bob = user_port(tmp_path / "ann", "ann"), user_port(tmp_path / "bob", "bob")
    assert DEFAULT_PORT not in (ann, bob) and ann != bob
    assert (tmp_path / "ann" / "port").read_text() == f"{ann}\n"
    assert user_port(tmp_path / "ann", "someone else") == ann  # kept, whatever is free later


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_status_and_stop_on_the_users_port(tmp_path):
    home = tmp_path / "h"
    home.mkdir(mode=0o700)
    port = _free_port()
    (home / "port").write_text(f"{port}\n")
    assert tieout("serve", "--status", home=home).stdout == f"the Tieout server is not running (its port is {port})\n"
    env = {**os.environ, "TIEOUT_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "tieout.server.cli", "serve"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = tieout("serve", "--status", home=home)
            if "is running" in done.stdout:
                break
            time.sleep(0.5)
        assert done.stdout == (f"the Tieout server is running on http://127.0.0.1:{port}/api "
                               f"(process {server.pid})\n")
        done = tieout("serve", "--stop", home=home)
        assert done.returncode == 0 and done.stdout.startswith("stopped: the Tieout server is running on")
        assert server.wait(timeout=60) == 0
        assert not (home / "server.pid").exists()
        assert "nothing to stop" in tieout("serve", "--stop", home=home).stdout
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
