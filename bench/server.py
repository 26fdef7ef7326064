"""Start `streamlit run app.py` for a benchmark, and read what the server process spends."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def start(port: int | None = None, *extra: str) -> tuple[subprocess.Popen, str]:
    """A server on loopback (with the repository's own config) and its URL; its output goes to
    $NNVIZ_BENCH_LOG when that is set."""
    port = port or free_port()
    log = open(os.environ["NNVIZ_BENCH_LOG"], "a") if os.environ.get("NNVIZ_BENCH_LOG") else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         *extra],
        cwd=ROOT, stdout=log, stderr=log, start_new_session=True,  # its own group: stop() ends it whole
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url)
    return process, url


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + cutime + cstime) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (and theirs), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            child = int(stat.parent.name)
            found += [child, *children(child)]
    return found


def start_class(processes: int) -> tuple[subprocess.Popen, list[int], str]:
    """One server, or ``processes`` servers behind nginx (deploy/nnviz-class); the process to stop,
    the Streamlit processes to watch, and the URL students use."""
    if processes == 1:
        process, url = start()
        return process, [process.pid], url
    port = free_port()
    process = subprocess.Popen([str(ROOT / "deploy" / "nnviz-class"), "--processes", str(processes),
                                "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, 120)
    streamlits = [c for c in children(process.pid) if b"streamlit" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return process, streamlits, url


def stop(process: subprocess.Popen, pids: list[int]) -> None:
    """Stop what start_class started: the launcher's whole process group, then any straggler."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
