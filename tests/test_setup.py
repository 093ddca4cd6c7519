"""The set-up commands (``tasks.py``): what they install, what they say, and that stopping
``tasks.py dashboard`` stops the dashboard it started (issue 16)."""

from __future__ import annotations

import importlib.metadata
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import tasks

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The only camel-tools modules the project uses; installed without camel-tools' dependencies.
CAMEL_MODULES = [
    "camel_tools.utils.normalize",
    "camel_tools.utils.dediac",
    "camel_tools.utils.charmap",
    "camel_tools.tokenizers.word",
]
MODEL_PACKAGES = ["torch", "transformers", "scipy", "scikit-learn", "sympy", "camel-kenlm"]


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == tasks.VENV.resolve()


def _requirement_names(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            package, _, version = line.partition("==")
            pins[package.lower()] = version
    return pins


# ---- camel-tools without its model dependencies ---------------------------------------------------

def test_the_camel_tools_modules_the_project_uses_import_without_any_model_package():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CAMEL_MODULES)
        + "from camel_tools.utils.dediac import dediac_ar\n"
        + "from camel_tools.tokenizers.word import simple_word_tokenize\n"
        + "assert dediac_ar('مَدَنِيًّا') == 'مدنيا'\n"
        + "assert simple_word_tokenize('قتل 27 مدنيا.') == ['قتل', '27', 'مدنيا', '.']\n"
        + "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = set(out.stdout.split())
    assert not loaded & {"torch", "transformers", "scipy", "sklearn", "sympy", "kenlm"}


def test_camel_tools_is_installed_alone_and_its_pure_python_needs_are_pinned():
    runtime = _requirement_names(tasks.REQUIREMENTS)
    assert list(_requirement_names(tasks.NO_DEPS_REQUIREMENTS)) == ["camel-tools"]
    assert "camel-tools" not in runtime and "torch" not in runtime
    assert "torch" not in _requirement_names(tasks.DEV_REQUIREMENTS)
    for package in ("six", "emoji", "regex"):
        assert runtime.get(package), f"{package} must be pinned in requirements.txt"


@pytest.mark.skipif(not _in_project_venv(), reason="only meaningful in the project's .venv (python3 tasks.py test)")
def test_the_project_venv_has_no_torch_and_the_pinned_versions():
    installed = {d.metadata["Name"].lower().replace("_", "-") for d in importlib.metadata.distributions()}
    left = sorted(installed & set(MODEL_PACKAGES))
    assert not left, (
        f"{left} installed in .venv: left from an earlier set-up? rm -rf .venv and run python3 tasks.py test"
    )
    for package, version in {**_requirement_names(tasks.REQUIREMENTS), "camel-tools": "1.6.0"}.items():
        assert importlib.metadata.version(package) == version, package


# ---- installing: two pip steps, one line each, a stamp over every requirements file -----------------

@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """tasks.py pointed at a copy of the requirements files, with a .venv whose python exists."""
    for name in (tasks.REQUIREMENTS, tasks.DEV_REQUIREMENTS, tasks.NO_DEPS_REQUIREMENTS):
        shutil.copy(ROOT / name, tmp_path / name)
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(tasks, "VENV", venv)
    monkeypatch.setattr(tasks, "PY", venv / "bin" / "python")
    return tmp_path


def test_every_requirements_file_is_in_the_stamp():
    in_repo = {p.name for p in ROOT.glob("requirements*.txt")}
    assert set(tasks.requirement_files(tasks.DEV_REQUIREMENTS)) == in_repo
    assert set(tasks.requirement_files(tasks.REQUIREMENTS)) == in_repo - {tasks.DEV_REQUIREMENTS}


def test_install_is_two_pip_steps_each_announced_with_its_wait(fake_root, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(tasks, "_quiet", lambda cmd, **kw: calls.append(cmd) or 0)
    tasks.ensure_venv(tasks.REQUIREMENTS)
    pip = [c[c.index("install") + 1:] for c in calls]
    assert pip == [["--quiet", "-r", tasks.REQUIREMENTS], ["--quiet", "--no-deps", "-r", tasks.NO_DEPS_REQUIREMENTS]]
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("==> ")]
    assert len(lines) == 2
    assert all(re.search(r"\((about|a few) [^)]*(seconds|minute)", line) for line in lines), lines


def test_an_up_to_date_venv_is_not_installed_again_and_any_requirements_change_is(fake_root, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "_quiet", lambda cmd, **kw: calls.append(cmd) or 0)
    tasks.ensure_venv(tasks.DEV_REQUIREMENTS)
    assert tasks.up_to_date(tasks.DEV_REQUIREMENTS)
    assert tasks.up_to_date(tasks.REQUIREMENTS)  # the dev set includes the dashboard's
    calls.clear()
    tasks.ensure_venv(tasks.REQUIREMENTS)
    assert calls == []
    for name in tasks.requirement_files(tasks.DEV_REQUIREMENTS):
        before = (fake_root / name).read_text()
        (fake_root / name).write_text(before + "\n# changed\n")
        assert not tasks.up_to_date(tasks.DEV_REQUIREMENTS), name
        (fake_root / name).write_text(before)
    assert tasks.up_to_date(tasks.DEV_REQUIREMENTS)


def test_the_dashboard_address_is_the_port_streamlit_is_given():
    args, address, health = tasks.dashboard_address(["--server.port", "8612"])
    assert args == ["--server.port", "8612"]
    assert address == "http://localhost:8612"
    assert health == "http://127.0.0.1:8612/_stcore/health"
    args, address, _ = tasks.dashboard_address(["--server.port=8613", "--server.headless", "true"])
    assert address == "http://localhost:8613" and "--server.port=8613" in args
    args, address, _ = tasks.dashboard_address([])
    chosen = args[args.index("--server.port") + 1]
    assert address == f"http://localhost:{chosen}"


# ---- stopping tasks.py dashboard stops the server ------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read().decode().strip() == "ok"
    except OSError:
        return False


def _lines(proc: subprocess.Popen) -> queue.Queue:
    q: queue.Queue = queue.Queue()

    def read():
        for line in proc.stdout:
            q.put(line)
        q.put(None)

    threading.Thread(target=read, daemon=True).start()
    return q


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_tasks_dashboard_stops_the_dashboard_it_started(tmp_path, sig):
    if not tasks.up_to_date(tasks.REQUIREMENTS):
        pytest.skip("the project's .venv is not set up (python3 tasks.py test does it); this test never installs")
    port = _free_port()
    env = {**os.environ, "CASUALTY_DB": str(tmp_path / "dashboard.duckdb"), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, str(ROOT / "tasks.py"), "dashboard", "--server.port", str(port), "--server.headless", "true"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, out = _lines(proc), []
    try:
        deadline = time.monotonic() + 180
        while not any("The dashboard is at" in line for line in out):
            assert time.monotonic() < deadline, "no address within 180 s:\n" + "".join(out)
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            assert line is not None, "tasks.py dashboard ended before the dashboard answered:\n" + "".join(out)
            out.append(line)
        assert f"The dashboard is at http://localhost:{port}" in "".join(out)
        assert not any("Installing" in line for line in out), "an up-to-date .venv was installed again"
        assert _answers(port)

        proc.send_signal(sig)  # to tasks.py only, not to the server it started
        assert proc.wait(timeout=90) == 0, "".join(out)
        deadline = time.monotonic() + 60
        while _answers(port):
            assert time.monotonic() < deadline, f"port {port} still answers 60 s after tasks.py stopped"
            time.sleep(0.5)
    finally:
        if proc.poll() is None:
            proc.kill()  # the server gets SIGTERM from the kernel when tasks.py dies (PR_SET_PDEATHSIG)
            proc.wait()


# ---- the README's commands work in a fresh clone -------------------------------------------------

def _readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", text, flags=re.S)
    joined = "\n".join(blocks).replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.strip()]


def test_every_readme_command_runs_the_project_interpreter_on_files_of_a_fresh_clone():
    commands = _readme_commands()
    assert len(commands) >= 10
    for command in commands:
        words = command.split()
        assert words[:2] == ["python3", "tasks.py"] or words[0] == ".venv/bin/python", command
        if words[0] != ".venv/bin/python":
            continue
        if words[1] == "-m":
            assert (ROOT / (words[2].replace(".", "/") + ".py")).exists(), command
        else:
            assert (ROOT / words[1]).exists(), command
        for word in words[2:]:
            if "/" in word and not word.startswith(("../shared/", "--", "/", "ducklake:")) and not word.endswith((".csv", ".geojson", ".duckdb")):
                assert (ROOT / word).exists(), f"{word} is not in a fresh clone: {command}"


def test_the_readme_ends_on_a_command_of_the_project():
    last = README.read_text(encoding="utf-8").strip().split(". ")[-1]
    commands = re.findall(r"`([^`]+)`", last)
    assert commands and all(c.startswith(("python3 tasks.py", ".venv/bin/python")) for c in commands), last
