"""Time from saving a section file to the reloaded page in the browser, with `nianbao serve`.

Runs the dev server on a copy of a project (the shipped report by default), opens a section in
Debian's headless Chromium, then edits the section file N times, each time measuring from the
write to the moment the browser shows the new text. Prints the median and the spread.

    .venv/bin/python bench/serve_latency.py [--config site_config.yml] [--runs 15]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time  # wall-clock: the browser's Date.now() is compared with it
from pathlib import Path

from playwright.sync_api import sync_playwright

from generator.serve import running

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("site_config.yml"))
    parser.add_argument("--section", default="content/2022/06-outlook.zh.md")
    parser.add_argument("--page", default="zh/2022/outlook/index.html")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(args.config.resolve().parent, project,
                        ignore=shutil.ignore_patterns(".venv", "site", "site-internal", ".git", "node_modules",
                                                      "tests", "bench", "docs"))
        section = project / args.section
        original = section.read_text(encoding="utf-8")
        with running(project / args.config.name, 0, out=io.StringIO()) as (url, _server), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            page.goto(url + args.page)
            page.wait_for_timeout(500)
            times = []
            for run in range(args.runs):
                marker = f"测量{run}号"
                # The page notes the wall-clock time at which the new text appears in it (a mutation
                # observer), so Playwright's own polling does not count in the measure.
                page.evaluate("""marker => { window.__seen = null; const watch = new MutationObserver(() => {
                    if (document.body.textContent.includes(marker)) { window.__seen = Date.now(); watch.disconnect(); }
                  }); watch.observe(document.documentElement, {childList: true, subtree: true, characterData: true}); }""",
                              marker)
                start = time.time()
                section.write_text(original.rstrip("\n") + marker + "\n", encoding="utf-8")
                page.wait_for_selector(f"text={marker}", timeout=30000)
                seen = page.evaluate("window.__seen") or time.time() * 1000
                times.append(seen - start * 1000)
                page.wait_for_timeout(200)
            browser.close()
    print(f"save → reloaded page, {args.runs} edits of {args.section}: median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f})")


if __name__ == "__main__":
    main()
