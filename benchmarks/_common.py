"""What the benchmark scripts share: the machine's description, timed child processes, a model."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def machine() -> dict:
    """Cores, memory, CPU model and Python of this machine."""
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cores": os.cpu_count(), "memory_gib": round(memory / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform()}


def machine_line(facts: dict) -> str:
    return f"Machine: {facts['cores']} cores, {facts['memory_gib']} GiB, {facts['cpu']}, Python {facts['python']}"


def run_measured(command: list[str]) -> tuple[str, float, float]:
    """Run a command; return its stdout, wall seconds and peak resident memory in MiB.

    Raises ``RuntimeError`` with the last line of stderr when the command fails.
    """
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO)
        stdout = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError((stderr.strip().splitlines() or ["failed"])[-1])
    return stdout, seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def classifier_command() -> str:
    """The ``classifier`` script of the running interpreter's environment."""
    return str(Path(sys.executable).parent / "classifier")


def default_model() -> Path:
    """A model trained from ``configs/default.yaml`` (trained once per package version, then reused)."""
    from classifier.persistence import package_version

    model = REPO / "models" / "benchmark-default"
    metadata = model / "metadata.json"
    if not metadata.exists() or json.loads(metadata.read_text())["versions"]["classifier"] != package_version("classifier"):
        subprocess.run([sys.executable, "-m", "classifier", "train", str(REPO / "configs/default.yaml"),
                        "--output", str(model)], check=True, capture_output=True, cwd=REPO)
    return model
