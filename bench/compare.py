"""Benchmark nianbao against MkDocs (+ mkdocs-static-i18n), Hugo, and Hugo + Pagefind on the same bilingual Markdown.

Generates deterministic synthetic report projects (bench/generate.py) of 10, 100 and 1,000 sections,
in yearly reports of 50, and builds each with every tool. For each it reports the median wall time
of several full builds, the pages each writes per second, peak memory, and the time from saving one
file to its rebuilt page in the tool's dev server. For nianbao it also reports a warm build: the
same build run again with the content cache the previous one left (``.nianbao-cache/``), which
finds nothing changed and stops (uptodate.py), and the same after one section was edited. Its cold
build, like Hugo's, finds the site it built before in its output folder (and links the files whose
bytes are unchanged, as a build without cache does); "no site before" is the same build into a
folder that does not exist yet, every file created anew. "Hugo +
Pagefind" is Hugo's build followed by the search indexer nianbao runs (the same binary and options)
on Hugo's output: a Hugo site with the search nianbao's sites have. nianbao's bytecode is compiled
before the first run, as an installed package's is.

    .venv/bin/python bench/compare.py [--sizes 10 100 1000] [--runs 3] [--no-serve] [--markdown FILE]

The peers are installed by the script itself when missing: MkDocs and mkdocs-static-i18n (pinned)
in a virtual environment of their own under bench/.peers/, and Debian's hugo with apt-get (as root).
The builds of one size run in turn, each tool once per round, so that a slower minute of the
machine falls on every tool alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
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
from generate import REPO, generate  # noqa: E402
from pagefind_bin_extended import get_executable  # noqa: E402

PYTHON = sys.executable
PEERS = Path(__file__).resolve().parent / ".peers"
MKDOCS_PACKAGES = ["mkdocs==1.6.1", "mkdocs-static-i18n==1.3.1"]
CACHE = ".nianbao-cache"
PAGEFIND = str(get_executable())  # the binary nianbao's own builds run


def ensure_peers() -> tuple[str, str | None]:
    """The Python that runs MkDocs, and the hugo command (None if it cannot be installed)."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        print(f"installing {' '.join(MKDOCS_PACKAGES)} into {PEERS} …", flush=True)
        subprocess.run([PYTHON, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *MKDOCS_PACKAGES], check=True)
    hugo = shutil.which("hugo")
    if hugo is None:
        print("installing Debian's hugo …", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "hugo"]):
            installed = subprocess.run(sudo + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        hugo = shutil.which("hugo")
        if hugo is None:
            print(f"hugo could not be installed, it is left out: {installed.stderr.strip()[-300:]}", flush=True)
    return str(python), hugo


def version(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]


def timed_run(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time in seconds and peak memory in MB of one command (the largest of the process and
    the children it waited for, such as Pagefind's)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[0]} failed in {cwd}: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def shipped_without_pdfs(tmp: Path, nianbao: list[str], runs: int) -> float:
    """The median whole build of a copy of the shipped project whose config says ``pdf: false``."""
    project = tmp / "shipped"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, project / name)
    config = (REPO / "site_config.yml").read_text(encoding="utf-8")
    (project / "site_config.yml").write_text(re.sub(r"(?m)^pdf:.*$", "pdf: false", config), encoding="utf-8")
    return statistics.median(timed_run(nianbao + ["build", "-q", "--clean"], project)[0] for _ in range(runs))


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetched(url: str) -> bytes:
    """The page, or nothing while the server is too busy rebuilding to answer (MkDocs at 1,000
    sections takes longer than any sensible timeout)."""
    try:
        return urllib.request.urlopen(url, timeout=30).read()
    except (TimeoutError, OSError):
        return b""


def edit_latency(command: list[str], cwd: Path, port: int, url_path: str, source: Path, runs: int = 5) -> float:
    """Median ms from saving ``source`` to the dev server serving the changed page."""
    server = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{url_path}"
    try:
        deadline = time.monotonic() + 600
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
            while marker.encode() not in _fetched(url):
                time.sleep(0.005)
                if time.perf_counter() - start > 600:
                    raise RuntimeError(f"{command[0]}: the edit never showed")
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(1.5)  # let the tool settle (nianbao's search index waits for a pause)
        source.write_text(original, encoding="utf-8")
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=60)


def targets(rows: list[list], shipped: float | None = None) -> str:
    """Issue 17's targets at the largest size measured, as ratios of this run's numbers; ``shipped``:
    the shipped report's whole build, in seconds."""
    size = max(row[0] for row in rows)
    at = {row[1]: row for row in rows if row[0] == size}
    nianbao, warm, mkdocs, hugo, paired = (at.get(name) for name in ("nianbao", "nianbao, warm", "MkDocs + static-i18n",
                                                                       "Hugo", "Hugo + Pagefind"))
    lines = [f"Targets at {size:,} sections:"]

    def line(what: str, value: str, reached: bool) -> None:
        lines.append(f"- {what}: {value} — {'reached' if reached else 'not reached'}")

    if paired:
        line("cold build at most 1.0× Hugo + Pagefind", f"{nianbao[2] / paired[2]:.2f}× its time",
             nianbao[2] <= paired[2])
    line("cold build at most 0.2× MkDocs + static-i18n", f"{nianbao[2] / mkdocs[2]:.2f}× its time",
         nianbao[2] <= 0.2 * mkdocs[2])
    if hugo:
        line("warm build at most 0.5× Hugo's cold build", f"{warm[2] / hugo[2]:.2f}× its time",
             warm[2] <= 0.5 * hugo[2])
        edited = at.get("nianbao, warm, one edit")
        if edited:  # not a target: what a warm build costs when there is something to do
            lines.append(f"- (a warm build after a one-section edit: {edited[2] / hugo[2]:.2f}× Hugo's cold build)")
    if nianbao[6] is not None:
        line("one-file edit to rebuilt page under 100 ms", f"{nianbao[6]:.0f} ms", nianbao[6] < 100)
    line("peak memory of a cold build under 300 MiB", f"{nianbao[5]} MiB", nianbao[5] < 300)
    if shipped is not None:
        line("the shipped report's whole build under 0.5 s", f"{shipped:.2f} s", shipped < 0.5)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true", help="skip the dev-server measurements")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    mkdocs_python, hugo = ensure_peers()
    nianbao = [PYTHON, "-m", "generator"]
    # Its bytecode written beforehand, as pip writes it when it installs a package (MkDocs' and its
    # plugin's were): where PYTHONDONTWRITEBYTECODE is set, as on our test machine, every run would
    # compile nianbao's modules again (a quarter of a second).
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "generator")], check=True)
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
               f"{version(nianbao + ['--version'])}, {' + '.join(MKDOCS_PACKAGES)}"
               + (f", {version([hugo, 'version'])}" if hugo else ""))
    print(machine, flush=True)
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            paths = generate(Path(tmp), size)
            cache = paths["nianbao"] / CACHE

            def cold() -> None:
                shutil.rmtree(cache, ignore_errors=True)

            def from_nothing() -> None:
                cold()
                shutil.rmtree(paths["nianbao"] / "site", ignore_errors=True)

            edits = iter(range(1_000_000))

            def edit_one() -> None:  # a sentence added to one section's Chinese text
                section = paths["section"]["nianbao_file"]
                section.write_text(section.read_text(encoding="utf-8") + f"\n补充说明第{next(edits)}条。\n",
                                   encoding="utf-8")

            tools = [("nianbao", nianbao + ["build", "-q"], paths["nianbao"], "site", cold),
                     ("nianbao, no site before", nianbao + ["build", "-q"], paths["nianbao"], "site", from_nothing),
                     ("nianbao, warm", nianbao + ["build", "-q"], paths["nianbao"], "site", None),
                     ("nianbao, warm, one edit", nianbao + ["build", "-q"], paths["nianbao"], "site", edit_one),
                     ("MkDocs + static-i18n", [mkdocs_python, "-m", "mkdocs", "build", "-q"], paths["mkdocs"],
                      "site", None)]
            if hugo:
                tools.append(("Hugo", [hugo, "--quiet"], paths["hugo"], "public", None))
                # the search index nianbao builds, by the same Pagefind and options, on Hugo's output
                tools.append(("Hugo + Pagefind", ["sh", "-c", f"'{hugo}' --quiet && '{PAGEFIND}' --site public "
                                                  "--output-subdir pagefind --keep-index-url --silent"],
                              paths["hugo"], "public", None))
            runs: dict[str, list[tuple[float, int]]] = {name: [] for name, *_ in tools}
            for _ in range(args.runs):  # in rounds: each tool once per round
                for name, command, cwd, output, before in tools:
                    if before:
                        before()
                    runs[name].append(timed_run(command, cwd))
            results = {}
            for name, command, cwd, output, before in tools:
                wall = statistics.median(r[0] for r in runs[name])
                pages = html_pages(cwd / output)
                results[name] = [size, name, wall, pages, pages / wall, max(r[1] for r in runs[name]), None]
                print(f"{size:5d} sections  {name:22s} {wall:7.2f} s  {pages:6d} pages  {pages / wall:7.0f} pages/s"
                      f"  {results[name][5]:5d} MiB", flush=True)
            if not args.no_serve:
                section = paths["section"]
                servers = [("nianbao", nianbao + ["serve", "--port", "{port}"], "nianbao"),
                           ("MkDocs + static-i18n", [mkdocs_python, "-m", "mkdocs", "serve", "-a", "127.0.0.1:{port}"],
                            "mkdocs")]
                if hugo:
                    servers.append(("Hugo", [hugo, "server", "--port", "{port}", "--bind", "127.0.0.1"], "hugo"))
                for name, command, key in servers:
                    port = free_port()
                    latency = edit_latency([c.replace("{port}", str(port)) for c in command], paths[key], port,
                                           section[f"{key}_url"], section[f"{key}_file"])
                    results[name][6] = latency
                    print(f"{size:5d} sections  {name:22s} edit → rebuilt page {latency:7.0f} ms", flush=True)
            rows += results.values()
    with tempfile.TemporaryDirectory() as tmp:  # the shipped report, as an editor builds it, and without its PDFs
        shipped = statistics.median(timed_run(nianbao + ["build", "-q", "--clean", "--config",
                                                         str(REPO / "site_config.yml"), "--out", f"{tmp}/site"],
                                              REPO)[0] for _ in range(args.runs))
        pages_only = shipped_without_pdfs(Path(tmp), nianbao, args.runs)
    print(f"shipped report: full build {shipped:.2f} s, without its PDFs {pages_only:.2f} s", flush=True)
    table = ["| sections | tool | full build | pages | pages/s | peak memory | edit → rebuilt page |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for size, name, wall, pages, rate, memory, latency in rows:
        table.append(f"| {size:,} | {name} | {wall:.2f} s | {pages:,} | {rate:,.0f} | {memory} MiB | "
                     + (f"{latency:,.0f} ms |" if latency is not None else "– |"))
    text = (f"{time.strftime('%Y-%m-%d')}, {machine}\n\n" + "\n".join(table) + "\n\n" + targets(rows, shipped)
            + f"\n- the shipped report's build without its PDFs (pdf: false) under 0.5 s: {pages_only:.2f} s — "
            + ("reached" if pages_only < 0.5 else "not reached") + "\n")
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
