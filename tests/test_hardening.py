"""No input crashes the build, nothing is lost, nothing unsafe is published."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import MINIMAL, REPO, run_cli, section, write_project
from generator import write as write_stage


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_builds_never_leave_a_partial_site(tmp_path):
    """SIGKILL at random moments: the site is always one whole build, old or new; stale
    temporary folders are cleaned by the next run."""
    config = write_project(tmp_path, dict(MINIMAL))
    first = tmp_path / "content/2021/01-first.en.md"
    variants = [section("Part one", "First version, ** withheld.\n\nSecond paragraph."),
                section("Part one", "Second version, longer, ** withheld.\n\nSecond paragraph.")]
    sites = []
    for text in variants:  # what each version builds to, for reference
        first.write_text(text, encoding="utf-8")
        assert run_cli("build", "--config", str(config))[0] == 0
        sites.append(snapshot(tmp_path / "site"))
    assert sites[0] != sites[1]
    rng = random.Random(2026)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "build", "-q", "--config", str(config)]
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    duration = time.perf_counter() - start  # the kills fall anywhere in a build of this machine's speed
    killed = 0
    for attempt in range(16):
        before = snapshot(tmp_path / "site")
        first.write_text(variants[attempt % 2], encoding="utf-8")
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, 1.2 * duration))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        write_stage.remove_stale_temporaries(tmp_path / "site")  # what the next build does first
        after = snapshot(tmp_path / "site")
        assert after in (before, sites[attempt % 2]), f"attempt {attempt}: a partial site"
        temporaries = (write_stage.TEMP_PREFIX, write_stage.OLD_PREFIX)
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(temporaries)]
    assert killed >= 4  # the kills did land during builds


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_hostile_text_in_every_field_is_inert(tmp_path):
    metrics = f"metrics:\n  - id: a\n    label: {{zh: \"{HOSTILE}\", en: \"{HOSTILE}\"}}\n    value: 5\n" \
              f"    unit: {{zh: \"{HOSTILE}\", en: x}}\n    section: first\n"
    chart = f"```chart\ntype: bar\nmetrics: [a]\ntitle: {{zh: \"{HOSTILE}\", en: t}}\ncaption: {{zh: \"{HOSTILE}\", en: c}}\n```"
    body = (f"{HOSTILE}\n\n[x](javascript:alert(3)) [y](data:text/html;base64,PHNjcmlwdD4=) "
            f"[z](JAVASCRIPT:alert(4)) [w](https://example.org/){{onclick=alert(5) style=x}}\n\n{{{{ a }}}}\n\n{chart}")
    config = write_project(tmp_path, {**MINIMAL, "content/2021/metrics.yml": metrics,
                                      "content/2021/01-first.zh.md": section(HOSTILE.replace('"', "'"), body),
                                      "content/2021/01-first.en.md": section("Part one", f"First paragraph.\n\n{chart}"),
                                      "content/2021/report.yml": MINIMAL_REPORT_WITH(HOSTILE)})
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    for path in (tmp_path / "site").rglob("*.html"):
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in html.find_all(True):
            assert not any(attr.lower().startswith("on") for attr in tag.attrs), (path, tag)
            if tag.name == "script":
                assert tag.get("src") or tag.get("type") == "application/json", (path, tag)
            for attr in ("href", "src"):
                value = (tag.get(attr) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:text", "vbscript:")), (path, tag)
        for script in html.find_all("script", type="application/json"):
            assert "</script" not in script.string.lower()
    page = (tmp_path / "site/zh/2021/first/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def MINIMAL_REPORT_WITH(text: str) -> str:  # noqa: N802
    return (f"title: {{zh: \"{text}\", en: \"{text}\"}}\nyear: 2021\nsummary: {{zh: \"{text}\", en: s}}\n")


@pytest.mark.parametrize("name, files, message", [
    ("slug with ../", {"content/2021/01-..%2f.zh.md": section("x")}, "this file name does not name a section"),
    ("report id with spaces", {"content/My Report/report.yml": "x: 1\n", "content/My Report/01-a.zh.md": section("x")},
     "cannot name a report: its name becomes the address"),
    ("billion laughs", {"content/2021/metrics.yml": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\n"
                        "c: &c [*b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c]\n"},
     "content/2021/metrics.yml:1:4: error: invalid YAML: anchors and aliases (&name, *name) are not allowed"),
    ("too many charts", {"content/2021/metrics.yml": "metrics:\n  - id: a\n    label: {zh: 甲, en: a}\n    value: 1\n"
                         "    unit: {zh: 个, en: x}\n    section: first\n",
                         "content/2021/01-first.zh.md": section("第一部分", "\n\n".join(
                             ["```chart\ntype: bar\nmetrics: [a]\n```"] * 21))},
     "a page has 21 charts (at most 20)"),
])
def test_hostile_files_are_refused_with_a_clear_error(tmp_path, name, files, message):
    config = write_project(tmp_path, {**MINIMAL, **files})
    code, out, err = run_cli("build", "--config", str(config))
    assert code == 1 and message in err and "Traceback" not in out + err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("setting", ["output: /", "output: ../elsewhere", "output: .", "content: /etc",
                                     "templates: ../../theme"])
def test_config_folders_stay_inside_the_project(tmp_path, setting):
    from conftest import SITE_CONFIG

    config = write_project(tmp_path / "p", {**MINIMAL, "site_config.yml": SITE_CONFIG + setting + "\n"})
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1 and f"'{setting}' must name a folder inside the project" in err
    assert (tmp_path / "p" / "content").is_dir()


def test_a_huge_section_file_is_refused(tmp_path):
    config = write_project(tmp_path, dict(MINIMAL))
    (tmp_path / "content/2021/01-first.zh.md").write_bytes(b"---\ntitle: x\n---\n\n" + b"a" * (50 * 1024 * 1024))
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1
    assert "content/2021/01-first.zh.md: error: the file is too large (50 MB; at most 2 MB)" in err


def test_deeply_nested_markdown_is_bounded(tmp_path):
    config = write_project(tmp_path, {**MINIMAL, "content/2021/01-first.zh.md": section("第一部分", "- " * 5000 + "深"),
                                      "content/2021/01-first.en.md": section("Part one", "Deep.")})
    start = time.monotonic()
    assert run_cli("build", "--config", str(config))[0] == 0
    assert time.monotonic() - start < 30


def test_links_out_of_the_content_folder_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.zh.md").write_text(section("秘密", "不应发布。"), encoding="utf-8")
    config = write_project(tmp_path / "project", dict(MINIMAL))
    (tmp_path / "project/content/2021/03-linked.zh.md").symlink_to(outside / "secret.zh.md")
    (tmp_path / "project/content/2020").symlink_to(outside, target_is_directory=True)
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1
    assert "content/2021/03-linked.zh.md: error: the file is a link to a file outside the content folder" in err
    assert "content/2020: error: the report folder is a link to a folder outside the content folder" in err


def test_every_build_writes_a_manifest_and_verify_finds_tampering(tmp_path):
    config = write_project(tmp_path, dict(MINIMAL))
    assert run_cli("build", "--config", str(config))[0] == 0
    site = tmp_path / "site"
    import json

    manifest = json.loads((site / "manifest.json").read_text())
    assert set(manifest["files"]) == {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} \
        - {"manifest.json"}
    assert manifest["source_revision"] is None  # not a git work tree
    code, out, _ = run_cli("verify", str(site))
    assert code == 0 and "all as published" in out
    (site / "robots.txt").write_text("User-agent: *\nDisallow:\n")
    (site / "404.html").unlink()
    (site / "zh" / "evil.html").write_text("<script>x</script>")
    code, _, err = run_cli("verify", str(site))
    assert code == 1
    assert f"{site}/404.html: missing" in err and f"{site}/robots.txt: changed" in err
    assert f"{site}/zh/evil.html: added" in err
    assert "1 missing, 1 changed, 1 added" in err


def test_the_shipped_site_records_its_source_revision(shipped_site):
    import json

    revision = json.loads((shipped_site / "manifest.json").read_text())["source_revision"]
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert revision.split("-")[0] == head.stdout.strip()


def test_external_links_are_safe_and_nothing_is_mixed(shipped_site):
    for path in shipped_site.rglob("*.html"):
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in html.find_all("a", href=True):
            if link["href"].startswith(("http:", "https:")):
                assert "noopener" in link.get("rel", []), (path, link)
        for tag in html.find_all(src=True):
            assert not tag["src"].startswith("http:"), (path, tag)
