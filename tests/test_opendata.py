"""The figures as open data (issue 16, point 2): per report data/<report>/figures.csv, figures.json and
a Frictionless datapackage.json, and data/figures.csv with its datapackage.json across the reports.

The expectations are read from the sources with yaml (an oracle independent of generator/opendata.py),
the packages are validated with the frictionless package, and what is withheld is looked for in the
bytes of every data file.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup
from frictionless import validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, REPO, WITHHELD, build_once, run_cli, write_project

THREE_YEARS = REPO / "tests" / "fixtures" / "three-years"
LANGUAGES = ["zh", "en"]
COLUMNS = ["report", "year", "id", "label_zh", "label_en", "value", "unit_zh", "unit_en", "qualifier", "mask",
           "range_low", "range_high", "status", "note_zh", "note_en", "section", "section_title_zh",
           "section_title_en", "page_zh", "page_en"]
SCALES = {"": 1, "万": 10_000, "亿": 100_000_000, "万亿": 10 ** 12}


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads the Chinese as UTF-8"
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), "CRLF line ends, as the charts' CSVs"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == COLUMNS
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def check_package(path: Path) -> dict:
    report = validate(str(path))
    assert report.valid, report.flatten(["type", "note"])
    return json.loads(path.read_text(encoding="utf-8"))


def mask_range(mask: str) -> tuple[str, str]:
    """The oracle's range of a mask: one * per digit, times its 万 or 亿."""
    digits = mask.rstrip("万亿")
    count, scale = len(digits), SCALES[mask[len(digits):]]
    return str((10 ** (count - 1) if count > 1 else 1) * scale), str((10 ** count - 1) * scale)


def plain(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def front_matter_title(path: Path) -> str:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["title"]


def section_titles(content: Path) -> dict[tuple[str, str], str]:
    """(slug, lang) → the section's title, from the files' names and front matter."""
    found = {}
    for path in content.glob("*.md"):
        match = re.fullmatch(r"\d+-(.+)\.(zh|en)\.md", path.name)
        if match:
            found[(match.group(1), match.group(2))] = front_matter_title(path)
    return found


def expected_row(entry: dict, report: str, year: int, titles: dict) -> dict[str, str]:
    """A figure of metrics.yml as the public edition's CSV must give it (figures without public: false)."""
    mask = entry.get("mask") or ""
    low, high = mask_range(mask) if mask else ("", "")
    note = entry.get("note") or {}
    status = "masked" if mask else "published" if "value" in entry else "pending"
    row = {"report": report, "year": str(year), "id": entry["id"], "value": plain(entry["value"]) if "value" in entry else "",
           "qualifier": entry.get("qualifier") or "", "mask": mask, "range_low": low, "range_high": high,
           "status": status, "section": entry["section"]}
    for lang in LANGUAGES:
        row.update({f"label_{lang}": entry["label"][lang], f"unit_{lang}": entry["unit"][lang],
                    f"note_{lang}": note.get(lang, ""), f"section_title_{lang}": titles[(entry["section"], lang)],
                    f"page_{lang}": f"{lang}/{report}/{entry['section']}/#fig-{entry['id']}"})
    return row


# --- the shipped report -------------------------------------------------------------------------


def test_the_shipped_packages_are_valid_frictionless_data_packages(shipped_site):
    package = check_package(shipped_site / "data/2022/datapackage.json")
    assert [r["path"] for r in package["resources"]] == ["figures.csv", "figures.json"]
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == COLUMNS
    assert all(f["title"] and f["description"] and f["type"] for f in fields)
    assert {f["name"]: f["type"] for f in fields}["value"] == "number"
    config = yaml.safe_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    assert config["organisation"]["zh"] in package["contributors"][0]["title"]
    assert config["organisation"]["en"] in package["contributors"][0]["title"]
    assert "licenses" not in package  # the office names no licence: none is invented
    titles = section_titles(REPO / "content/2022")
    assert {"title": titles[("serving-national-diplomacy", "zh")], "path": "../../zh/2022/serving-national-diplomacy/"} \
        in package["sources"]
    every = check_package(shipped_site / "data/datapackage.json")
    assert [r["path"] for r in every["resources"]] == ["figures.csv"]
    assert every["resources"][0]["schema"]["primaryKey"] == ["report", "id"]


def test_each_row_states_what_metrics_yml_states_and_masks_what_it_masks(shipped_site):
    entries = yaml.safe_load((REPO / "content/2022/metrics.yml").read_text(encoding="utf-8"))["metrics"]
    titles = section_titles(REPO / "content/2022")
    rows = read_csv(shipped_site / "data/2022/figures.csv")
    assert rows == [expected_row(entry, "2022", 2022, titles) for entry in entries]
    masked = [row for row in rows if row["mask"]]
    assert len(masked) > 20 and all(row["value"] == "" and row["range_low"] for row in masked)
    assert {row["mask"] for row in masked} >= {"**", "***", "***万", "**万"}
    # each row's page holds the figure's anchor
    for row in rows:
        for lang in LANGUAGES:
            path, _, anchor = row[f"page_{lang}"].partition("#")
            page = BeautifulSoup((shipped_site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
            assert page.find(id=anchor) is not None, row[f"page_{lang}"]
    # the JSON has the same rows, typed; the file across the years (one report here) the same CSV
    typed = json.loads((shipped_site / "data/2022/figures.json").read_text(encoding="utf-8"))
    assert [list(row) for row in typed] == [COLUMNS] * len(rows)
    for row, value in zip(rows, typed):
        assert {key: "" if cell is None else plain(cell) if isinstance(cell, (int, float)) else cell
                for key, cell in value.items()} == row
    assert read_csv(shipped_site / "data/figures.csv") == rows


def test_every_figures_page_links_the_data_and_the_manifest_lists_it(shipped_site):
    data = sorted(p.relative_to(shipped_site).as_posix() for p in (shipped_site / "data").rglob("*") if p.is_file())
    assert data == ["data/2022/datapackage.json", "data/2022/figures.csv", "data/2022/figures.json",
                    "data/datapackage.json", "data/figures.csv"]
    for lang in LANGUAGES:
        name = f"{lang}/2022/figures/index.html"
        page = BeautifulSoup((shipped_site / name).read_text(encoding="utf-8"), "html.parser")
        block = page.select_one("section.open-data")
        links = {posixpath.normpath(posixpath.join(posixpath.dirname(name), urlsplit(a["href"]).path))
                 for a in block.select("a[href]")}
        assert links == set(data) and block.h2.get_text(strip=True)
    manifest = json.loads((shipped_site / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(manifest, ensure_ascii=False)
    assert all(f'"{name}"' in text for name in data)
    # the other pages have no such block
    assert not BeautifulSoup((shipped_site / "zh/2022/index.html").read_text(encoding="utf-8"),
                             "html.parser").select("section.open-data")


# --- withheld figures ----------------------------------------------------------------------------


SECRET_FORMS = ["4729", "4,729", "4 729", "0.4729", "583000", "583,000", "58.3", "锦江", "jinjiang"]


def data_texts(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_bytes().decode("utf-8-sig").lower()
            for p in (site / "data").rglob("*") if p.is_file()}


def test_a_withheld_figure_is_only_its_mask_in_the_public_data(withheld_public):
    texts = data_texts(withheld_public)
    assert len(texts) == 5
    for name, text in texts.items():
        assert not [form for form in SECRET_FORMS if form in text], name
    rows = {row["id"]: row for row in read_csv(withheld_public / "data/2023/figures.csv")}
    # 4729 and 583000, as the public pages write them: one * per digit, and the range that implies
    assert [rows["secret-agreements"][k] for k in ("value", "mask", "range_low", "range_high", "status")] == \
        ["", "****", "1000", "9999", "masked"]
    assert [rows["secret-visitors"][k] for k in ("value", "mask", "range_low", "range_high", "qualifier")] == \
        ["", "******", "100000", "999999", "余"]
    assert rows["delegations"]["value"] == "168" and rows["delegations"]["status"] == "published"
    for name in ("data/2023/datapackage.json", "data/datapackage.json"):
        check_package(withheld_public / name)


def test_the_internal_edition_gives_the_withheld_values(withheld_internal):
    rows = {row["id"]: row for row in read_csv(withheld_internal / "data/2023/figures.csv")}
    assert [rows["secret-agreements"][k] for k in ("value", "mask", "status", "label_zh")] == \
        ["4729", "", "withheld", "与锦江签署的协议"]
    assert rows["secret-visitors"]["value"] == "583000"
    typed = {row["id"]: row for row in json.loads((withheld_internal / "data/2023/figures.json").read_text("utf-8"))}
    assert typed["secret-agreements"]["value"] == 4729


def _build_with_planted(tmp_path: Path, monkeypatch, plant) -> str:
    """A public build of the withheld fixture whose data rows ``plant`` changes; its errors."""
    from generator import opendata

    original = opendata.figure_row

    def planted(site, report, metric, md):
        return plant(original(site, report, metric, md), metric)

    monkeypatch.setattr(opendata, "figure_row", planted)
    out = tmp_path / "site"
    code, _, err = run_cli("build", "--clean", "--config", str(WITHHELD / "site_config.yml"), "--out", str(out))
    assert code == 1 and not out.exists(), err
    return err


def test_the_leak_check_reads_the_data_files(tmp_path, monkeypatch):
    def value_out(row, metric):
        if metric.id == "secret-agreements":
            row["value"] = 4729
        return row

    err = _build_with_planted(tmp_path, monkeypatch, value_out)
    reached = re.search(r'would publish withheld content: "4729" .*it would reach \d+ public file\(s\): (.*)$', err, re.M)
    assert reached and set(reached.group(1).split(", ")) == {"data/2023/figures.csv", "data/2023/figures.json",
                                                             "data/figures.csv"}, err


def test_the_withheld_check_reads_the_data_files(tmp_path, monkeypatch):
    def marked(row, metric):
        row["note_zh"] = "见[某地]{.withheld}"
        return row

    err = _build_with_planted(tmp_path, monkeypatch, marked)
    named = set(re.findall(r"/site/(data/\S+?):\d+:\d+: error: the public edition would publish something marked", err))
    assert {"data/2023/figures.csv", "data/2023/figures.json", "data/figures.csv"} <= named, err


def test_fixed_masks_give_no_range(tmp_path):
    root = tmp_path / "project"
    import shutil
    shutil.copytree(WITHHELD, root)
    config = root / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "masks: fixed\n", encoding="utf-8")
    out = tmp_path / "site"
    code, _, err = run_cli("build", "--config", str(config), "--out", str(out))
    assert code == 0, err
    rows = {row["id"]: row for row in read_csv(out / "data/2023/figures.csv")}
    for ident in ("secret-agreements", "secret-visitors"):
        assert [rows[ident][k] for k in ("value", "mask", "range_low", "range_high")] == ["", "***", "", ""]


# --- settings ------------------------------------------------------------------------------------

METRICS = """\
metrics:
  - id: visits
    label: {zh: 来访, en: visits}
    value: 12
    unit: {zh: 次, en: visits}
    section: first
  - id: hidden
    label: {zh: 隐去的, en: hidden}
    mask: "**万"
    qualifier: 余
    unit: {zh: 人, en: people}
    section: first
  - id: later
    label: {zh: 待填, en: to come}
    unit: {zh: 个, en: items}
    section: first
"""


def build_minimal(tmp_path: Path, config_lines: str = "", metrics: str = METRICS) -> Path:
    config = write_project(tmp_path, {**MINIMAL, "site_config.yml": MINIMAL["site_config.yml"] + config_lines,
                                      "content/2021/metrics.yml": metrics})
    out = tmp_path / "site"
    code, _, err = run_cli("build", "--config", str(config), "--out", str(out))
    assert code == 0, err
    return out


def test_open_data_false_writes_no_data_and_no_links(tmp_path):
    out = build_minimal(tmp_path, "open_data: false\n")
    assert not (out / "data").exists()
    for lang in LANGUAGES:
        html = (out / f"{lang}/2021/figures/index.html").read_text(encoding="utf-8")
        assert "open-data" not in html and "data/" not in html


def test_a_licence_in_the_config_goes_into_the_packages_and_onto_the_page(tmp_path):
    out = build_minimal(tmp_path, "base_url: https://example.org/reports/\nopen_data:\n  licence:\n"
                                  "    name: CC-BY-4.0\n    path: https://creativecommons.org/licenses/by/4.0/\n"
                                  "    title: {zh: 署名 4.0, en: Attribution 4.0}\n")
    for name in ("data/2021/datapackage.json", "data/datapackage.json"):
        package = check_package(out / name)
        assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                        "title": "署名 4.0 / Attribution 4.0"}]
        assert package["homepage"].startswith("https://example.org/reports/")
        assert all(source["path"].startswith("https://example.org/reports/") for source in package["sources"])
    rows = read_csv(out / "data/2021/figures.csv")
    # the text never quotes the figure: its section's page, in full
    assert rows[0]["page_en"] == "https://example.org/reports/en/2021/first/"
    page = BeautifulSoup((out / "en/2021/figures/index.html").read_text(encoding="utf-8"), "html.parser")
    licence = page.select_one("section.open-data a[rel=license]")
    assert licence["href"] == "https://creativecommons.org/licenses/by/4.0/" and licence.get_text() == "Attribution 4.0"
    # masked, pending and published figures, each as the config's small report states it
    assert [(r["id"], r["value"], r["mask"], r["range_low"], r["range_high"], r["status"]) for r in rows] == [
        ("visits", "12", "", "", "", "published"), ("hidden", "", "**万", "100000", "990000", "masked"),
        ("later", "", "", "", "", "pending")]


def test_a_misspelt_open_data_setting_is_an_error_with_a_hint(tmp_path):
    config = write_project(tmp_path, {**MINIMAL, "site_config.yml": MINIMAL["site_config.yml"]
                                      + "open_data:\n  license: {path: https://example.org/}\n"})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "10:3: error: unknown key 'open_data.license'" in err and "did you mean 'licence'?" in err, err
    config.write_text(MINIMAL["site_config.yml"] + "open_data: nein\n", encoding="utf-8")
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "open_data" in err, err


# --- across the years ----------------------------------------------------------------------------


def test_the_file_across_the_years_has_every_report_in_order(tmp_path_factory):
    out = build_once(tmp_path_factory, THREE_YEARS / "site_config.yml", "od-years")
    check_package(out / "data/datapackage.json")
    rows = read_csv(out / "data/figures.csv")
    expected = []
    for year in ("2020", "2021", "2022"):
        entries = yaml.safe_load((THREE_YEARS / "content" / year / "metrics.yml").read_text(encoding="utf-8"))
        titles = section_titles(THREE_YEARS / "content" / year)
        expected += [expected_row(entry, year, int(year), titles) for entry in entries["metrics"]]
        check_package(out / "data" / year / "datapackage.json")
        assert read_csv(out / "data" / year / "figures.csv") == [row for row in expected if row["report"] == year]
    assert rows == expected
    delegations = [(row["year"], row["value"]) for row in rows if row["id"] == "delegations"]
    assert delegations == [("2020", "118"), ("2021", "126"), ("2022", "150")]


def test_the_data_is_the_same_bytes_at_every_build(tmp_path):
    first = build_minimal(tmp_path / "a")
    second = build_minimal(tmp_path / "b")
    for name in ("data/2021/figures.csv", "data/2021/figures.json", "data/2021/datapackage.json", "data/figures.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


# --- any figure ----------------------------------------------------------------------------------

figure = st.one_of(
    st.integers(min_value=0, max_value=10 ** 12).map(lambda v: ("value", v)),
    st.tuples(st.integers(min_value=1, max_value=6), st.sampled_from(["", "万", "亿"]))
      .map(lambda m: ("mask", "*" * m[0] + m[1])),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figures=st.lists(figure, min_size=1, max_size=4))
def test_any_value_is_stated_and_any_mask_gives_its_range_never_a_value(tmp_path_factory, figures):
    entries = "".join(
        f"  - id: f{index}\n    label: {{zh: 第{index}项, en: item {index}}}\n"
        f"    {kind}: {json.dumps(value, ensure_ascii=False)}\n    unit: {{zh: 个, en: items}}\n    section: first\n"
        for index, (kind, value) in enumerate(figures))
    out = build_minimal(tmp_path_factory.mktemp("any"), metrics="metrics:\n" + entries)
    rows = read_csv(out / "data/2021/figures.csv")
    typed = json.loads((out / "data/2021/figures.json").read_text(encoding="utf-8"))
    for (kind, value), row, typed_row in zip(figures, rows, typed):
        if kind == "value":
            assert (row["value"], row["mask"], typed_row["value"]) == (str(value), "", value)
        else:
            assert (row["value"], row["mask"], typed_row["value"]) == ("", value, None)
            assert (row["range_low"], row["range_high"]) == mask_range(value)


def test_a_packages_sources_lead_to_pages_read_from_the_package(shipped_site: Path):
    """Without base_url a source's path is relative to its package (as the specification reads it),
    so a copy of the folder still leads to the pages; the internal edition's titles carry no markup."""
    for package_path in (shipped_site / "data/2022/datapackage.json", shipped_site / "data/datapackage.json"):
        package = json.loads(package_path.read_text(encoding="utf-8"))
        assert package["sources"]
        for source in package["sources"]:
            target = (package_path.parent / source["path"]).resolve()
            assert (target / "index.html").is_file(), (package_path, source)
            assert "{." not in source["title"]
