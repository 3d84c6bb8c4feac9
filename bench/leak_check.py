"""The checks' share of a full public build at 1,000 sections (issue 12, point 8).

Generates the synthetic project of bench/generate.py, withholds in it one figure in ten
(``public: false``) and a name in the first section of every report (in both languages), builds
it with ``nianbao build --clean -v`` and prints the time of the leak check and of the withheld
check, and their share of the build; then builds it again with the cache that build left
(nothing changed) and prints the same.

    .venv/bin/python bench/leak_check.py [--sections 1000] [--runs 1]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

STAGE = re.compile(r"^\s+([a-z ]+?)\s+([0-9.]+) ms$", re.M)
TOTAL = re.compile(r"in ([0-9.]+) s \(")


def withhold(project: Path) -> int:
    """Withhold every tenth figure and a name per report; the number of things withheld."""
    count = 0
    for metrics in sorted(project.glob("content/*/metrics.yml")):
        lines = metrics.read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            out.append(line)
            match = re.match(r"    value: (\d+)$", line)
            if match and int(match.group(1)) % 10 == 1:
                # six digits: never one of the generated text's own numbers (第401部分)
                out[-1] = f"    value: {int(match.group(1)) * 1000 + 7}"
                out.append("    public: false")
                count += 1
        metrics.write_text("\n".join(out) + "\n", encoding="utf-8")
        first = sorted(metrics.parent.glob("01-*.zh.md"))[0]
        for path, text in ((first, "\n\n与[锦江]{.withheld}市的交流。\n"),
                           (first.with_name(first.name.replace(".zh.md", ".en.md")),
                            "\n\nExchanges with [Jinjiang]{.withheld}.\n")):
            path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + text, encoding="utf-8")
        count += 2
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = generate(Path(tmp), args.sections)["nianbao"]
        withheld = withhold(project)
        print(f"{args.sections} sections, {withheld} things withheld")
        for label, flags in (("full public build", ["--clean"]), ("again with its cache", [])):
            leak, marked, totals, pages = [], [], [], ""
            for _ in range(args.runs):
                output = build(project, Path(tmp) / "site", flags)
                stages = {name.strip(): float(ms) for name, ms in STAGE.findall(output)}
                leak.append(stages["leak check"] / 1000)
                marked.append(stages["withheld check"] / 1000)
                totals.append(float(TOTAL.search(output).group(1)))
                pages = re.search(r"built (\d+) pages \((\d+) files\)", output).group(0)
            total = statistics.median(totals)
            leak_s, marked_s = statistics.median(leak), statistics.median(marked)
            print(f"{label}: {pages} in {total:.2f} s; leak check {leak_s:.2f} s ({leak_s / total:.0%}), "
                  f"withheld check {marked_s:.2f} s ({marked_s / total:.0%}) (median of {args.runs})")


def build(project: Path, out: Path, flags: list[str]) -> str:
    result = subprocess.run([sys.executable, "-m", "generator", "build", *flags, "-v", "--config",
                             str(project / "site_config.yml"), "--out", str(out)],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        sys.exit(output[-3000:])
    return output


if __name__ == "__main__":
    main()
