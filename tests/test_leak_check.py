"""The leak check (generator/leaks.py): what it finds, what it must not refuse.

Unit tests call ``find_leaks`` on files made here; the false-alarm test builds the shipped report
with one of its masked figures withheld instead (``value: N`` + ``public: false``) and checks
every value from 1 to 9,999 and a sample of larger ones against the built files."""

import base64
import gzip
import json
import os
import random
import re
import shutil
import struct
from decimal import Decimal
from pathlib import Path

import cn2an
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, run_cli
from generator.leaks import LeakScanner, chinese_number, find_leaks
from generator.withheld import Secret, Secrets

METRICS = Path("metrics.yml")


def figure(value, units=("次", "visits")) -> Secrets:
    return Secrets([Secret(str(value), METRICS, 7, number=float(value), units=tuple(units))])


def span(text, before="", after="") -> Secrets:
    secrets = Secrets()
    secrets.add_span(text, Path("a.zh.md"), 3, before, after)
    return secrets


def page(body: str, lang: str = "en") -> bytes:
    return f'<!DOCTYPE html><html lang="{lang}"><body><main><p>{body}</p></main></body></html>'.encode()


def found(files, secrets) -> list:
    if isinstance(files, (str, bytes)):
        files = {"en/2022/x/index.html": files if isinstance(files, bytes) else page(files)}
    return find_leaks(files, secrets)


# --- names: every form a reader or a program can read ----------------------------------------------

PUNYCODE_HOST = "锦江.cn".encode("idna").decode()


@pytest.mark.parametrize("written", [
    "Talks with JINJIANG",  # other case
    "Talks with Ｊｉｎｊｉａｎｇ",  # full-width Latin
    "Talks with Jin\u00adjiang",  # soft hyphen
    "Talks with Jin\u200bjiang",  # zero-width space
    'Talks with <span lang="en">Jin</span>jiang',  # split by markup
    "Talks with Jin<b>jiang</b>",
])
def test_a_latin_name_is_found_in_every_form(written):
    [leak] = found(written, span("Jinjiang", "with ", " city"))
    assert leak.file == "en/2022/x/index.html"


@pytest.mark.parametrize("written", [
    "与锦江市", "与锦\u034f江市", "与锦\n江市", "与<b>锦</b>江市", '与<span lang="en">锦</span>江',
    "&#38182;&#27743;", "&#x9526;&#x6c5f;",
])
def test_a_chinese_name_is_found_in_every_form(written):
    assert len(found(page(written, "zh"), span("锦江", "与", "市"))) == 1


@pytest.mark.parametrize("written", [
    "⻓⻛同志致辞",  # radicals supplement: ⻓ U+2ED3, ⻛ U+2EDB (NFKC leaves them)
    "长⻛同志致辞",
    "\u2ed3\u98ce同志致辞",
])
def test_a_name_written_with_radicals_is_found(written):
    """What a PDF's text or a paste from one may hold: radicals that look like the characters."""
    assert len(found(page(written, "zh"), span("长风", "", "同志"))) == 1
    assert len(found(page("⼯作组", "zh"), span("工作组"))) == 1  # a Kangxi radical (NFKC maps it)


def test_a_name_wrapped_over_a_line_is_found():
    assert len(found("met Ouyang\n   Mingyuan in", span("Ouyang Mingyuan"))) == 1
    assert len(found("met Ouyang-Mingyuan", span("Ouyang Mingyuan"))) == 1


def test_nfd_is_found():
    assert len(found("in Zu\u0308rich", span("Zürich"))) == 1


def test_a_lower_case_slug_in_a_url_a_file_name_and_the_sitemap():
    secrets = span("Jinjiang")
    assert len(found('<a href="../jinjiang/index.html">x</a>', secrets)) == 1
    assert found({"en/2022/jinjiang/index.html": page("nothing")}, secrets)[0].file == "en/2022/jinjiang/index.html"
    sitemap = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
              b"<url><loc>en/2022/jinjiang/</loc></url></urlset>"
    assert len(found({"sitemap.xml": sitemap}, secrets)) == 1


def test_a_punycode_link_host_is_decoded():
    [leak] = found(f'<a href="http://{PUNYCODE_HOST}/">a link</a>', span("锦江"))
    assert leak.how == "after decoding a punycode host name"


def test_a_page_with_many_replacement_characters_is_still_read():
    assert len(found({"en/x.html": b"\xff" * 5000 + "锦江".encode()}, span("锦江"))) == 1
    assert len(found({"notes.txt": b"\xfe" * 5000 + "锦江".encode()}, span("锦江"))) == 1


def test_a_base64_run_and_a_json_escape():
    encoded = base64.b64encode("与锦江市签署的协议全文".encode()).decode()
    assert found({"x.json": json.dumps({"d": encoded}).encode()}, span("锦江"))[0].how == \
        "after decoding base64 data"
    assert found({"x.json": b'{"t":"\\u9526\\u6c5f"}'}, span("锦江"))[0].how == "after decoding JSON escapes"


def test_the_search_index_is_decompressed():
    fragment = b"pagefind_dcd" + json.dumps({"url": "/en/x/", "content": "met JINJIANG officials",
                                              "word_count": 619}).encode()
    files = {"pagefind/fragment/en_1234abc.pf_fragment": gzip.compress(fragment)}
    [leak] = found(files, span("Jinjiang"))
    assert leak.how == "after decompressing the search index"
    assert found(files, figure(619)) == []  # a word count is no figure


# --- short names: with their neighbours ----------------------------------------------------------


def test_one_character_is_searched_in_context():
    secrets = span("美", "深化对", "地方交流")
    assert found(page("美资企业，美好", "zh"), secrets) == []
    assert len(found(page("深化对美地方交流", "zh"), secrets)) == 1


def test_two_letters_are_searched_in_context():
    secrets = span("US", "with the ", " on trade")
    assert found("the US dollar; use us", secrets) == []
    assert len(found("talks with the US on trade", secrets)) == 1


# --- figures: every form a reader would recognise -----------------------------------------------


@pytest.mark.parametrize("written", [
    "619", "619.0", "619.00", "６１９", "六百一十九", "六一九", "0.619 thousand", "0.6K", "0.62k", "6.19e2",
    "619 visits", "六百一十九次",
])
def test_a_figure_is_found_in_every_form(written):
    assert len(found(page(f"there were {written} in all"), figure(619))) == 1, written


@pytest.mark.parametrize("value, written", [
    (4729, "4,729"), (4729, "4 729"), (4729, "4\u202f729"), (4729, "4\u00a0729"), (4729, "约0.4729万"),
    (4729, "0.47万"), (350000, "35万"), (350000, "三十五万"), (350000, "350 thousand"), (350000, "0.35 million"),
    (120_000_000, "1.2亿"), (47, "47%"), (47, "百分之四十七"), (2.5, "2.5%"),
])
def test_figures_in_scaled_and_other_forms(value, written):
    units = ("%", "per cent") if "%" in written or "百分之" in written else ("项", "agreements")
    assert len(found(page(f"是{written}。", "zh"), figure(value, units))) == 1, written


@pytest.mark.parametrize("written", ["147290", "4729.5", "24,729", "1.4729", "4,729,000", "47290", "04729"])
def test_a_number_inside_another_is_not_the_figure(written):
    assert found(page(f"there were {written} in all"), figure(4729)) == []


def test_a_bare_wan_is_not_a_figure():
    assert found(page("万人次，千万不要，百万", "zh"), figure(1234)) == []
    assert found(page("万人次，千万不要", "zh"), figure(10000)) == []
    assert found(page("万人次，千万不要", "zh"), figure(10_000_000)) == []


def test_a_short_figure_is_searched_with_its_unit():
    secrets = figure(7, ("项", "agreements"))
    assert found(page("chapter 7, 7 days, 第7章", "en"), secrets) == []
    assert len(found(page("signed 7 agreements"), secrets)) == 1
    assert len(found(page("签署7项协议", "zh"), secrets)) == 1
    assert len(found(page("签署七项协议", "zh"), secrets)) == 1
    assert len(found(page("签署7余项协议", "zh"), secrets)) == 1


def test_a_withheld_number_span_is_searched_on_its_own_too():
    secrets = span("619", "共接待", "人次")
    assert len(found(page("another 619 here"), secrets)) == 1
    short = span("12", "共", "人次")
    assert found(page("chapter 12"), short) == []
    assert len(found(page("共12人次", "zh"), short)) == 1


def test_a_year_is_not_the_figure_but_the_figure_with_its_unit_is():
    secrets = figure(2022)
    year = page('2022年工作总结，<time datetime="2022-11-28">2022年11月28日</time>，二〇二二年，in 2022 '
                '<a href="../zh/2022/">x</a>', "zh")
    assert found(year, secrets) == []
    assert len(found(page("2,022 visits"), secrets)) == 1
    assert len(found(page("2022 visits"), secrets)) == 1
    assert len(found(page("2022次", "zh"), secrets)) == 1


def test_a_charts_axis_in_a_pdfs_text_is_not_the_figure_but_a_figure_beside_it_is():
    """A PDF's text gives a chart's axis as its ticks, one per line: 0 2,000 4,000 …"""
    axis = "alerts\r\n0\r\n2,000\r\n4,000\r\n6,000\r\n8,000\r\n"
    assert found({"en/2022/r.pdf.txt": axis.encode()}, figure(4000)) == []
    assert len(found({"en/2022/r.pdf.txt": b"0\n2,000\n4,001\n6,000\n"}, figure(4001))) == 1  # not a step
    assert len(found({"en/2022/r.pdf.txt": b"0 and 2,000 and 4,000"}, figure(4000))) == 1  # prose
    assert len(found({"en/2022/r.pdf.txt": b"2,000\n4,000\n6,000"}, figure(4000))) == 1  # not from 0


def test_a_digests_name_is_not_a_figure():
    assert found({"data/2022/datapackage.json": b'{"hash": "sha256:0a1b"}'}, figure(256)) == []


def test_the_range_a_mask_implies_is_not_the_figure():
    for value in (1000, 9999, 100, 999):
        secrets = figure(value)
        assert found(page("**** (withheld, 1,000 to 9,999) items; *** (100至999)"), secrets) == []
        assert found({"a/chart-1.csv": "\ufeffItem,Figure,at least,at most\nalerts,****,1000,9999\n".encode()},
                     secrets) == []
    assert len(found(page("1,000 visits"), figure(1000))) == 1


def test_chart_layout_and_ranges_are_not_figures_but_chart_data_is():
    chart = {"data": [{"type": "bar", "y": [5], "x": ["a"]},
                      {"type": "bar", "base": [100], "y": [899], "x": ["b"]}],
             "layout": {"height": 380, "yaxis": {"tickvals": [0, 200, 400], "ticktext": ["0", "200", "400"]}}}
    html = page('<script type="application/json" id="c">' + json.dumps(chart) + "</script>")
    for value in (380, 200, 100, 899):
        assert found(html, figure(value)) == [], value
    chart["data"][0]["y"] = {"bdata": base64.b64encode(struct.pack("<d", 619.0)).decode(), "dtype": "f8"}
    html = page('<script type="application/json" id="c">' + json.dumps(chart) + "</script>")
    assert found(html, figure(619))[0].how == "as written"


def test_the_manifest_states_sizes_not_figures():
    manifest = {"generator": "nianbao", "files": {"a.html": {"sha256": "ab" * 32, "size": 619}}}
    assert found({"manifest.json": json.dumps(manifest).encode()}, figure(619)) == []


def test_hashes_and_colours_are_not_figures():
    html = page('<link href="site.619abc1234.css"><template id="9f215cf04c54864"></template>'
                '<i style="color:#619"></i>')
    assert found(html, figure(619)) == []
    assert found(html, figure(215)) == []


# --- vendored code --------------------------------------------------------------------------------


def test_the_plotly_bundle_and_the_theme_scripts_are_not_searched():
    bundle = (REPO / "generator" / "vendor" / "plotly" / "plotly-basic.min.js").read_bytes()
    prefs = (REPO / "templates" / "assets" / "prefs.js").read_bytes()
    files = {"assets/plotly.0123456789.min.js": bundle, "assets/prefs.0123456789.js": prefs}
    numbers = {int(n) for n in re.findall(rb"(?<![0-9.])([1-9][0-9]{2,3})(?![0-9.])", bundle[:200_000])}
    assert numbers
    assert find_leaks(files, Secrets([Secret(str(n), METRICS, 1, number=float(n)) for n in sorted(numbers)[:50]]
                                     + [Secret("ab", METRICS, 1, "x", "y")])) == []
    # A project's own script (not the theme's bytes) is content, and is searched.
    changed = {"assets/prefs.0123456789.js": prefs + b"\n// 619 visits\n"}
    assert len(find_leaks(changed, figure(619))) == 1


# The check reads only the numbers that may state a withheld figure (by their significant digits,
# or a scale after them). Compared with a reading of every number: the same leaks, always.
def _forms(value: int) -> list[str]:
    """How a text may state ``value``, round it, or bound the range a mask implies."""
    power = 10 ** (len(str(value)) - 1)
    return [str(value), f"{value:,}", f"{value / 1000:.1f}K", f"{value / 1000:.1f} thousand", f"{value / 10000:.1f}万",
            f"{value / 10000:.2f}万", f"{value / 10**6:.2f} million", cn2an.an2cn(value), f"{value}.0", f"{value / 100:g}",
            f"{power:,}至{power * 10 - 1:,}", f"{power} to {power * 10 - 1}", f"{power // 10000 or 1}万至{power // 1000 or 9}万",
            f"{cn2an.an2cn(power)}至{cn2an.an2cn(power * 10 - 1)}", f"第2 {value}", "".join(chr(ord(c) + 0xFEE0) for c in str(value))]


@pytest.mark.parametrize("value", [619, 4729, 47, 1000, 9999, 10000, 99999999, 12345, 350000])
def test_each_form_of_a_figure_is_read_as_reading_every_number_reads_it(value):
    for form in _forms(value):
        for text in (form, f"约{form}次", f"about {form} visits", f"{form}，"):
            files = {"a.html": f"<p>{text}</p>".encode()}
            secrets = figure(value)
            assert find_leaks(files, secrets) == LeakScanner(files, figures=None).find(secrets), text


@settings(max_examples=int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "400")), deadline=None,
          derandomize=os.environ.get("NIANBAO_FUZZ_RANDOM") != "1")  # CI replays; a campaign explores
@given(st.integers(1, 10**7) | st.sampled_from([619, 4729, 1000, 9999, 47, 10000, 99999999]), st.data())
def test_reading_only_the_numbers_that_may_state_a_figure_finds_what_reading_all_finds(value, data):
    numbers = st.sampled_from(_forms(value)) | st.integers(0, 10**8).map(lambda n: data.draw(st.sampled_from(_forms(n))))
    between = st.sampled_from([" ", "，", " to ", "至", " visits ", "次", "项", "%", "、", "\n", " and ", "万", ""])
    text = "".join(n + b for n, b in data.draw(st.lists(st.tuples(numbers, between), min_size=1, max_size=8)))
    secrets = figure(value, data.draw(st.sampled_from([("次", "visits"), ("项",), ("%",), ()])))
    files = {"a.html": f"<p>{text}</p>".encode()}
    every_number = LeakScanner(files, figures=None).find(secrets)
    assert find_leaks(files, secrets) == every_number, text


# --- the message, and the tests moved from test_withheld.py ---------------------------------------


@pytest.mark.parametrize("written, how", [
    ("<p>&#38182;&#27743;</p>", "after decoding HTML entities"),
    ('{"t":"\\u9526\\u6c5f"}', "after decoding JSON escapes"),
    ('<a href="?q=%E9%94%A6%E6%B1%9F">x</a>', "after decoding URL escapes"),
    ('{"y":{"bdata":"' + base64.b64encode(struct.pack("<2d", 1.0, 4729.0)).decode() + '","dtype":"f8"}}',
     "as written"),
    ("<!-- 4 729 -->", "as written"),
    ('<img alt="约0.4729万">', "as written"),
])
def test_the_leak_check_decodes_what_a_reader_could(written, how):
    secrets = span("锦江", "与", "市签署")
    secrets.add_number(4729, METRICS, 7, ["项", "agreements"])
    name = "x.json" if written.startswith("{") else "x.html"
    [leak] = find_leaks({name: written.encode()}, secrets)
    assert leak.how == how


def test_the_leak_check_ignores_numbers_inside_other_numbers():
    secrets = Secrets()
    secrets.add_number(4729, METRICS, 7, ["项"])
    assert find_leaks({"a.html": b"<p>147290 and 4729.5 and 24,729 and 1.4729</p>"}, secrets) == []


def test_the_chinese_numerals_agree_with_cn2an():
    rng = random.Random(7)
    for value in [*range(0, 1000), *rng.sample(range(1000, 10**9), 2000)]:
        assert chinese_number(cn2an.an2cn(value)) == value, value
        assert chinese_number(cn2an.an2cn(str(value), "direct")) == value, value


# --- no false alarm on an honest build; a leak in one is refused ------------------------------------

# Larger values (round ones among them) and values with decimals: one build per mask width.
LARGE = [10_000, 20_000, 90_000, 10_001, 12_345, 99_999, 100_000, 350_000, 990_000, 123_456, 583_000,
         100_000_000, 123_456_789, 12_345.5, 99_999.9]
DECIMALS = [0.5, 2.5, 9.9, 12.5, 47.5, 99.5]


def _mask_key(value: float) -> str:
    from generator.metrics import Metric, withhold

    metric = Metric("x", "r", 2022, {}, {}, value, None, None, "s", None, None, METRICS, 1)
    return withhold(metric).mask


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shipped")
    shutil.copy(REPO / "site_config.yml", root)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


FIGURE = "  - id: overseas-news-alerts\n"


def _withhold_one(root: Path, value: float) -> Path:
    """The shipped report with its figure 'overseas-news-alerts' withheld as ``value``."""
    metrics = root / "content/2022/metrics.yml"
    original = (REPO / "content/2022/metrics.yml").read_text(encoding="utf-8")
    block = re.search(re.escape(FIGURE) + r"(?:    .*\n)+", original).group(0)
    assert '    mask: "****"\n' in block
    metrics.write_text(original.replace(block, block.replace('    mask: "****"\n',
                                                             f"    value: {value}\n    public: false\n")),
                       encoding="utf-8")
    return root / "site_config.yml"


def _built_files(config: Path, out: Path) -> dict[str, bytes]:
    code, _, err = run_cli("build", "--config", str(config), "--out", str(out))
    assert code == 0, err
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_no_honest_build_is_refused(shipped_copy, tmp_path):
    """Every value from 1 to 9,999 and a sample of larger ones, as the withheld figure of the
    shipped report: the public output differs only in the mask's width, so the report is built
    once per mask and every value of that mask checked against the built files."""
    values = [*range(1, 10_000), *LARGE, *DECIMALS]
    # The report's published figures: the open data gives each in a cell of its own, which equals a
    # withheld value of the same digits by chance (100, 2,000 …), and states that figure, not this one.
    metrics = yaml.safe_load((REPO / "content/2022/metrics.yml").read_text(encoding="utf-8"))["metrics"]
    published = frozenset(Decimal(str(m["value"])) for m in metrics if m.get("value") is not None and m.get("public", True))
    by_mask: dict[str, list[float]] = {}
    for value in values:
        by_mask.setdefault(_mask_key(value), []).append(value)
    refused = []
    for mask, group in sorted(by_mask.items()):
        config = _withhold_one(shipped_copy, group[0])
        files = _built_files(config, tmp_path / f"site-{len(by_mask)}-{mask}".replace("*", "x"))
        scanner = LeakScanner(files, public=published)
        units = ("条", "items")
        secrets = Secrets([Secret(str(v), shipped_copy / "content/2022/metrics.yml", 40, number=float(v), units=units)
                           for v in group])
        refused += [(leak.secret.text, leak.file, leak.found) for leak in scanner.find(secrets)]
    assert refused == [], refused


def test_a_figure_stated_in_clear_is_refused(shipped_copy, tmp_path):
    config = _withhold_one(shipped_copy, 619)
    english = shipped_copy / "content/2022/06-outlook.en.md"
    original = english.read_text(encoding="utf-8")
    try:
        english.write_text(original.rstrip("\n") + " The office counted 619 visits.\n", encoding="utf-8")
        out = tmp_path / "site"
        code, _, err = run_cli("build", "--config", str(config), "--out", str(out))
        assert code == 1 and not out.exists()
        line = len(original.rstrip("\n").splitlines())  # the paragraph the sentence was added to
        assert re.search(rf"content/2022/06-outlook\.en\.md:{line}: error: the public edition would publish withheld "
                         r"content: \"619\" \(as written\), withheld in metrics\.yml:\d+; it would reach \d+ public "
                         r"file\(s\): .*en/2022/outlook/index\.html", err), err
    finally:
        english.write_text(original, encoding="utf-8")


@pytest.mark.parametrize("written", ["04729 agreements", "x 4729 agreements", "× 4729 agreements"])
def test_a_code_or_a_multiplier_counts_with_the_unit_after_it(written):
    assert len(find_leaks({"a.html": f"<p>{written}</p>".encode()}, figure(4729, ("项", "agreements")))) == 1
    assert find_leaks({"a.html": f"<p>{written.split(' agreements')[0]} ok</p>".encode()},
                      figure(4729, ("项", "agreements"))) == []


@pytest.mark.parametrize("written, how", [
    ("Jinjiang2022", "as written"), ("JinjiangDistrict", "as written"), ("jinjiangcity.gov.cn", "as written"),
    ("Jǐnjiāng", "after removing accents"), ("J i n j i a n g", "after removing markup and white space"),
])
def test_a_long_name_is_found_inside_words_letter_by_letter_and_without_accents(written, how):
    [leak] = find_leaks({"a.html": f"<p>Talks in {written} went well.</p>".encode()}, span("Jinjiang", "with ", "."))
    assert leak.how == how


def test_a_short_name_stays_a_whole_word():
    assert find_leaks({"a.html": b"<p>the use of the USB</p>"}, span("the US", "with ", " on")) == []


def test_a_rounding_that_may_be_a_published_figure_is_no_leak():
    """1.2万 is how nianbao shows a published 12000: it is not taken as the rounding of a withheld 11980."""
    page = {"a.html": "<p>1.2万人次</p>".encode()}
    assert len(find_leaks(page, figure(11980, ("人次", "visits")))) == 1
    assert find_leaks(page, figure(11980, ("人次", "visits")), public=frozenset({12000})) == []
    assert len(find_leaks({"a.html": "<p>11980人次</p>".encode()}, figure(11980, ("人次", "visits")),
                          public=frozenset({12000}))) == 1  # stated exactly: a leak whatever is published


def test_a_range_is_paired_by_distance_not_by_how_many_numbers_stand_between():
    """Found by the property test above: 1万至9万 after 10000, 10000, 2 (its parts 1 and 9 read too)."""
    files = {"a.html": "<p>10000，10000，2，1万至9万 </p>".encode()}
    secrets = figure(10000)
    assert find_leaks(files, secrets) == LeakScanner(files, figures=None).find(secrets)


def test_a_policys_hash_and_a_data_addresss_letters_are_no_figures_but_what_the_data_says_is_read():
    # The 404 page's own head: its policy allows its inline stylesheet by hash, and its icon is a data: address.
    icon = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="32"/></svg>').decode()
    head = (f'<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; style-src '
            f'\'sha256-0nbaksFF35l/x4cuyijt9qgtDxA96RHO1zqeIcDsz+c=\'">'
            f'<link rel="icon" href="data:image/svg+xml;base64,{icon}4k">').encode()
    for value in (256, 4000, 35, 32):
        assert find_leaks({"404.html": head}, figure(value, ("项", "items"))) == [], value
    hidden = base64.b64encode("<svg><text>4729 agreements</text></svg>".encode()).decode()
    page = f'<link rel="icon" href="data:image/svg+xml;base64,{hidden}">'.encode()
    assert len(find_leaks({"a.html": page}, figure(4729, ("项", "agreements")))) == 1
