#!/usr/bin/env python3
"""The project's two set-up commands, for a fresh machine with only Python 3.11:

    python3 tasks.py dashboard   # install what is needed, open the dashboard on data/casualties.duckdb
    python3 tasks.py test        # install what is needed, run the whole test suite (and ruff)

Both create a virtual environment in ``.venv`` and install the pinned requirements into it (again
only when a requirements file changed). ``test`` also installs Debian's ``chromium`` for the
real-browser tests when it is missing and the command runs as root (as CI does); Playwright drives
that browser through its executable path and never downloads one.

Extra arguments after ``test`` go to pytest (``python3 tasks.py test -k ingest``); after
``dashboard`` they go to ``streamlit run`` (``python3 tasks.py dashboard --server.port 8600``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"


def run(cmd: list[str], **kw) -> int:
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.call(cmd, cwd=ROOT, **kw)


def ensure_venv(requirements: str) -> None:
    if not PY.exists():
        if run([sys.executable, "-m", "venv", str(VENV)]) != 0:
            sys.exit("Could not create the virtual environment in .venv (is python3-venv installed?).")
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".deps-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    # torch first, pinned: camel-tools would otherwise pull the CUDA build.
    if run([str(PY), "-m", "pip", "install", "--quiet", "torch==2.13.0"]) != 0:
        sys.exit("Installing torch==2.13.0 failed; see the pip output above.")
    if run([str(PY), "-m", "pip", "install", "--quiet", "-r", requirements]) != 0:
        sys.exit(f"Installing {requirements} failed; see the pip output above.")
    stamp.write_text(digest)


def ensure_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        run([apt, "update", "-qq"])
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run([apt, "install", "-y", "-qq", "chromium", "fonts-noto-core", "fonts-dejavu-core"], env=env)
    if not Path(CHROMIUM).exists():
        print(
            "Debian's chromium is not installed, so the real-browser tests will be skipped "
            "(install it with: sudo apt-get install chromium).",
            flush=True,
        )


def dashboard(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    return run([str(PY), "-m", "streamlit", "run", "dashboard.py", *args])


def test(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    ensure_chromium()
    if run([str(PY), "-m", "ruff", "check", "."]) != 0:
        print("ruff found problems (above).", flush=True)
        return 1
    code = run([str(PY), "-m", "pytest", *args])
    if code == 5:
        print("pytest collected no tests: that is a failure here.", flush=True)
        return 1
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("dashboard", "test"):
        print(__doc__)
        return 2
    return {"dashboard": dashboard, "test": test}[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
