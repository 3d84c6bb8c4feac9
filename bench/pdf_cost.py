"""What the PDF edition adds to a build: clean builds of a project with `pdf: true` and with
`pdf: false`, alternated, and a build that changed nothing (the PDFs from the cache). Prints the
medians and each PDF's size.

    .venv/bin/python bench/pdf_cost.py [--config site_config.yml] [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from generator.build import build
from generator.cache import BuildCache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("site_config.yml"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    source = args.config.resolve().parent
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(source, project, ignore=shutil.ignore_patterns("site", "site-internal", ".nianbao-cache",
                                                                        ".venv", ".git", "tests", "bench", "docs"))
        config = project / args.config.name
        text = re.sub(r"(?m)^pdf:.*\n", "", config.read_text(encoding="utf-8"))
        times: dict[str, list[float]] = {"pdf: true": [], "pdf: false": []}
        for _ in range(args.runs):
            for setting in times:
                config.write_text(text + setting + "\n", encoding="utf-8")
                start = time.perf_counter()
                result = build(config, output_dir=project / "out", cache=BuildCache())
                times[setting].append(time.perf_counter() - start)
                assert result.written, [str(d) for d in result.diagnostics.errors]
        config.write_text(text + "pdf: true\n", encoding="utf-8")
        cache = BuildCache()
        build(config, output_dir=project / "out", cache=cache)
        cached = []
        for _ in range(args.runs):
            start = time.perf_counter()
            build(config, output_dir=project / "out", cache=cache)
            cached.append(time.perf_counter() - start)
        for setting, runs in times.items():
            print(f"clean build, {setting:10}: median {statistics.median(runs):.2f} s "
                  f"(min {min(runs):.2f}, max {max(runs):.2f}, {len(runs)} runs)")
        print(f"PDFs add (median difference): {statistics.median(times['pdf: true']) - statistics.median(times['pdf: false']):.2f} s")
        print(f"build with nothing changed, PDFs from the cache: median {statistics.median(cached):.2f} s")
        for path in sorted((project / "out").rglob("*.pdf")):
            print(f"{path.relative_to(project / 'out')}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
