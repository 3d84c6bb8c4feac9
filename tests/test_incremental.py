"""A build that reuses the previous build's caches (the dev server's rebuilds) writes exactly the
files a clean build writes, after every kind of edit an editor or a designer makes."""

import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from generator.build import BuildCache, build
from generator.withheld import INTERNAL, PUBLIC

THREE_YEARS = REPO / "tests" / "fixtures" / "three-years"
WITHHELD = REPO / "tests" / "fixtures" / "withheld"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# Each edit is applied in turn to the same project, cache kept from the build before.
EDITS = {
    "nothing": lambda root: None,
    "a paragraph": lambda root: edit(root / "content/2022/01-visits.zh.md", "展览吸引", "新展览吸引"),
    "a section title": lambda root: edit(root / "content/2021/01-visits.en.md", "title: ", "title: New "),
    "a section summary": lambda root: edit(root / "content/2022/01-visits.zh.md", "title: 来访与合作",
                                           "title: 来访与合作\nsummary: 一年的来访。"),
    "a link to another report": lambda root: append(
        root / "content/2022/01-visits.en.md", "\nSee [2020](../2020/01-visits.en.md#p1).\n"),
    "a mask": lambda root: [edit(root / "content/2021/01-visits.zh.md", "。", "，隐去**。"),
                            edit(root / "content/2021/01-visits.en.md", "were received", "were received (** withheld)")],
    "a figure": lambda root: edit(root / "content/2020/metrics.yml", "value: 118", "value: 119"),
    "a new section": lambda root: [
        write(root / f"content/2022/02-outlook.{lang}.md", f"---\ntitle: {title}\n---\n\n{body}\n")
        for lang, title, body in (("zh", "展望", "明年{{ agreements }}项。"), ("en", "Outlook", "Next year."))],
    "a deleted section": lambda root: [(root / f"content/2022/02-outlook.{lang}.md").unlink() for lang in ("zh", "en")],
    "an interface string": lambda root: write(
        root / "templates/translations.yml",
        'skip_link: {zh: 跳到正文, en: Skip to the text}\nreport_year: {zh: "{year}年", en: "Year {year}"}\n'),
    "a template": lambda root: write(  # a project's template overriding the theme's
        root / "templates/partials/footer.html",
        (REPO / "templates/partials/footer.html").read_text(encoding="utf-8") + "<!-- a designer's note -->\n"),
    "a report title": lambda root: edit(root / "content/2020/report.yml", "title: {zh: ", "title: {zh: 新"),
    "a report date": lambda root: edit(root / "content/2020/report.yml", "date: 2021-02-01", "date: 2021-02-02"),
    "the site config": lambda root: append(root / "site_config.yml", "footer: {zh: 页脚, en: Footer}\n"),
}


def files_of(config: Path, cache: BuildCache | None, edition: str = PUBLIC) -> dict[str, bytes]:
    """The files of a build, and what it reported (as a file of its own, to compare)."""
    result = build(config, write=False, cache=cache, edition=edition)
    assert not result.diagnostics.errors, result.diagnostics.errors
    reported = "\n".join(d.format() for d in result.diagnostics.sorted())
    return result.files | {"(reported)": reported.encode()}


@pytest.fixture
def three_years(tmp_path) -> Path:
    shutil.copytree(THREE_YEARS, tmp_path / "project")
    return tmp_path / "project" / "site_config.yml"


def test_every_edit_rebuilt_with_the_cache_gives_the_files_of_a_clean_build(three_years):
    root = three_years.parent
    cache = BuildCache()
    previous = files_of(three_years, cache)
    for name, apply in EDITS.items():
        apply(root)
        incremental = files_of(three_years, cache)
        clean = files_of(three_years, None)
        assert incremental.keys() == clean.keys(), name
        assert [f for f in clean if incremental[f] != clean[f]] == [], name
        changed = [f for f in clean if previous.get(f) != clean[f]]
        assert (changed == []) == (name == "nothing"), name  # each edit did change the site
        previous = incremental
    assert cache.pages and cache.model.texts and cache.model.reports and cache.validated  # the caches were used


def test_editions_share_no_cache_entry(tmp_path):
    # The internal edition shows what the public one withholds: a cache kept across the two
    # must never hand a public build an internal page.
    shutil.copytree(WITHHELD, tmp_path / "project")
    config = tmp_path / "project" / "site_config.yml"
    cache = BuildCache()
    for edition in (INTERNAL, PUBLIC, INTERNAL, PUBLIC):
        assert files_of(config, cache, edition) == files_of(config, None, edition)


# --- the cache on disk (nianbao build) ----------------------------------------


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_from_the_cache_on_disk_writes_what_a_clean_build_writes(three_years):
    root = three_years.parent
    assert run_cli("build", "--config", str(three_years))[0] == 0
    cache = root / ".nianbao-cache"
    assert (cache / "public.pickle").is_file()
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"  # never committed
    edit(root / "content/2022/01-visits.en.md", "title: ", "title: Cached ")
    assert run_cli("build", "--config", str(three_years))[0] == 0
    warm = site_files(root / "site")
    assert run_cli("build", "--clean", "--config", str(three_years), "--out", str(root / "clean"))[0] == 0
    clean = site_files(root / "clean")
    assert warm.keys() == clean.keys()
    assert [name for name in clean if warm[name] != clean[name] and name != "manifest.json"] == []


def test_a_file_changed_by_hand_in_the_site_is_written_again(three_years):
    # Unchanged files are linked from the last site into the new one, but only files nobody touched.
    root = three_years.parent
    assert run_cli("build", "--config", str(three_years))[0] == 0
    page = root / "site/en/2022/visits/index.html"
    published = page.read_bytes()
    page.write_bytes(b"defaced")
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert page.read_bytes() == published
    assert run_cli("verify", str(root / "site"))[0] == 0


def inodes(folder: Path) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def test_a_build_without_cache_links_the_files_it_would_write_unchanged_and_only_those(three_years, tmp_path):
    # Creating a file costs far more than reading and linking one: --clean compares bytes instead
    # of trusting a record, and takes only a plain file of the site's alone.
    root = three_years.parent
    site = root / "site"
    assert run_cli("build", "--config", str(three_years))[0] == 0
    before, published = inodes(site), site_files(site)
    page, chart = site / "en/2022/visits/index.html", site / "en/2022/figures/chart-1.csv"
    script = next((site / "assets").glob("site.*.js"))
    same_size = bytes(published["en/2022/visits/index.html"]).replace(b"<main", b"<mainx", 1)[:page.stat().st_size]
    page.write_bytes(same_size)  # defaced, the size kept
    chart.chmod(0o600)  # a mode the build would not give
    outside = tmp_path / "elsewhere.js"
    os.link(script, outside)  # a second name outside the site: linking it on would tie the site to it
    changed = {"en/2022/visits/index.html", "en/2022/figures/chart-1.csv", f"assets/{script.name}"}
    assert run_cli("build", "--clean", "--config", str(three_years))[0] == 0
    after = inodes(site)
    assert site_files(site) == published
    assert [name for name in after if name not in changed and after[name] != before[name]] == []
    assert [name for name in changed if after[name] == before[name]] == []
    assert stat.S_IMODE(chart.stat().st_mode) == stat.S_IMODE(page.stat().st_mode) != 0o600
    assert outside.read_bytes() == published[f"assets/{script.name}"] and outside.stat().st_nlink == 1
    assert run_cli("verify", str(site))[0] == 0


def test_the_cache_is_saved_when_the_build_changed_it_and_after_a_clean_build(three_years):
    root = three_years.parent
    saved = root / ".nianbao-cache/public.pickle"
    assert run_cli("build", "--config", str(three_years))[0] == 0
    first = saved.stat().st_ino
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert saved.stat().st_ino == first  # nothing changed: not written again
    assert run_cli("build", "--clean", "--config", str(three_years))[0] == 0
    assert saved.stat().st_ino != first  # a clean build's cache replaces the old one
    edit(root / "content/2022/01-visits.zh.md", "展览吸引", "新展览吸引")
    again = saved.stat().st_ino
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert saved.stat().st_ino != again


def statuses(folder: Path) -> dict[str, tuple]:
    return {str(path.relative_to(folder)): (os.lstat(path).st_ino, os.lstat(path).st_mtime_ns)
            for path in folder.rglob("*")}


def test_a_build_that_changes_nothing_leaves_the_site_as_it_is(three_years):
    root = three_years.parent
    site = root / "site"
    assert run_cli("build", "--config", str(three_years))[0] == 0
    before = statuses(site), site.stat().st_ino
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert (statuses(site), site.stat().st_ino) == before  # not one file written, nor the folder swapped
    assert run_cli("verify", str(site))[0] == 0


@pytest.mark.parametrize("change", ["a file deleted", "a file replaced by a link", "a file copied over, time kept",
                                    "the manifest edited",
                                    "a file manager's litter", "a folder of litter"])
def test_a_build_that_changes_nothing_still_mends_the_site(three_years, tmp_path, change):
    # The site is left as it is only if it holds the very files the last build wrote, untouched.
    root = three_years.parent
    site = root / "site"
    assert run_cli("build", "--config", str(three_years))[0] == 0
    published = site_files(site)
    page = site / "en/2022/visits/index.html"
    if change == "a file deleted":
        page.unlink()
    elif change == "a file replaced by a link":
        copy = tmp_path / "copy.html"
        shutil.copy2(page, copy)
        page.unlink()
        page.symlink_to(copy)
    elif change == "a file copied over, time kept":
        kept = tmp_path / "kept.html"
        page.rename(kept)  # kept, so that its inode is not reused at once
        shutil.copy2(kept, page)  # the same bytes and time, another file
    elif change == "the manifest edited":
        manifest = site / "manifest.json"
        manifest.write_bytes(manifest.read_bytes().replace(b'"files"', b'"files" ', 1))
    elif change == "a file manager's litter":
        (site / "en/.DS_Store").write_bytes(b"litter")
    else:
        (site / "en/litter").mkdir()
        (site / "en/litter/Thumbs.db").write_bytes(b"litter")
    before = site.stat().st_ino
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert site.stat().st_ino != before  # written anew
    assert site_files(site) == published
    assert not [path for path in site.rglob("*") if path.is_symlink()]
    assert run_cli("verify", str(site))[0] == 0


def test_a_file_whose_bytes_changed_is_written_though_nobody_touched_the_old_one(tmp_path):
    # write_site on its own, with a manifest that lists the files but not their digests (a build's
    # would show the change as well)
    import hashlib
    import json

    from generator.write import write_site

    written: dict = {}
    out = tmp_path / "site"

    def write(files: dict[str, bytes]) -> None:
        listed = json.dumps({"generator": "nianbao", "files": {name: "" for name in files}}).encode()
        write_site({**files, "manifest.json": listed}, out,
                   {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}, written)

    write({"index.html": b"first", "a/page.html": b"page"})
    write({"index.html": b"second", "a/page.html": b"page"})
    assert (out / "index.html").read_bytes() == b"second"


def test_a_damaged_cache_is_ignored(three_years):
    root = three_years.parent
    assert run_cli("build", "--config", str(three_years))[0] == 0
    before = site_files(root / "site")
    (root / ".nianbao-cache/public.pickle").write_bytes(b"not a cache")
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert site_files(root / "site").keys() == before.keys()
    assert run_cli("verify", str(root / "site"))[0] == 0


def test_a_cache_from_other_code_is_not_used(three_years, monkeypatch):
    # What is kept, and how, changes with the code: a cache is used only by the very code that wrote it.
    from generator import cache as cache_module

    root = three_years.parent
    assert run_cli("build", "--config", str(three_years))[0] == 0
    assert cache_module.load_cache(root, PUBLIC).pages
    monkeypatch.setattr(cache_module, "_stamp", lambda: ("another version of the code",))
    assert not cache_module.load_cache(root, PUBLIC).pages


def test_the_pages_kept_for_the_next_build_are_this_builds_and_no_older_ones(three_years):
    """The model keeps each section's page and side-by-side views for the next build, which takes
    those of the sections a save did not change: the pages of the last build, not every version
    a save ever made, nor those of a report deleted."""
    root = three_years.parent
    cache = BuildCache()
    edits = {**EDITS, "a deleted report": lambda root: shutil.rmtree(root / "content/2020")}
    for name in ("nothing", "a paragraph", "a section title", "a mask", "a paragraph", "a figure", "a deleted report"):
        edits[name](root)
        result = build(three_years, write=False, cache=cache, search=False, pdfs=False)
        assert not result.diagnostics.errors, result.diagnostics.errors
        made = {id(page) for page in result.site.pages.values()
                if page.kind == "bilingual" or (page.kind == "section" and not page.pending_from)}
        assert {id(page) for kept in cache.model.pages.values() for page in kept.values()} == made, name
