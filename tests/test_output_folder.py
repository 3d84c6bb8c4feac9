"""The output folder is guarded: a build never replaces the project, its sources, its cache, a
folder nianbao did not write, or the other edition's site; and when it refuses, nothing changes."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, REPO, SITE_CONFIG, run_cli, write_project
from generator.build import build
from generator.manifest import manifest

FIXTURES = REPO / "tests" / "fixtures"
MARKER = "nianbao-site.json"
CJK = re.compile(r"[\u4e00-\u9fff]")

IS = "the output folder is {what}, and a build replaces its output folder whole: nothing was changed"
CONTAINS = "the output folder contains {what}, and a build replaces its output folder whole: nothing was changed"
INSIDE = "the output folder lies inside {what}, where no site may be written: nothing was changed"
FOREIGN = "the output folder exists and was not written by nianbao: nothing was changed"
PUBLIC_THERE = "the output folder holds the public edition, which the internal edition never replaces: nothing was changed"
INTERNAL_THERE = "the output folder holds the internal edition, which the public edition never replaces: nothing was changed"


def tree(root: Path) -> dict[str, object]:
    """Every file (its bytes), folder and symbolic link under ``root``, links not followed."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found


def new_project(tmp_path: Path, fixture: str | None = None, files: dict | None = None) -> Path:
    """A project in tmp_path/project (so that '..' is tmp_path), built once: it has a site and a cache."""
    root = tmp_path / "project"
    if fixture:
        shutil.copytree(FIXTURES / fixture, root, ignore=shutil.ignore_patterns(".nianbao-cache", "public"))
        config = write_project(root, files or {})
    else:
        config = write_project(root, {**MINIMAL, **(files or {})})
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    assert (root / ".nianbao-cache").is_dir()
    return config


def stale_temporaries(output: Path) -> None:
    """What killed builds of ``output`` would have left beside it: a refused build removes none."""
    for prefix in (".nianbao-tmp-", ".nianbao-old-"):
        stale = output.parent / f"{prefix}{output.name}-x1"
        (stale / "zh").mkdir(parents=True)
        (stale / "zh" / "index.html").write_bytes(b"left by a killed build")


def assert_refused(tmp_path: Path, *args: str, message: str, cwd: Path | None = None,
                   output: Path | None = None) -> str:
    """Run ``nianbao build ARGS``: exit 1 with ``message``, and not one byte changed under tmp_path."""
    if output is not None and tmp_path in output.parents:
        stale_temporaries(output)
    before = tree(tmp_path)
    code, out, err = run_cli("build", *args, cwd=cwd)
    assert code == 1, err
    assert f": error: {message}\n    hint: " in err, err
    assert "the output folder was left as it was" in err
    assert tree(tmp_path) == before
    return err


# --- refused: the project, its sources, its cache ---------------------------------------------


def test_the_project_folder_itself_is_refused(tmp_path):
    config = new_project(tmp_path)
    err = assert_refused(tmp_path, "--config", str(config), "--out", ".", cwd=config.parent,
                         message=IS.format(what="the project folder"))
    assert err.startswith(".: error:")


def test_the_content_folder_is_refused(tmp_path):
    config = new_project(tmp_path)
    root = config.parent
    assert_refused(tmp_path, "--out", "content", cwd=root, output=root / "content",
                   message=IS.format(what="the content folder"))


def test_a_folder_inside_the_content_folder_is_refused(tmp_path):
    config = new_project(tmp_path)
    root = config.parent
    err = assert_refused(tmp_path, "--out", "content/2021", cwd=root, output=root / "content/2021",
                         message=INSIDE.format(what="the content folder"))
    assert err.startswith("content/2021: error:")


def test_a_new_folder_inside_the_content_folder_is_refused(tmp_path):
    config = new_project(tmp_path)
    root = config.parent
    assert_refused(tmp_path, "--config", str(config), "--out", str(root / "content/site"),
                   output=root / "content/site", message=INSIDE.format(what="the content folder"))


def test_the_templates_folder_is_refused(tmp_path):
    config = new_project(tmp_path, "two-reports")  # templates: theme
    root = config.parent
    assert (root / "theme" / "translations.yml").is_file()
    assert_refused(tmp_path, "--out", "theme", cwd=root, output=root / "theme",
                   message=IS.format(what="the templates folder"))


def test_the_cache_folder_is_refused(tmp_path):
    # The cache holds the real values of withheld figures: it is never published.
    config = new_project(tmp_path, "withheld")
    root = config.parent
    assert (root / ".nianbao-cache" / "public.pickle").is_file()
    err = assert_refused(tmp_path, "--out", ".nianbao-cache", cwd=root, output=root / ".nianbao-cache",
                         message=IS.format(what="the build cache (.nianbao-cache)"))
    assert "withheld figures and is never published" in err


def test_the_cache_folder_as_output_in_the_config_is_refused(tmp_path):
    config = new_project(tmp_path, "withheld")
    root = config.parent
    config.write_text(config.read_text(encoding="utf-8") + "output: .nianbao-cache\n", encoding="utf-8")
    assert_refused(tmp_path, "--config", str(config), output=root / ".nianbao-cache",
                   message=IS.format(what="the build cache (.nianbao-cache)"))
    # nor a folder inside it
    config.write_text(config.read_text(encoding="utf-8").replace("output: .nianbao-cache", "output: .nianbao-cache/site"),
                      encoding="utf-8")
    assert_refused(tmp_path, "--config", str(config),
                   message=INSIDE.format(what="the build cache (.nianbao-cache)"))


def test_the_parent_of_the_project_is_refused(tmp_path):
    config = new_project(tmp_path)
    (tmp_path / "neighbour.txt").write_text("another project's file", encoding="utf-8")
    err = assert_refused(tmp_path, "--out", "..", cwd=config.parent, message=CONTAINS.format(what="the project folder"))
    assert err.startswith(f"{tmp_path.resolve()}: error:")


def test_a_symbolic_link_to_the_content_folder_is_refused(tmp_path):
    config = new_project(tmp_path)
    link = tmp_path / "published"
    link.symlink_to(config.parent / "content", target_is_directory=True)
    assert_refused(tmp_path, "--config", str(config), "--out", str(link), message=IS.format(what="the content folder"))


def test_an_output_folder_linked_inside_the_project_is_refused(tmp_path):
    # site/ made a link to the project folder itself: the resolved folder counts.
    config = new_project(tmp_path)
    root = config.parent
    shutil.rmtree(root / "site")
    (root / "site").symlink_to(root, target_is_directory=True)
    assert_refused(tmp_path, "--config", str(config), message=IS.format(what="the project folder"))


# --- refused: a folder nianbao did not write, the other edition --------------------------------


def test_a_foreign_folder_is_refused(tmp_path):
    config = new_project(tmp_path)
    foreign = tmp_path / "photos"
    (foreign / "2021").mkdir(parents=True)
    (foreign / "2021" / "a.jpg").write_bytes(b"\xff\xd8 a photo")
    (foreign / "notes.txt").write_text("notes", encoding="utf-8")
    err = assert_refused(tmp_path, "--config", str(config), "--out", str(foreign), output=foreign, message=FOREIGN)
    assert "hint: choose an empty or new folder with --out, or delete it yourself if it is really an old site" in err


def test_a_file_as_output_is_refused(tmp_path):
    config = new_project(tmp_path)
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    assert_refused(tmp_path, "--config", str(config), "--out", str(tmp_path / "report.pdf"),
                   message="the output path exists and is not a folder: nothing was changed")


def test_a_folder_with_a_damaged_marker_is_refused(tmp_path):
    config = new_project(tmp_path)
    site = config.parent / "site"
    (site / MARKER).write_text('{"generator": "someone else"}', encoding="utf-8")
    assert_refused(tmp_path, "--config", str(config), message=FOREIGN)


def test_the_internal_edition_never_replaces_a_public_site(tmp_path):
    config = new_project(tmp_path, "withheld")
    site = config.parent / "site"
    assert json.loads((site / MARKER).read_text(encoding="utf-8"))["edition"] == "public"
    err = assert_refused(tmp_path, "--config", str(config), "--edition", "internal", "--out", str(site),
                         output=site, message=PUBLIC_THERE)
    assert "site-internal/" in err


def test_the_public_edition_never_replaces_an_internal_site(tmp_path):
    config = new_project(tmp_path, "withheld")
    root = config.parent
    assert run_cli("build", "--config", str(config), "--edition", "internal")[0] == 0
    internal = root / "site-internal"
    assert json.loads((internal / MARKER).read_text(encoding="utf-8")) == {"generator": "nianbao",
                                                                             "edition": "internal"}
    assert_refused(tmp_path, "--config", str(config), "--out", str(internal), output=internal,
                   message=INTERNAL_THERE)


def test_the_refusal_comes_before_rendering(tmp_path):
    config = new_project(tmp_path)
    result = build(config, output_dir=config.parent / "content")
    assert not result.written and "render" not in result.timings
    assert [d.message for d in result.diagnostics.errors] == [IS.format(what="the content folder")]


@pytest.mark.parametrize("args", [("--out", "."), ("--out", ".."), ("--out", "content"), ("--out", ".nianbao-cache"),
                                  ("--out", "content/2021"), ("--out", "photos"),
                                  ("--out", "site", "--edition", "internal")])
def test_refusals_speak_chinese_with_lang_zh(tmp_path, args):
    config = new_project(tmp_path)
    (config.parent / "photos").mkdir()
    (config.parent / "photos" / "a.jpg").write_bytes(b"a photo")
    before = tree(tmp_path)
    code, _, err = run_cli("build", "--lang", "zh", *args, cwd=config.parent)
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 3 and all(CJK.search(line) for line in lines), lines
    assert ": 错误: 输出" in lines[0] and "未做任何改动" in lines[0]
    assert lines[1].startswith("    建议：")
    assert tree(tmp_path) == before


# --- what still works ------------------------------------------------------------------------


def verified(site: Path, edition: str = "public") -> None:
    assert json.loads((site / MARKER).read_text(encoding="utf-8")) == {"generator": "nianbao", "edition": edition}
    listed = json.loads((site / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert MARKER in listed
    code, out, err = run_cli("verify", str(site))
    assert code == 0, err


def test_the_default_output_folder(tmp_path):
    config = new_project(tmp_path)
    root = config.parent
    verified(root / "site")
    assert not list((root / "site").rglob("*.pickle")) and not (root / "site" / ".nianbao-cache").exists()
    assert run_cli("build", "--config", str(config), "--edition", "internal")[0] == 0
    verified(root / "site-internal", "internal")


def test_a_new_folder_and_an_empty_one(tmp_path):
    config = new_project(tmp_path)
    new = tmp_path / "deploy" / "report"
    assert run_cli("build", "--config", str(config), "--out", str(new))[0] == 0
    verified(new)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("build", "--config", str(config), "--out", str(empty))[0] == 0
    verified(empty)


def test_rebuilding_over_its_own_site(tmp_path):
    config = new_project(tmp_path)
    site = config.parent / "site"
    (site / ".DS_Store").write_bytes(b"a file manager's")  # not a reason to refuse
    assert run_cli("build", "--config", str(config))[0] == 0  # a site with the marker, and nothing else: replaced
    verified(site)
    assert run_cli("build", "--clean", "--config", str(config))[0] == 0
    verified(site)


def make_legacy(site: Path) -> None:
    """What an earlier nianbao left: the same site, with a manifest and no marker."""
    (site / MARKER).unlink()
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
             if p.is_file() and p.name != "manifest.json"}
    (site / "manifest.json").write_bytes(manifest(files, None))


def test_rebuilding_over_a_site_of_an_earlier_nianbao(tmp_path):
    config = new_project(tmp_path, "withheld")
    root = config.parent
    assert run_cli("build", "--config", str(config), "--edition", "internal")[0] == 0
    make_legacy(root / "site")
    make_legacy(root / "site-internal")
    assert run_cli("verify", str(root / "site"))[0] == 0
    # the edition of a site without a marker: public if it has a sitemap (the internal one has none)
    assert_refused(tmp_path, "--config", str(config), "--edition", "internal", "--out", str(root / "site"),
                   message=PUBLIC_THERE)
    assert_refused(tmp_path, "--config", str(config), "--out", str(root / "site-internal"), message=INTERNAL_THERE)
    assert run_cli("build", "--config", str(config))[0] == 0
    verified(root / "site")
    assert run_cli("build", "--config", str(config), "--edition", "internal")[0] == 0
    verified(root / "site-internal", "internal")


def test_a_site_of_an_earlier_nianbao_with_files_added_is_refused(tmp_path):
    config = new_project(tmp_path)
    site = config.parent / "site"
    make_legacy(site)
    (site / "uploads").mkdir()
    (site / "uploads" / "budget.xlsx").write_bytes(b"not from nianbao")
    assert_refused(tmp_path, "--config", str(config), message=FOREIGN)
    # a manifest that nianbao did not write does not count either
    shutil.rmtree(site / "uploads")
    listed = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    (site / "manifest.json").write_text(json.dumps({**listed, "generator": "another tool"}), encoding="utf-8")
    assert_refused(tmp_path, "--config", str(config), message=FOREIGN)


def test_check_and_a_refused_build_write_no_cache_into_the_output(tmp_path):
    # check writes nothing, so it does not refuse; the cache always stays beside the config.
    config = new_project(tmp_path)
    root = config.parent
    config.write_text(SITE_CONFIG + "output: .nianbao-cache\n", encoding="utf-8")
    before = tree(tmp_path)
    assert run_cli("check", "--config", str(config))[0] == 0
    assert tree(tmp_path) == before
    assert run_cli("build", "--config", str(config))[0] == 1
    # (what the first build left: its cache, and its record for the up-to-date check)
    assert sorted(p.name for p in (root / ".nianbao-cache").iterdir()) == [".gitignore", "build.lock", "public.pickle",
                                                                          "public.uptodate"]


@pytest.mark.parametrize("edition, folder", [("public", "site"), ("internal", "site-internal")])
def test_files_added_to_a_site_nianbao_wrote_are_never_deleted(tmp_path, edition, folder):
    config = new_project(tmp_path)
    assert run_cli("build", "--config", str(config), "--edition", edition)[0] == 0
    site = config.parent / folder
    (site / "zh" / "my-draft.txt").write_text("an editor's own file", encoding="utf-8")
    (site / "photos").mkdir()
    (site / "photos" / "visit.jpg").write_bytes(b"\xff\xd8 a photo")
    before = tree(site)
    code, _, err = run_cli("build", "--config", str(config), "--edition", edition, "--lang", "zh")
    assert code == 1 and tree(site) == before, err
    assert "输出文件夹里有2个不是 nianbao 生成的文件（photos/visit.jpg, zh/my-draft.txt）" in err, err
    assert "先把这些文件移出输出文件夹" in err
    (site / "zh" / "my-draft.txt").unlink()
    shutil.rmtree(site / "photos")
    assert run_cli("build", "--config", str(config), "--edition", edition)[0] == 0


def test_an_empty_folder_or_a_linked_folder_added_to_a_site_is_refused_too(tmp_path):
    config = new_project(tmp_path)
    site = config.parent / "site"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("the editor's", encoding="utf-8")
    (site / "drafts").mkdir()
    (site / "linked").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1 and "holds 2 file(s) that nianbao did not write (drafts/, linked)" in err, err
    assert (site / "drafts").is_dir() and (site / "linked").is_symlink() and (elsewhere / "keep.txt").exists()


def _unlisted_as_specified(folder: Path) -> list[str]:
    """What a site folder holds beyond its manifest, by the plain reading of the rule (pathlib, one
    path at a time): every file, link or empty folder not listed, apart from the manifest, the
    marker and a file manager's litter; a linked folder is not entered."""
    try:
        names = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        names = {}
    needed = {parent for name in names for parent in Path(name).parents} - {Path(".")}
    added = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.name in {".DS_Store", "Thumbs.db", "desktop.ini"} or name in ("manifest.json", "nianbao-site.json"):
            continue
        if path.is_dir() and not path.is_symlink():
            if Path(name) not in needed and not any(path.iterdir()):
                added.append(name + "/")
        elif name not in names:
            added.append(name)
    return added


PART = st.sampled_from(["a", "b", "page.html", ".DS_Store", "Thumbs.db", "x y", "中文"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(PART, min_size=1, max_size=3), st.sampled_from(["file", "listed file", "folder",
                                                                                    "link", "broken link"])),
                max_size=12), st.booleans())
def test_the_files_nianbao_did_not_write_are_found_in_any_layout(tmp_path_factory, entries, with_manifest):
    from generator.write import MARKER, unlisted_files

    root = tmp_path_factory.mktemp("layout")
    listed = {}
    for parts, kind in entries:
        path = root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind in ("file", "listed file"):
                path.write_text("x", encoding="utf-8")
                if kind == "listed file":
                    listed["/".join(parts)] = {}
            elif kind == "folder":
                path.mkdir(exist_ok=True)
            else:
                os.symlink(root if kind == "link" else root / "nowhere", path)
        except OSError:  # a name already taken by another kind of entry
            pass
    if with_manifest:
        (root / "manifest.json").write_text(json.dumps({"generator": "nianbao", "files": listed}), encoding="utf-8")
    assert MARKER == "nianbao-site.json"
    assert unlisted_files(root) == _unlisted_as_specified(root)
