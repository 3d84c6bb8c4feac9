"""The docs' links lead somewhere, the Chinese guide stays Chinese, and it covers every command.

- Every relative link and image of README.md and docs/*.md names a file that exists, and its
  #anchor is a heading of that file, computed the way GitHub computes heading anchors (the
  headings and links are read with markdown-it, as a Markdown renderer reads them: a link written
  inside `code` is not a link).
- Every docs/….md that the package, its messages, the templates, site_config.yml or the content
  names exists (an editor follows them from a message or a comment).
- A docs/*.zh.md page links to the Chinese version of a page whenever there is one.
- The editor's guide, in each language (docs/index*.md with docs/writing*.md), names every command
  of `nianbao --help` and every option; a new command fails here until it is documented.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from conftest import REPO
from generator.cli import make_parser

DOCS = REPO / "docs"
PAGES = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


# --- GitHub's heading anchors ---------------------------------------------------------------

def github_slug(text: str) -> str:
    """GitHub's anchor of a heading whose text is ``text`` (github-slugger): lower-cased; every
    character removed that is not a letter, mark, number, connector (``_``), hyphen or space;
    each space turned into a hyphen."""
    kept = "".join(c for c in text.lower()
                   if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc")
    return kept.replace(" ", "-")


def inline_text(token) -> str:
    """The text of an inline token as a reader sees it: text and code, no markup, no raw HTML."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(inline_text(child))
    return "".join(parts)


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors of every heading of ``path``, repeated ones numbered -1, -2 … as GitHub does."""
    tokens, seen, found = MD.parse(path.read_text(encoding="utf-8")), {}, set()
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        slug = github_slug(inline_text(tokens[i + 1]).strip())
        anchor = slug if slug not in seen else f"{slug}-{seen[slug]}"
        seen[slug] = seen.get(slug, 0) + 1
        found.add(anchor)
    return frozenset(found)


def mkdocs_slug(text: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's toc: ASCII only, so a Chinese heading
    gets none of its own), without the _1, _2 … of repeated or empty ones."""
    from markdown.extensions.toc import slugify

    return slugify(text, "-")


@cache
def mkdocs_anchors(path: Path) -> frozenset[str]:
    tokens, found = MD.parse(path.read_text(encoding="utf-8")), set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            slug, n = mkdocs_slug(inline_text(tokens[i + 1]).strip()), 0
            anchor = slug
            while anchor in found or not anchor:
                n += 1
                anchor = f"{slug}_{n}"
            found.add(anchor)
    return frozenset(found)


@pytest.mark.parametrize("heading, anchor", [
    ("The checks' share (issue 12)", "the-checks-share-issue-12"),
    ("Hiding lengths: `masks: fixed`", "hiding-lengths-masks-fixed"),
    ("隐藏长度：`masks: fixed`", "隐藏长度masks-fixed"),
    ("“数说”页面", "数说页面"),
    ("A chart block (```chart in a section)", "a-chart-block-chart-in-a-section"),
    ("site_config.yml", "site_configyml"),
    ("content/<report-id>/report.yml", "contentreportyml"),  # <report-id> is raw HTML: not text
    ("Ünïcode  two  spaces", "ünïcode--two--spaces"),
])
def test_anchors_are_computed_as_github_does(tmp_path, heading, anchor):
    page = tmp_path / "page.md"
    page.write_text(f"# {heading}\n\n## {heading}\n", encoding="utf-8")
    assert anchors(page) == {anchor, anchor + "-1"}


# --- the links of the docs ------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    page: Path
    line: int
    href: str

    def __str__(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}: ({self.href})"


def links(page: Path) -> list[Link]:
    """Every link and image of ``page``, with the line of the block that holds it."""
    found = []
    for token in MD.parse(page.read_text(encoding="utf-8")):
        if token.type != "inline":
            continue
        stack = list(token.children or [])
        while stack:
            child = stack.pop(0)
            href = child.attrGet("href") if child.type == "link_open" else (
                child.attrGet("src") if child.type == "image" else None)
            if href is not None:
                found.append(Link(page, token.map[0] + 1 if token.map else 0, str(href)))
            stack[:0] = child.children or []
    return found


def problem(link: Link) -> str | None:
    """What is wrong with a link, or None."""
    if SCHEME.match(link.href):
        return None  # http:, https:, mailto: — outside the repository
    if link.href.startswith("/"):
        return "an absolute path: write a link relative to the page"
    path, _, anchor = link.href.partition("#")
    target = (link.page.parent / unquote(path)).resolve() if path else link.page
    if not target.exists():
        return f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target} does not exist"
    if anchor:
        if target.suffix != ".md":
            return "an anchor into a file that is not Markdown"
        if unquote(anchor) not in anchors(target):
            close = sorted(anchors(target))
            return f"no heading of {target.name} has the anchor #{unquote(anchor)} (its anchors: {', '.join(close)})"
        if link.page.parent == DOCS and target.parent == DOCS and unquote(anchor) not in mkdocs_anchors(target):
            return (f"#{unquote(anchor)} is an anchor on GitHub but not in the guide MkDocs builds, which "
                    "gives Chinese headings no anchor of their own: link to the page without the anchor")
    return None


ALL_LINKS = [link for page in PAGES for link in links(page)]


def test_the_docs_have_links_to_check():
    assert len(ALL_LINKS) > 30
    assert any("#" in link.href for link in ALL_LINKS)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_leads_somewhere(page):
    broken = [f"{link}: {why}" for link in links(page) if (why := problem(link))]
    assert not broken, "\n".join(broken)


def test_an_anchor_mkdocs_does_not_make_is_found():
    chinese = Link(DOCS / "writing.zh.md", 1, "index.zh.md#" + sorted(anchors(DOCS / "index.zh.md"))[-1])
    assert "MkDocs" in (problem(chinese) or "")
    assert problem(Link(DOCS / "writing.md", 1, "index.md#everyday-commands")) is None
    assert mkdocs_slug("隐藏长度：`masks: fixed`") == "masks-fixed"


def test_a_broken_link_or_anchor_is_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## The part\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[a](other.md#the-part) [b](other.md#nope) [c](missing.md) `[d](missing.md)`\n\n"
                    "[e]: missing-too.md\n\nSee [e][].\n", encoding="utf-8")
    found = [(link.href, problem(link) is None) for link in links(page)]
    assert found == [("other.md#the-part", True), ("other.md#nope", False), ("missing.md", False),
                     ("missing-too.md", False)]


# --- paths that the package, messages, templates, config and content name -------------------

NAMED_PATH = re.compile(r"(?<![\w./-])docs/[\w./-]*?\.md(?:#[\w-]+)?")


def sources_that_name_docs() -> list[Path]:
    """The package (its code, messages and the files it writes, such as the starter project of
    `nianbao new site`), the templates, the site config and the content."""
    files = [*(p for p in REPO.glob("generator/**/*") if p.is_file() and "__pycache__" not in p.parts),
             REPO / "site_config.yml", *REPO.glob("content/**/*.yml"),
             *(p for p in REPO.glob("templates/**/*") if p.is_file())]
    return sorted(set(files))


def named_doc_paths() -> list[tuple[str, str]]:
    """(file:line, docs/….md[#anchor]) for every docs page a source file names."""
    found = []
    for source in sources_that_name_docs():
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for match in NAMED_PATH.finditer(line):
                found.append((f"{source.relative_to(REPO)}:{number}", match.group(0)))
    return list(dict.fromkeys(found))


# Paths known to be wrong and not fixed yet: each fails here (strict xfail) once it is fixed, so
# that the entry is then removed.
KNOWN_BROKEN: dict[tuple[str, str], str] = {}


def _named_path_params():
    params = []
    for where, path in named_doc_paths():
        reason = KNOWN_BROKEN.get((where.rsplit(":", 1)[0], path))
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(where, path, id=f"{where}-{path}", marks=marks))
    return params


def test_the_package_names_docs_pages():
    named = {path for _, path in named_doc_paths()}
    assert {"docs/reference.md", "docs/templates.md"} <= {p.partition("#")[0] for p in named}


@pytest.mark.parametrize("where, named", _named_path_params())
def test_every_docs_page_the_package_names_exists(where, named):
    path, _, anchor = named.partition("#")
    assert (REPO / path).is_file(), f"{where} names {path}, which does not exist"
    if anchor:
        assert anchor in anchors(REPO / path), f"{where} names {named}: no heading of {path} has that anchor"


# --- the Chinese pages link to Chinese pages ------------------------------------------------

def chinese_version(target: Path) -> Path:
    return target.with_name(target.name.removesuffix(".md") + ".zh.md")


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.zh.md")), ids=lambda p: p.name)
def test_a_chinese_page_links_to_chinese_pages(page):
    wrong = []
    for link in links(page):
        path = link.href.partition("#")[0]
        if SCHEME.match(link.href) or not path.endswith(".md") or path.endswith(".zh.md"):
            continue
        target = (page.parent / unquote(path)).resolve()
        if target.parent == DOCS and chinese_version(target).is_file():
            wrong.append(f"{link}: link to {chinese_version(target).name}")
    assert not wrong, "\n".join(wrong)


# --- the guide covers every command ---------------------------------------------------------

def commands(parser: argparse.ArgumentParser | None = None, words: str = "nianbao") -> dict[str, argparse.ArgumentParser]:
    """Every command line of ``nianbao --help`` and its parser, down to the last sub-command:
    ``nianbao build``, ``nianbao new report`` …; a command whose first argument is a choice
    counts once per choice."""
    parser = parser or make_parser()
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if sub is not None:
        return {line: p for name, child in sub.choices.items() for line, p in commands(child, f"{words} {name}").items()}
    positionals = [a for a in parser._actions if not a.option_strings]
    if positionals and positionals[0].choices:
        return {f"{words} {choice}": parser for choice in positionals[0].choices}
    return {words: parser}


def command_lines() -> list[str]:
    return list(commands())


def options() -> list[str]:
    """The long options of every command (``--config``, ``--out`` …)."""
    found = {}
    for parser in commands().values():
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    found[option] = None
    return list(found)


def guide(lang: str) -> str:
    suffix = ".zh.md" if lang == "zh" else ".md"
    return "\n".join((DOCS / f"{name}{suffix}").read_text(encoding="utf-8") for name in ("index", "writing"))


def test_the_cli_has_the_commands_this_test_knows_of():
    assert {"nianbao build", "nianbao check", "nianbao serve", "nianbao verify",
            "nianbao new report", "nianbao translated"} <= set(command_lines())
    assert {"--config", "--edition", "--out", "--port", "--from"} <= set(options())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", command_lines())
def test_the_editors_guide_covers_every_command(lang, command):
    assert re.search(re.escape(command) + r"\b", guide(lang)), \
        f"docs/index{'.zh' if lang == 'zh' else ''}.md (or writing) does not document `{command}`"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("option", options())
def test_the_editors_guide_covers_every_option(lang, option):
    assert re.search(re.escape(option) + r"(?![\w-])", guide(lang)), \
        f"docs/index{'.zh' if lang == 'zh' else ''}.md (or writing) does not document `{option}`"
