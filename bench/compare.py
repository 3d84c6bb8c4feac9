"""Benchmark nianbao against MkDocs (+ mkdocs-static-i18n) and Hugo on the same bilingual Markdown.

Generates deterministic synthetic report projects (bench/generate.py) of 10, 100 and 1,000 sections,
in yearly reports of 50, builds each with every tool several times and reports the median wall time
of a full build, pages per second and peak memory, and for nianbao also a warm build (the dev
server's cache) and the time from an edit to the rebuilt page in each tool's dev server.

    .venv/bin/python bench/compare.py [--sizes 10 100 1000] [--runs 3]

It installs nothing by itself on a machine that lacks the peers: `pip install mkdocs
mkdocs-static-i18n` (the test extras have them) and Debian's `hugo` (`apt-get install hugo`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

PYTHON = sys.executable


def timed_run(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time in seconds and peak memory in MB of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[0]} failed in {cwd}: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_latency(command: list[str], cwd: Path, port: int, url_path: str, source: Path, runs: int = 5) -> float:
    """Median ms from saving ``source`` to the dev server serving the changed page."""
    server = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{url_path}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} serve did not come up")
                time.sleep(0.2)
        original = source.read_text(encoding="utf-8")
        times = []
        for run in range(runs):
            marker = f"BENCHMARKER{run}X"
            start = time.perf_counter()
            source.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
            while marker.encode() not in urllib.request.urlopen(url, timeout=30).read():
                time.sleep(0.005)
                if time.perf_counter() - start > 60:
                    raise RuntimeError(f"{command[0]}: the edit never showed")
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.5)
        source.write_text(original, encoding="utf-8")
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true", help="skip the dev-server measurements")
    args = parser.parse_args()
    nianbao = [PYTHON, "-m", "generator"]
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            paths = generate(root, size)
            pages = 2 * size
            tools = {
                "nianbao": (nianbao + ["build", "-q", "--config", "site_config.yml"], paths["nianbao"]),
                "MkDocs + static-i18n": ([PYTHON, "-m", "mkdocs", "build", "-q"], paths["mkdocs"]),
            }
            if shutil.which("hugo"):
                tools["Hugo"] = (["hugo", "--quiet"], paths["hugo"])
            for name, (command, cwd) in tools.items():
                results = [timed_run(command, cwd) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in results)
                memory = max(r[1] for r in results)
                rows.append((size, name, wall, pages / wall, memory))
                print(f"{size:5d} sections  {name:22s} {wall:7.2f} s  {pages / wall:8.0f} pages/s  {memory:5d} MB",
                      flush=True)
            if not args.no_serve:
                section = paths["section"]
                for name, command, cwd, url, source in (
                        ("nianbao", nianbao + ["serve", "--port", "{port}"], paths["nianbao"], section["nianbao_url"],
                         section["nianbao_file"]),
                        ("MkDocs + static-i18n", [PYTHON, "-m", "mkdocs", "serve", "-a", "127.0.0.1:{port}"],
                         paths["mkdocs"], section["mkdocs_url"], section["mkdocs_file"]),
                        ("Hugo", ["hugo", "server", "--port", "{port}", "--bind", "127.0.0.1"], paths["hugo"],
                         section["hugo_url"], section["hugo_file"])):
                    if name == "Hugo" and not shutil.which("hugo"):
                        continue
                    port = free_port()
                    latency = edit_latency([c.replace("{port}", str(port)) for c in command], cwd, port, url, source)
                    print(f"{size:5d} sections  {name:22s} edit → rebuilt page {latency:7.0f} ms", flush=True)


if __name__ == "__main__":
    main()
