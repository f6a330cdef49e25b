"""The machine the benchmark ran on: CPUs, memory, OS, package versions, Chromium."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from .common import CHROMIUM, loadavg

PACKAGES = (
    "reform-workbook",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "jupyter_client",
    "ipykernel",
    "pandas",
    "numpy",
    "matplotlib",
    "nh3",
    "openpyxl",
    "playwright",
    "pyinstrument",
)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _memory() -> str:
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(encoding="utf-8"))
    except OSError:
        return "unknown"
    return f"{int(m.group(1)) / 1024 / 1024:.1f} GiB" if m else "unknown"


def _versions() -> dict[str, str]:
    out = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _chromium() -> str:
    if not Path(CHROMIUM).exists():
        return "not found"
    try:
        return subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, encoding="utf-8"
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not found"


def machine() -> dict:
    return {
        "nproc": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "cpu": _cpu(),
        "memory": _memory(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": _versions(),
        "chromium": _chromium(),
        "loadavg": loadavg(),
    }


def markdown(env: dict) -> list[str]:
    return [
        "## Machine",
        "",
        f"- CPUs: {env['nproc']}; CPU: {env['cpu']}; memory: {env['memory']}",
        f"- OS: {env['os']}; Python {env['python']}; {env['chromium']}",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
        f"- load average at the start: {' '.join(env['loadavg'])}; at the end: "
        f"{' '.join(env.get('loadavg_end', []))} (other work on the machine slows the figures; "
        "2 cores are shared by the kernel, papermill and everything else)",
        "",
    ]
