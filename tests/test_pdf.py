"""The PDF edition (issue 16): each report per language, printed by Chromium within the build.

Read back with pypdf and poppler's pdffonts and pdftotext, not with the code that writes them
(that uses pikepdf and PDFium), so that what is checked is what a reader's tools see.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings, strategies as st
from pypdf import PdfReader

from conftest import REPO, WITHHELD, require_tool, run_cli
from generator.pdf import css_string, resolve_links

SHIPPED_PDFS = {"zh": "zh/2022/report-2022-zh.pdf", "en": "en/2022/report-2022-en.pdf"}
# What the withheld fixture withholds, in every spelling its sources give it.
SECRETS = ["锦江", "Jinjiang", "滨海", "Binhai", "欧阳明远", "Ouyang Mingyuan", "4729", "4,729", "58.3", "583,000",
           "583000"]


def chromium_available() -> bool:
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


@pytest.fixture(scope="module")
def shipped(shipped_site: Path) -> Path:
    require_tool(chromium_available(), "chromium")
    return shipped_site


def text_of(pdf: bytes) -> str:
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


def visible_text(html: str) -> str:
    """A page's text as a reader sees it in print: no scripts, no words for screen readers only."""
    soup = BeautifulSoup(html, "html.parser").select_one("article.full-report")
    for node in soup.select("script, style, template, .visually-hidden, header, footer, nav, .breadcrumb, "
                            ".pdf-link, .chart-download, .chart-status, .skip-link"):
        node.decompose()
    return soup.get_text()


# --- the shipped report -------------------------------------------------------------------------

def test_each_language_has_its_pdf_under_3_mb(shipped: Path):
    for lang, name in SHIPPED_PDFS.items():
        data = (shipped / name).read_bytes()
        assert data.startswith(b"%PDF-"), name
        assert len(data) < 3_000_000, (name, len(data))


@pytest.mark.parametrize("page", ["{lang}/2022/index.html", "{lang}/2022/full.html"])
def test_report_page_and_full_report_link_the_pdf_with_its_size(shipped: Path, page: str):
    for lang, name in SHIPPED_PDFS.items():
        path = shipped / page.format(lang=lang)
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.find_all("a", href=True)
                 if (path.parent / a["href"]).resolve() == (shipped / name).resolve()]
        assert len(links) == 1, (path, [a["href"] for a in soup.find_all("a", href=True)][:40])
        size_mb = (shipped / name).stat().st_size / 1_000_000
        assert f"{size_mb:.1f} MB" in links[0].get_text(), links[0].get_text()
        assert links[0].get("type") == "application/pdf"


def test_fonts_are_all_embedded(shipped: Path):
    require_tool(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    for name in SHIPPED_PDFS.values():
        listing = subprocess.run(["pdffonts", str(shipped / name)], capture_output=True, text=True, check=True).stdout
        rows = [line for line in listing.splitlines()[2:] if line.strip()]
        assert rows, listing
        for row in rows:
            # name type encoding emb sub uni object ID: emb is the fourth field from the right
            fields = row.split()
            assert fields[-5] == "yes", row  # emb
            assert fields[-3] == "yes", row  # uni: text maps back to characters


def test_every_character_of_the_text_is_in_the_pdf(shipped: Path):
    """No glyph missing: every character the full report shows is in the PDF's text (pypdf's
    extraction maps each glyph back through its font's Unicode map; a missing glyph maps to none)."""
    for lang, name in SHIPPED_PDFS.items():
        pdf_chars = set(text_of((shipped / name).read_bytes()))
        shown = visible_text((shipped / f"{lang}/2022/full.html").read_text(encoding="utf-8"))
        missing = {c for c in shown if not c.isspace() and unicodedata.normalize("NFKC", c) not in pdf_chars}
        assert not missing, (name, sorted(missing))


def test_text_searches_as_written(shipped: Path):
    """Chromium maps 工 back to the Kangxi radical ⼯: the build mends it, so that a search finds 工作."""
    text = "\n".join(page.extract_text() for page in PdfReader(shipped / SHIPPED_PDFS["zh"]).pages)
    radicals = sorted({c for c in text if "\u2e80" <= c <= "\u2fdf"})
    assert not radicals, radicals
    assert "外事工作" in text.replace("\n", "")


def test_pdf_is_tagged_with_its_language(shipped: Path):
    for lang, name in SHIPPED_PDFS.items():
        reader = PdfReader(shipped / name)
        root = reader.trailer["/Root"]
        assert str(root["/Lang"]).lower().startswith(lang), root.get("/Lang")
        assert root["/MarkInfo"]["/Marked"] is True or str(root["/MarkInfo"]["/Marked"]) == "True"
        tree = root["/StructTreeRoot"].get_object()
        kinds = set()
        stack = [tree["/K"]]
        while stack:
            node = stack.pop()
            if isinstance(node, list) or type(node).__name__ == "ArrayObject":
                stack.extend(node)
                continue
            node = node.get_object() if hasattr(node, "get_object") else node
            if isinstance(node, dict) or hasattr(node, "keys"):
                if "/S" in node:
                    kinds.add(str(node["/S"]))
                if "/K" in node:
                    stack.append(node["/K"])
        assert {"/H1", "/H2", "/P", "/Table"} <= kinds, sorted(kinds)
        assert reader.metadata.title and "\x00" not in reader.metadata.title


def test_cover_contents_parts_and_bookmarks(shipped: Path):
    """Title page with the publishing body and date; contents giving each part's first page; a
    bookmark per part; running header and page numbers on the pages after the cover."""
    config = (REPO / "site_config.yml").read_text(encoding="utf-8")
    for lang, name in SHIPPED_PDFS.items():
        reader = PdfReader(shipped / name)
        pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
        full = BeautifulSoup((shipped / f"{lang}/2022/full.html").read_text(encoding="utf-8"), "html.parser")
        title = full.find("h1").get_text(" ", strip=True)
        organisation = re.search(rf"organisation:\n(?:  \w+: .*\n)*?  {lang}: (.*)", config).group(1).strip()
        squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - lines wrap anywhere in Chinese
        assert squeeze(organisation) in squeeze(pages[0]) and squeeze(title) in squeeze(pages[0])
        assert "2026" in pages[0]  # the web edition's date, from report.yml
        parts = [unicodedata.normalize("NFKC", h2.get_text(" ", strip=True))
                 for h2 in full.select("section.full-section > h2")]
        assert len(parts) == 7
        # each part's first page, found by its heading's text, and the contents' number for it
        contents = squeeze(pages[1])
        for part in parts:
            first = next(number for number, text in enumerate(pages, 1) if number > 2 and squeeze(part) in squeeze(text))
            assert squeeze(part) + str(first) in contents, (name, part, first)
        # bookmarks: the parts, titled as the headings (spaces kept where a heading wrapped)
        def titles(items):
            for item in items:
                yield from titles(item) if isinstance(item, list) else [item.title]
        bookmarks = list(titles(reader.outline))
        for part in parts:
            assert part in [unicodedata.normalize("NFKC", title) for title in bookmarks], (part, bookmarks)
        # running header (the title) and "n / N" on every page but the cover
        for number, text in enumerate(pages[1:], 2):
            assert f"{number} / {len(pages)}" in text, (name, number)
            assert squeeze(title)[:12] in squeeze(text), (name, number)
        assert f"1 / {len(pages)}" not in pages[0]


def test_masks_and_charts_as_in_print(shipped: Path):
    """The masks' asterisks as the text has them; the charts drawn as vector graphics (no image
    anywhere) beside their data tables."""
    require_tool(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    for lang, name in SHIPPED_PDFS.items():
        path = shipped / name
        raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
        full = BeautifulSoup((shipped / f"{lang}/2022/full.html").read_text(encoding="utf-8"), "html.parser")
        sections = "".join(s.get_text() for s in full.select("section.full-section"))
        assert raw.count("*") >= sections.count("*") > 0, (name, raw.count("*"), sections.count("*"))
        reader = PdfReader(path)
        for page in reader.pages:
            xobjects = page["/Resources"].get("/XObject") or {}
            assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
        # the chart's drawn text: its axis labels are text in the PDF, not in any table cell alone
        figure = full.select_one("figure.chart")
        assert figure is not None
        caption = figure.select_one(".chart-title").get_text(strip=True)
        assert caption.replace(" ", "") in raw.replace(" ", "").replace("\n", "")
    # a chart draws paths: the page holding the chart's caption has far more drawing operators
    reader = PdfReader(shipped / SHIPPED_PDFS["en"])
    contents = [page.get_contents().get_data() for page in reader.pages]
    assert max(data.count(b" l\n") + data.count(b" re\n") for data in contents) > 20


def test_links_in_the_pdf_stay_inside_it_or_go_to_the_site(shipped: Path):
    """Without base_url a PDF read from a download folder has no site beside it: its only links
    lead to its own pages (and to outside addresses the text gives)."""
    for name in SHIPPED_PDFS.values():
        for page in PdfReader(shipped / name).pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action is not None and "/URI" in action:
                    uri = str(action["/URI"])
                    assert ".invalid" not in uri and not uri.startswith("file:"), uri


# --- builds of small projects -------------------------------------------------------------------

def copy_withheld(tmp_path: Path, pdf: str = "true") -> Path:
    project = tmp_path / "project"
    shutil.copytree(WITHHELD, project, ignore=shutil.ignore_patterns("site", "site-internal", ".nianbao-cache"))
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"pdf: {pdf}\n", encoding="utf-8")
    return config


def pdfs_of(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*.pdf"))}


def test_withheld_content_is_absent_from_the_public_pdf_and_present_in_the_internal_one(tmp_path: Path):
    require_tool(chromium_available(), "chromium")
    config = copy_withheld(tmp_path)
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "public"))
    assert code == 0, err
    code, _, err = run_cli("build", "--config", str(config), "--edition", "internal", "--out", str(tmp_path / "internal"))
    assert code == 0, err
    public, internal = pdfs_of(tmp_path / "public"), pdfs_of(tmp_path / "internal")
    assert set(public) == set(internal) == {"zh/2023/report-2023-zh.pdf", "en/2023/report-2023-en.pdf"}
    for name in public:
        public_text, internal_text = text_of(public[name]), text_of(internal[name])
        for secret in SECRETS:
            assert secret not in public_text, (name, secret)
        lang = "zh" if "-zh." in name else "en"
        shown = ["锦江", "滨海", "欧阳明远"] if lang == "zh" else ["Jinjiang", "Binhai", "Ouyang Mingyuan"]
        for secret in shown:
            assert secret in internal_text.replace("\n", ""), (name, secret)
        assert "*" in public_text


def test_the_leak_check_reads_the_pdf(tmp_path: Path, monkeypatch):
    """Mutation: a public build whose PDF printing went wrong (it prints the internal edition's
    text) is refused by the leak check, which reads the PDF's text, and nothing is written."""
    require_tool(chromium_available(), "chromium")
    from generator import pdf as pdf_module

    config = copy_withheld(tmp_path)
    code, _, err = run_cli("build", "--config", str(config), "--edition", "internal", "--out", str(tmp_path / "internal"))
    assert code == 0, err
    internal = pdfs_of(tmp_path / "internal")
    printed = pdf_module.print_documents
    monkeypatch.setattr(pdf_module, "print_documents",
                        lambda documents, *_: ({d.output: internal[d.output] for d in documents}, []))
    code, _, err = run_cli("build", "--config", str(config), "--clean", "--out", str(tmp_path / "public"))
    monkeypatch.setattr(pdf_module, "print_documents", printed)
    assert code == 1
    assert ".pdf" in err and ("Jinjiang" in err or "锦江" in err or "4729" in err or "Ouyang" in err), err
    assert not (tmp_path / "public").exists()


def test_same_sources_same_bytes_and_a_second_build_prints_nothing(tmp_path: Path):
    require_tool(chromium_available(), "chromium")
    config = copy_withheld(tmp_path)
    log = tmp_path / "launches.log"
    wrapper = tmp_path / "chromium"
    real = next(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name))
    wrapper.write_text(f'#!/bin/sh\necho launched >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    os.environ["NIANBAO_CHROMIUM"] = str(wrapper)
    try:
        assert run_cli("build", "--config", str(config), "--clean", "--out", str(tmp_path / "a"))[0] == 0
        assert run_cli("build", "--config", str(config), "--clean", "--out", str(tmp_path / "b"))[0] == 0
        assert log.read_text().count("launched") == 2
        assert pdfs_of(tmp_path / "a") == pdfs_of(tmp_path / "b") != {}
        # with its cache, a build that changed nothing starts no browser and makes the same files
        assert run_cli("build", "--config", str(config), "--out", str(tmp_path / "a"))[0] == 0
        assert log.read_text().count("launched") == 2
        assert pdfs_of(tmp_path / "a") == pdfs_of(tmp_path / "b")
    finally:
        del os.environ["NIANBAO_CHROMIUM"]


@pytest.fixture
def no_browser(tmp_path: Path, monkeypatch):
    """A machine without Chromium: none on the PATH, none named, none downloaded by Playwright."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.delenv("NIANBAO_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-downloads"))


def test_without_a_browser_the_rest_is_built_and_the_build_says_what_to_install(tmp_path: Path, no_browser):
    config = copy_withheld(tmp_path)
    code, out, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0, err
    assert err.count("no PDF was made") == 1 and "chromium fonts-noto-cjk" in err, err
    assert "Traceback" not in out + err
    assert pdfs_of(tmp_path / "site") == {}
    assert (tmp_path / "site/zh/2023/index.html").is_file()
    page = (tmp_path / "site/zh/2023/index.html").read_text(encoding="utf-8")
    assert ".pdf" not in page
    # unless the config requires the PDF: then it is an error, and nothing is written
    config.write_text(config.read_text(encoding="utf-8").replace("pdf: true", "pdf: required"), encoding="utf-8")
    code, out, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "other"))
    assert code == 1 and "no PDF was made" in err and "site_config.yml" in err, err
    assert not (tmp_path / "other").exists()
    # and check, which prints no PDF, says so too
    code, out, err = run_cli("check", "--config", str(config))
    assert code == 1 and "no PDF was made: Chromium, which prints them, is not installed" in err, err


def test_a_wrong_nianbao_chromium_is_named(tmp_path: Path, monkeypatch):
    config = copy_withheld(tmp_path)
    monkeypatch.setenv("NIANBAO_CHROMIUM", str(tmp_path))  # a folder, not a program
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0 and f"NIANBAO_CHROMIUM names {tmp_path}, which is not a program" in err, err


def test_without_a_chinese_font_no_pdf_with_empty_boxes_is_made(tmp_path: Path):
    """A machine whose fonts have no Chinese: the Chinese PDF is not made (it would show boxes),
    the build says which characters lack a font and what to install, and exits 0."""
    require_tool(chromium_available(), "chromium")
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    if not fonts.is_dir():
        pytest.skip("no DejaVu fonts to stand for a machine without Chinese fonts")
    (tmp_path / "fontconfig").mkdir()
    (tmp_path / "fontconfig/fonts.conf").write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{fonts}</dir>'
        f'<cachedir>{tmp_path}/fontconfig/cache</cachedir></fontconfig>')
    config = copy_withheld(tmp_path)
    result = subprocess.run([str(REPO / ".venv/bin/nianbao") if (REPO / ".venv/bin/nianbao").exists() else "nianbao",
                             "build", "--config", str(config), "--out", str(tmp_path / "site")],
                            capture_output=True, text=True, env={**os.environ, "FONTCONFIG_FILE":
                                                                 str(tmp_path / "fontconfig/fonts.conf")})
    assert result.returncode == 0, result.stderr
    assert "report-2023-zh.pdf was not made: no installed font has" in result.stderr, result.stderr
    assert "fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert "zh/2023/report-2023-zh.pdf" not in pdfs_of(tmp_path / "site")


def test_the_missing_browser_is_said_in_chinese(tmp_path: Path, no_browser):
    config = copy_withheld(tmp_path)
    code, out, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"), "--lang", "zh")
    assert code == 0, err
    assert "未生成 PDF：本机没有安装用来打印 PDF 的 Chromium 浏览器；其余内容已正常生成" in err, err
    assert "sudo apt install chromium fonts-noto-cjk" in err


# --- what the document's HTML is made of ------------------------------------------------------------

CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?")


@settings(max_examples=300)
@given(st.text())
def test_the_running_header_is_any_title_as_a_css_string_that_cannot_end_early(title: str):
    """The title goes into <style> as a CSS string: whatever it holds, the string neither ends
    early nor closes the element, and reads back as the title (decoded here by CSS's own rule)."""
    quoted = css_string(title)
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"' and not set(inner) & set('"\'<>&\n\r\f;{}/')
    decoded = CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) <= 0x10FFFF else "\ufffd", inner)
    assert decoded == title.replace("\x00", "\ufffd") or decoded == title


@pytest.mark.parametrize("href, base_url, expected", [
    ("#part-2", None, '<a href="#part-2"'),
    ("https://www.fmprc.gov.cn/", None, '<a href="https://www.fmprc.gov.cn/"'),
    ("mailto:office@example.gov.cn", None, '<a href="mailto:office@example.gov.cn"'),
    ("overview/index.html#fig-1", None, "<a"),
    ("../withheld/index.html", None, "<a"),
    ("overview/index.html#fig-1", "https://example.gov.cn/reports/", '<a href="https://example.gov.cn/reports/zh/2022/overview/index.html#fig-1"'),
    ("../../en/2022/index.html", "https://example.gov.cn/reports", '<a href="https://example.gov.cn/reports/en/2022/index.html"'),
])
def test_links_of_the_document(href, base_url, expected):
    html = resolve_links(f'<p><a href="{href}">x</a></p>', "zh/2022/report-2022-zh.html", base_url)
    assert html == f"<p>{expected}>x</a></p>"


def test_a_hostile_title_is_the_running_header_as_written(tmp_path: Path):
    """A report title that tries to end the style sheet or the string prints as written in the
    running header and the PDF's title, and nothing of it runs."""
    require_tool(chromium_available(), "chromium")
    config = copy_withheld(tmp_path)
    report = config.parent / "content/2023/report.yml"
    hostile = 'Report </style><script>document.title="x"</script> "quoted" \\\\ end'
    text = report.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", "title: {zh: '报告 </style> \"引号\" 结束', en: '" + hostile.replace("'", "''") + "'}", text)
    report.write_text(text, encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0, err
    reader = PdfReader(tmp_path / "site/en/2023/report-2023-en.pdf")
    assert reader.metadata.title == hostile.replace("\\\\", "\\")
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    assert squeeze(hostile.replace("\\\\", "\\"))[:40] in squeeze(reader.pages[2].extract_text())


@pytest.mark.parametrize("line, said", [
    ("pdf: maybe", "pdf: must be true, false or required, not 'maybe'"),
    ("pdf: Required", "pdf: must be true, false or required, not 'Required'"),
    ("base_url: www.example.gov.cn/reports/", "base_url: 'www.example.gov.cn/reports/' is not a web address"),
    ("base_url: 'javascript:alert(1)//'", "base_url: 'javascript:alert(1)//' is not a web address"),
    ("open_data: {licence: {path: ''}}", "open_data.licence.path: '' is not a web address"),
    ("open_data: {licence: {path: 'javascript:alert(1)'}}", "open_data.licence.path: 'javascript:alert(1)' is not"),
])
def test_settings_the_pdf_and_its_links_depend_on_are_checked(tmp_path: Path, line: str, said: str):
    """One clear error each, at its line; a base_url without https:// would have put the address the
    browser printed from into the PDF's links."""
    config = copy_withheld(tmp_path, line.removeprefix("pdf: ") if line.startswith("pdf:") else "false")
    if not line.startswith("pdf:"):
        config.write_text(config.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and said in err and err.count("error:") == 1, err
    code, _, err = run_cli("check", "--config", str(config), "--lang", "zh")
    assert "应为 `true`、`false` 或 `required`" in err or "不是网址" in err, err


def test_no_ligature_characters_in_the_english_text(shipped: Path):
    """Ligatures drawn as one glyph would put ﬀ into the text (Aﬀairs), which a search for Affairs misses."""
    text = "".join(page.extract_text() for page in PdfReader(shipped / SHIPPED_PDFS["en"]).pages)
    assert not re.findall("[\ufb00-\ufb06]", text)
    assert "Foreign Affairs Office" in text


def test_a_link_to_another_section_leads_to_its_part_of_the_pdf(tmp_path: Path):
    require_tool(chromium_available(), "chromium")
    config = copy_withheld(tmp_path)
    section = config.parent / "content/2023/01-exchanges.zh.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n见[下一部分](02-outlook.zh.md)。\n", encoding="utf-8")
    (config.parent / "content/2023/02-outlook.zh.md").write_text("---\ntitle: 二、展望\n---\n\n明年继续。\n", encoding="utf-8")
    (config.parent / "content/2023/02-outlook.en.md").write_text("---\ntitle: II. Outlook\n---\n\nMore next year.\n",
                                                                 encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0, err
    reader = PdfReader(tmp_path / "site/zh/2023/report-2023-zh.pdf")
    destinations = {str(annotation.get_object().get("/Dest")) for page in reader.pages
                    for annotation in page.get("/Annots") or []}
    uris = [str(annotation.get_object()["/A"]["/URI"]) for page in reader.pages for annotation in page.get("/Annots") or []
            if "/A" in annotation.get_object()]
    assert "/outlook" in destinations, destinations
    assert not uris, uris


def test_the_internal_pdf_shows_what_is_withheld_without_markup(tmp_path: Path):
    """The internal edition's PDF: the report's title in its metadata and running header as text,
    not as [滨海]{.withheld}."""
    require_tool(chromium_available(), "chromium")
    config = copy_withheld(tmp_path)
    code, _, err = run_cli("build", "--config", str(config), "--edition", "internal", "--out", str(tmp_path / "internal"))
    assert code == 0, err
    for name, data in pdfs_of(tmp_path / "internal").items():
        reader = PdfReader(io.BytesIO(data))
        text = "".join(page.extract_text() for page in reader.pages) + reader.metadata.title
        assert "withheld}" not in text and "]{" not in text, name
        assert ("滨海" if "-zh." in name else "Binhai") in reader.metadata.title


def test_a_character_no_font_has_is_named_with_the_right_advice(tmp_path: Path):
    require_tool(chromium_available(), "chromium")
    config = copy_withheld(tmp_path)
    section = config.parent / "content/2023/01-exchanges.zh.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n\U0001D11E\U000F0000\n", encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0, err
    assert "report-2023-zh.pdf was not made: no installed font has" in err and "fonts-noto-cjk" not in err, err
    assert "zh/2023/report-2023-zh.pdf" not in pdfs_of(tmp_path / "site")


def test_the_running_header_is_one_line():
    from generator.pdf import running_header

    assert running_header("市政府外办2022年工作总结") == "市政府外办2022年工作总结"
    long = running_header("很" * 80)
    assert long.endswith("…") and len(long) == 46
    assert running_header("Work Summary of the Foreign Affairs Office of the Municipal People's Government for 2022") \
        .startswith("Work Summary")


def test_a_themes_own_pdf_link_shows_only_a_pdf_that_was_made(tmp_path: Path, no_browser):
    """A project's own partials/pdf_link.html, in other markup: without a PDF its pages link none."""
    config = copy_withheld(tmp_path)
    partial = config.parent / "templates/partials/pdf_link.html"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text('{% if pdf_download %}<div class="mine"><a href="{{ pdf_download.href }}">'
                       '{{ pdf_download.label }}</a></div>{% endif %}\n', encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0, err
    for page in ("zh/2023/index.html", "en/2023/full.html", "zh/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert ".pdf" not in html and 'class="mine"' not in html and "\u2063" not in html, page
