"""A build keeps files of the current site (links them into the new one, or leaves a site that
would not change as it is) only when they are exactly what it would write. Whatever was done to
the site since, the site after a build is the one a fresh build into a new folder makes: the same
files and bytes, modes, owner and group, one name per file, no links, no extended attributes,
no other file or folder. The oracle below reads the folders itself; it imports nothing of
nianbao's writing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from generator.build import build
from generator.withheld import INTERNAL

THREE_YEARS = REPO / "tests" / "fixtures" / "three-years"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(THREE_YEARS, tmp_path / "project")
    return tmp_path / "project" / "site_config.yml"


def described(folder: Path) -> dict[str, tuple]:
    """Every path of ``folder`` (links not followed) with what a reader and the system see of it."""
    found = {}
    for path in sorted(folder.rglob("*")):
        status = os.lstat(path)
        kind = "link" if stat.S_ISLNK(status.st_mode) else "folder" if stat.S_ISDIR(status.st_mode) else "file"
        attributes = os.listxattr(path, follow_symlinks=False) if kind != "link" else []
        found[path.relative_to(folder).as_posix()] = (
            kind, path.read_bytes() if kind == "file" else None, stat.S_IMODE(status.st_mode), status.st_uid,
            status.st_gid, status.st_nlink if kind == "file" else None, sorted(attributes))
    return found


def fresh(config: Path, tmp_path: Path, *extra: str) -> dict[str, tuple]:
    out = tmp_path / f"fresh-{time.monotonic_ns()}"
    assert run_cli("build", "--clean", "--config", str(config), "--out", str(out), *extra)[0] == 0
    return described(out)


def same_as_fresh(site: Path, reference: dict[str, tuple]) -> None:
    found = described(site)
    assert found.keys() == reference.keys()
    # the manifest and marker are the same; a file's every property but the folder's own mode
    assert [name for name in found if found[name] != reference[name]] == []


def outside_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "outside" / name
    path.parent.mkdir(exist_ok=True)
    return path


def tamper(site: Path, tmp_path: Path, how: str) -> list[Path]:
    """Change the site as ``how`` says; the paths outside it that must stay as they were."""
    page = site / "en/2022/visits/index.html"
    if how == "litter links":  # names a file manager leaves, as links to folders
        (site / ".DS_Store").symlink_to(site.parent / ".nianbao-cache", target_is_directory=True)
        (site / "en/Thumbs.db").symlink_to("/etc", target_is_directory=True)
    elif how == "litter folders":
        (site / "zz/Thumbs.db/desktop.ini").mkdir(parents=True)
    elif how == "a file linked from outside":  # a stylesheet: the same after the edit too
        os.link(next((site / "assets").glob("site.*.css")), outside_file(tmp_path, "site.css"))
        return [outside_file(tmp_path, "site.css")]
    elif how == "file modes":
        page.chmod(0o600)
        (site / "404.html").chmod(0o666)
        (site / "sitemap.xml").chmod(0o4755)
    elif how == "a file's owner":
        os.chown(site / "robots.txt", 1234, -1)
    elif how == "folder modes":
        (site / "en").chmod(0o700)
        (site / "assets").chmod(0o777)
    elif how == "a folder's owner":
        os.chown(site / "zh", 1234, -1)
    elif how == "a group":
        os.chown(page, -1, 1234)
    elif how == "an extended attribute":
        os.setxattr(site / "404.html", "user.note", b"kept?")
    elif how == "a file replaced by a link":
        moved = outside_file(tmp_path, "robots.txt")
        (site / "robots.txt").rename(moved)
        (site / "robots.txt").symlink_to(moved)
        return [moved]
    return []


HOW = ["litter links", "litter folders", "a file linked from outside", "file modes", "a file's owner", "folder modes",
       "a folder's owner", "a group", "an extended attribute", "a file replaced by a link"]
AS_ROOT = ("a file's owner", "a folder's owner", "a group")


@pytest.mark.parametrize("build_kind", ["changing nothing", "after an edit", "--clean"])
@pytest.mark.parametrize("how", HOW)
def test_whatever_was_done_to_the_site_a_build_makes_it_the_fresh_one(project, tmp_path, how, build_kind):
    if os.geteuid() != 0 and how in AS_ROOT:
        pytest.skip("changing a file's owner or group takes root")
    site = project.parent / "site"
    for _ in range(2):  # the second build finds the first one's site and record
        assert run_cli("build", "--config", str(project))[0] == 0
    kept = tamper(site, tmp_path, how)
    before = {path: (path.read_bytes(), os.lstat(path).st_ino) for path in kept}
    args = ["--clean"] if build_kind == "--clean" else []
    if build_kind == "after an edit":
        text = project.parent / "content/2022/01-visits.en.md"
        text.write_text(text.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(project), *args)
    assert code == 0, err
    same_as_fresh(site, fresh(project, tmp_path))
    assert {path: (path.read_bytes(), os.lstat(path).st_ino) for path in kept} == before  # left as they were


def test_a_changed_umask_gives_the_site_its_new_modes(project, tmp_path):
    site = project.parent / "site"
    old = os.umask(0o077)
    try:
        for _ in range(2):
            assert run_cli("build", "--config", str(project))[0] == 0
        assert stat.S_IMODE(os.stat(site / "index.html").st_mode) == 0o600
    finally:
        os.umask(old)
    for extra in ([], ["--clean"]):
        assert run_cli("build", "--config", str(project), *extra)[0] == 0
        same_as_fresh(site, fresh(project, tmp_path))


def test_a_link_named_as_a_previous_site_never_becomes_the_output_folder(project, tmp_path):
    # A build killed between the two renames of its swap leaves the previous site under an "old"
    # name, and the next build puts it back: only a real folder.
    root = project.parent
    assert run_cli("build", "--config", str(project))[0] == 0
    victim = tmp_path / "victim"
    (root / "site").rename(victim)
    (root / ".nianbao-old-site-abc12345").symlink_to(victim, target_is_directory=True)
    for _ in range(2):
        code, _, err = run_cli("build", "--config", str(project))
        assert code == 0 and "warning" not in err, err
        assert not (root / "site").is_symlink()
    same_as_fresh(root / "site", fresh(project, tmp_path))
    assert not list(root.glob(".nianbao-old-*"))  # the link, in nianbao's names, is removed
    assert (victim / "index.html").is_file()  # what the link pointed to is left alone


def test_a_build_checks_the_output_folder_again_once_it_holds_the_folders_lock(project, tmp_path):
    # Two builds into one new folder: the second checks the folder again under the lock, and finds
    # the other's site (here, the public edition, which an internal one never replaces).
    public = tmp_path / "public-site"
    assert run_cli("build", "--config", str(project), "--out", str(public))[0] == 0
    out = tmp_path / "shared" / "site"
    out.parent.mkdir()
    reached_write = threading.Event()
    result = {}

    def internal_build() -> None:
        result["build"] = build(project, output_dir=out, edition=INTERNAL, pdfs=False,
                                progress=lambda stage: stage == "write" and reached_write.set())

    handle = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as the other build holds it while it swaps its site in
        worker = threading.Thread(target=internal_build)
        worker.start()
        assert reached_write.wait(120)
        time.sleep(0.5)  # it has checked the folder (empty) and waits for the lock
        shutil.copytree(public, out)  # the other build's site, swapped in meanwhile
    finally:
        os.close(handle)  # the lock goes with it
    worker.join(120)
    outcome = result["build"]
    assert not outcome.written
    assert any("holds the public edition" in item.message for item in outcome.diagnostics.errors)
    assert described(out) == described(public)


@pytest.mark.parametrize("damage", ["deleted", "not JSON", "no list of files", "a link to a copy"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_site_whose_manifest_is_gone_is_refused_for_that_reason(project, tmp_path, damage, lang):
    site = project.parent / "site"
    assert run_cli("build", "--config", str(project))[0] == 0
    manifest = site / "manifest.json"
    if damage == "deleted":
        manifest.unlink()
    elif damage == "a link to a copy":  # the same text, but not the file nianbao wrote
        copy = tmp_path / "manifest.json"
        shutil.copy2(manifest, copy)
        manifest.unlink()
        manifest.symlink_to(copy)
    else:
        manifest.write_text("{" if damage == "not JSON" else '{"generator": "nianbao"}', encoding="utf-8")
    before = described(site)
    code, _, err = run_cli("--lang", lang, "build", "--config", str(project))
    assert code == 1
    assert ("manifest.json" in err and ("is missing or damaged" if lang == "en" else "缺失或已损坏") in err
            and "did not write" not in err and "不是 nianbao 生成的" not in err), err
    assert described(site) == before


def test_another_output_folders_leftovers_are_left_alone(project, tmp_path):
    # site-internal's previous site, left by a build killed between its two renames, lies beside
    # site/ under a name that starts like site's: a build of site/ neither puts it back nor removes it.
    root = project.parent
    assert run_cli("build", "--config", str(project), "--edition", "internal")[0] == 0
    theirs = root / ".nianbao-old-site-internal-abc12345"
    (root / "site-internal").rename(theirs)
    before = described(theirs)
    for extra in ([], [], ["--clean"]):
        assert run_cli("build", "--config", str(project), *extra)[0] == 0
        assert "public" in (root / "site" / "nianbao-site.json").read_text(encoding="utf-8")
    assert described(theirs) == before
    assert run_cli("build", "--config", str(project), "--edition", "internal")[0] == 0  # its own build puts it back
    assert not theirs.exists() and (root / "site-internal").is_dir()


@pytest.mark.parametrize("name", ["nianbao-site.json", "manifest.json"])
@pytest.mark.parametrize("kind", ["a pipe", "a link to an endless device", "an endless device"])
def test_a_listing_that_is_no_file_is_refused_at_once(project, tmp_path, name, kind):
    # Read, a pipe would wait for a writer forever, and /dev/zero never ends.
    import subprocess
    import sys

    site = project.parent / "site"
    assert run_cli("build", "--config", str(project))[0] == 0
    (site / name).unlink()
    if kind == "a pipe":
        os.mkfifo(site / name)
    elif kind == "an endless device":
        if os.geteuid() != 0:
            pytest.skip("making a device takes root")
        os.mknod(site / name, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # as /dev/zero
    else:
        (site / name).symlink_to("/dev/zero")
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "internal error" not in done.stderr, done.stderr
    assert "nothing was changed" in done.stderr


def test_a_folder_that_cannot_be_read_is_refused_not_passed_over(project, tmp_path):
    # As a user without the right to read it (root is run without the capabilities that bypass it).
    import subprocess
    import sys

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv, to drop the right to read any folder")
    site = project.parent / "site"
    assert run_cli("build", "--config", str(project))[0] == 0
    before = described(site)
    closed = site / "en/2020"
    (closed / "mine.txt").write_text("someone's", encoding="utf-8")
    for mode in (0o000, 0o311):  # nothing, or entering without listing
        closed.chmod(mode)
        done = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--",
                               sys.executable, "-m", "generator", "build", "--config", str(project)],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
        closed.chmod(0o755)
        assert done.returncode == 1 and "internal error" not in done.stderr, done.stderr
        assert "en/2020/" in done.stderr and "nothing was changed" in done.stderr
        assert (closed / "mine.txt").read_text(encoding="utf-8") == "someone's"
    (closed / "mine.txt").unlink()
    assert described(site) == before


def test_a_folder_mounted_inside_the_site_is_refused_and_its_files_kept(project, tmp_path):
    import subprocess

    site = project.parent / "site"
    assert run_cli("build", "--config", str(project))[0] == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(site / "en/2020", elsewhere)
    if shutil.which("mount") is None or subprocess.run(["mount", "--bind", str(elsewhere), str(site / "en/2020")],
                                                       capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here (needs root and the right to mount)")
    try:
        code, _, err = run_cli("build", "--config", str(project), "--clean")
        assert code == 1 and "en/2020/" in err and "nothing was changed" in err, err
    finally:  # wherever the mount ended up (a build that moved the site moved it too)
        with open("/proc/self/mountinfo", encoding="utf-8") as table:
            inside = [line.split()[4] for line in table if line.split()[4].startswith(str(tmp_path) + "/")]
        for point in sorted(inside, reverse=True):
            subprocess.run(["umount", "-l", point], check=False)
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(p.name for p in (site / "en/2020").iterdir())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_output_path_that_loops_is_refused_with_its_reason(project, tmp_path, lang):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    code, _, err = run_cli("--lang", lang, "build", "--config", str(project), "--out", str(loop / "site"))
    assert code == 1 and "internal error" not in err and "内部错误" not in err, err
    assert ("loop of symbolic links" if lang == "en" else "符号链接构成了循环") in err


def test_a_reader_that_goes_away_ends_the_build_as_a_pipe_does_the_site_written(project, tmp_path):
    # nianbao build | head -0: the report cannot be printed; the site was written all the same.
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    done = subprocess.run([sys.executable, "-m", "generator", "build", "-v", "--config", str(project)], cwd=REPO,
                          stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    os.close(write)
    assert done.returncode == 141 and "internal error" not in done.stderr and "Exception" not in done.stderr, \
        done.stderr
    same_as_fresh(project.parent / "site", fresh(project, tmp_path))
