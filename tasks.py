#!/usr/bin/env python3
"""The project's two set-up commands, for a fresh machine with only Python 3.11:

    python3 tasks.py dashboard   # install what is needed, open the dashboard on data/casualties.duckdb
    python3 tasks.py test        # install what is needed, run the whole test suite (and ruff)

Both create a virtual environment in ``.venv`` and install the pinned requirements into it (again
only when a requirements file changed), saying what each step is and how long it takes. ``test``
also installs Debian's ``chromium`` for the real-browser tests, and Debian's ``postgresql`` for the
tests of a lake with a PostgreSQL catalog, when they are missing and the command runs as root (as CI
does); Playwright drives that browser through its executable path and never downloads one, and the
tests start their own PostgreSQL server in a temporary folder.

``dashboard`` prints the dashboard's address once it answers; Ctrl-C (or SIGTERM to this command)
stops the server it started.

Extra arguments after ``test`` go to pytest (``python3 tasks.py test -k ingest``); after
``dashboard`` they go to ``streamlit run`` (``python3 tasks.py dashboard --server.port 8600``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"

REQUIREMENTS = "requirements.txt"  # the dashboard and core/
DEV_REQUIREMENTS = "requirements-dev.txt"  # requirements.txt plus the test tools
# Installed in a second pip step with --no-deps: camel-tools declares torch, transformers, scipy,
# scikit-learn... (about 1.2 GB) for its models, which the project does not use. The modules it does
# use need only six, emoji and regex, pinned in requirements.txt (tests/test_setup.py imports them).
NO_DEPS_REQUIREMENTS = "requirements-nodeps.txt"

DEFAULT_PORT = 8501  # Streamlit's
HEALTH_TIMEOUT = 180.0  # seconds for a started dashboard to answer, on a loaded machine
STOP_GRACE = 30.0  # seconds the dashboard gets to stop after Ctrl-C or SIGTERM before it is killed


def step(message: str) -> None:
    """One line saying what happens now and how long it takes."""
    print(f"==> {message}", flush=True)


def run(cmd: list[str], **kw) -> int:
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.call(cmd, cwd=ROOT, **kw)


def _quiet(cmd: list[str], **kw) -> int:
    """Run without echoing the command: the step line said what it is; errors still show."""
    return subprocess.call(cmd, cwd=ROOT, **kw)


# ---- the virtual environment ---------------------------------------------------------------------

def requirement_files(requirements: str) -> list[str]:
    """Every requirements file an install of `requirements` reads, in a stable order."""
    files = [REQUIREMENTS, NO_DEPS_REQUIREMENTS]
    return files if requirements == REQUIREMENTS else [*files, requirements]


def digest(requirements: str) -> str:
    h = hashlib.sha256()
    for name in requirement_files(requirements):
        h.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return h.hexdigest()


def _stamp(requirements: str) -> Path:
    return VENV / f".deps-{requirements}"


def up_to_date(requirements: str) -> bool:
    """True when .venv holds what `requirements` asks for. The dev set includes the runtime set, so
    a venv set up by ``test`` also serves ``dashboard`` without a second install."""
    if not PY.exists():
        return False
    covering = [requirements] + ([DEV_REQUIREMENTS] if requirements == REQUIREMENTS else [])
    for name in covering:
        stamp = _stamp(name)
        if stamp.exists() and stamp.read_text() == digest(name):
            return True
    return False


def _leftover_torch() -> bool:
    return any(VENV.glob("lib/python3*/site-packages/torch"))


def ensure_venv(requirements: str) -> None:
    if up_to_date(requirements):
        return
    if not PY.exists():
        step("Creating the virtual environment in .venv (a few seconds)…")
        if _quiet([sys.executable, "-m", "venv", str(VENV)]) != 0:
            sys.exit("Could not create the virtual environment in .venv (is python3-venv installed?).")
    if requirements == REQUIREMENTS:
        what = "the dashboard's packages (about 30 seconds, 700 MB; longer on a slow connection)"
    else:
        what = "the dashboard's and the tests' packages (about 1 minute, 900 MB; longer on a slow connection)"
    step(f"Installing {what}…")
    pip = [str(PY), "-m", "pip", "install", "--quiet"]
    if _quiet([*pip, "-r", requirements]) != 0:
        sys.exit(f"Installing {requirements} failed; see the pip messages above.")
    step(f"Installing camel-tools without its model dependencies, from {NO_DEPS_REQUIREMENTS} (a few seconds)…")
    if _quiet([*pip, "--no-deps", "-r", NO_DEPS_REQUIREMENTS]) != 0:
        sys.exit(f"Installing {NO_DEPS_REQUIREMENTS} failed; see the pip messages above.")
    _stamp(requirements).write_text(digest(requirements))
    if _leftover_torch():
        print(
            "    .venv still holds torch and other model packages from an earlier set-up (over 1 GB) that "
            "nothing uses now; to reclaim the space: rm -rf .venv, then run this command again.",
            flush=True,
        )


def _apt_install(packages: list[str], what: str) -> None:
    """Install Debian packages when apt-get is there and this runs as root (as CI does); else nothing."""
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        step(what)
        # apt's progress goes to stdout (hidden); its errors go to stderr (shown).
        _quiet([apt, "update", "-qq"], stdout=subprocess.DEVNULL)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        _quiet([apt, "install", "-y", "-qq", *packages], env=env, stdout=subprocess.DEVNULL)


def ensure_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    _apt_install(["chromium", "fonts-noto-core", "fonts-dejavu-core"],
                 "Installing Debian's chromium for the browser tests (a few minutes, once per machine)…")
    if not Path(CHROMIUM).exists():
        print(
            "Debian's chromium is not installed, so the real-browser tests will be skipped "
            "(install it with: sudo apt-get install chromium).",
            flush=True,
        )


def ensure_postgresql() -> None:
    """Debian's PostgreSQL server binaries, for the lake tests with a PostgreSQL catalog."""
    if list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    _apt_install(["postgresql"], "Installing Debian's postgresql for the lake tests (a minute, once per machine)…")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        print(
            "Debian's postgresql is not installed, so the tests of a lake with a PostgreSQL catalog will "
            "be skipped (install it with: sudo apt-get install postgresql).",
            flush=True,
        )


# ---- the dashboard -------------------------------------------------------------------------------

def _option(args: list[str], name: str) -> str | None:
    """The value of a ``streamlit run`` option given as ``--name value`` or ``--name=value``."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As Streamlit binds: a port a stopped server left in TIME_WAIT is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
        except OSError:
            return False
    return True


def dashboard_address(args: list[str]) -> tuple[list[str], str, str]:
    """(arguments for ``streamlit run``, the address to show, the health URL to poll).

    Without ``--server.port`` the port is chosen here (8501, or the next free one when another
    dashboard holds it) and passed on, so the address printed is the one Streamlit listens on."""
    port = _option(args, "--server.port") or os.environ.get("STREAMLIT_SERVER_PORT")
    if port is None:
        port = str(next((p for p in range(DEFAULT_PORT, DEFAULT_PORT + 100) if _port_free(p)), DEFAULT_PORT))
        args = [*args, "--server.port", port]
    host = _option(args, "--server.address") or ""
    if host in ("", "0.0.0.0", "::", "localhost", "127.0.0.1"):
        shown, polled = "localhost", "127.0.0.1"
    else:
        shown = polled = host
    return args, f"http://{shown}:{port}", f"http://{polled}:{port}/_stcore/health"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode().strip() == "ok"
    except (OSError, ValueError):
        return False


def _die_with_parent():
    """A pre-exec hook (Linux): the kernel sends the server SIGTERM if this command dies, even by
    SIGKILL, so that no dashboard is left running without the command that started it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, int(signal.SIGTERM))  # 1 = PR_SET_PDEATHSIG


def dashboard(args: list[str]) -> int:
    ensure_venv(REQUIREMENTS)
    args, address, health = dashboard_address(args)
    step("Starting the dashboard (about 10 seconds)…")
    # Its own process group: Ctrl-C reaches this command only, which passes it on once (below).
    child = subprocess.Popen(
        [str(PY), "-m", "streamlit", "run", "dashboard.py", *args],
        cwd=ROOT, process_group=0, preexec_fn=_die_with_parent(),
    )
    stop_asked: list[float] = []

    def forward(signum, _frame):
        if not stop_asked:
            stop_asked.append(time.monotonic())
            print(f"\n==> Stopping the dashboard at {address}…", flush=True)
        if child.poll() is None:
            child.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)

    deadline = time.monotonic() + HEALTH_TIMEOUT
    announced = False
    while child.poll() is None:
        if not announced and not stop_asked:
            if _healthy(health):
                announced = True
                step(f"The dashboard is at {address} (Ctrl-C stops it).")
            elif time.monotonic() > deadline:
                announced = True
                print(
                    f"The dashboard has not answered at {address} within {HEALTH_TIMEOUT:.0f} s; "
                    "its messages above may say why. Ctrl-C stops it.",
                    flush=True,
                )
        if stop_asked and time.monotonic() - stop_asked[0] > STOP_GRACE:
            print(f"The dashboard did not stop within {STOP_GRACE:.0f} s; killing it.", flush=True)
            child.kill()
        try:
            child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
    code = child.returncode
    return 128 - code if code < 0 else code


# ---- the tests -----------------------------------------------------------------------------------

def test(args: list[str]) -> int:
    ensure_venv(DEV_REQUIREMENTS)
    ensure_chromium()
    ensure_postgresql()
    step("Checking the code with ruff (a few seconds)…")
    if run([str(PY), "-m", "ruff", "check", "."]) != 0:
        print("ruff found problems (above).", flush=True)
        return 1
    step("Running pytest (the whole suite takes about 4 minutes on 2 cores)…")
    code = run([str(PY), "-m", "pytest", *args])
    if code == 5:
        print("pytest collected no tests: that is a failure here.", flush=True)
        return 1
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("dashboard", "test"):
        print(__doc__)
        return 2
    try:
        return {"dashboard": dashboard, "test": test}[argv[0]](argv[1:])
    except KeyboardInterrupt:  # Ctrl-C while installing or testing: pip and pytest got it too
        print("\nInterrupted.", flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
