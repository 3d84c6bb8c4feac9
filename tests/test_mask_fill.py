"""The mask-fill check (issue 14, point 3): editorial text that reproduces a masked passage of
the text with the mask filled in is an error of the public build and of `nianbao check`.

Through the front door (the CLI on small projects) for every kind of editorial text, with
positives and near misses; a property test against a second, brute-force matcher written here."""

import os
import re
import unicodedata
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from conftest import MINIMAL, REPO, run_cli

TEXT = "全年共审批外籍人员入境，办理来*签证邀请函，组织{{ countries }}个国家的外籍人士观赛。"
TEXT_EN = "We issued * letters of invitation, and organised viewing for people from {{ countries }} countries."
METRIC = ("  - id: countries\n    label: {{zh: {zh}, en: countries}}\n    mask: \"**\"\n"
          "    unit: {{zh: 个, en: countries}}\n    section: first\n{extra}")


def project_with(tmp_path: Path, label: str = "国家", extra: str = "", zh_front: str = "",
                 zh_body: str = TEXT, report_summary: str = "一年的工作。", chart: str = "") -> Path:
    files = dict(MINIMAL)
    files["content/2021/metrics.yml"] = "metrics:\n" + METRIC.format(zh=label, extra=extra)
    files["content/2021/01-first.zh.md"] = f"---\ntitle: 第一部分\n{zh_front}---\n\n{zh_body}\n{chart}"
    files["content/2021/01-first.en.md"] = f"---\ntitle: Part one\n---\n\n{TEXT_EN}\n{chart}"
    files["content/2021/report.yml"] = MINIMAL["content/2021/report.yml"].replace("一年的工作。", report_summary)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "site_config.yml"


def fills(config: Path, *args: str) -> tuple[int, list[str]]:
    code, out, err = run_cli("check", "--config", str(config), *args)
    return code, [line for line in err.splitlines() if "fills in a mask" in line]


@pytest.mark.parametrize("where, change, line", [
    ("the label of the figure 'countries'", {"label": "来华签证邀请函"}, "content/2021/metrics.yml:3"),
    ("the note of the figure 'countries'", {"extra": "    note: {zh: 办理的来华签证邀请函另计, en: x}\n"},
     "content/2021/metrics.yml:7"),
    ("the section's summary", {"zh_front": "summary: 办理来华签证邀请函等工作。\n"}, "content/2021/01-first.zh.md:3"),
    ("the report's summary", {"report_summary": "办理来华签证邀请函等工作。"}, "content/2021/report.yml:4"),
    ("the chart's title", {"chart": "\n```chart\ntype: bar\nmetrics: [countries]\n"
                                    "title: {zh: 来华签证邀请函, en: Letters}\n```\n"}, "content/2021/01-first.zh.md:10"),
    ("an image's alternative text or title", {"zh_body": TEXT + "\n\n![来华签证邀请函样本](letter.png)"},
     "content/2021/01-first.zh.md:7"),
    # a mask of a figure: the label states the masked number of countries
    ("the label of the figure 'countries'", {"label": "组织12个国家的外籍人士"}, "content/2021/metrics.yml:3"),
])
def test_editorial_text_that_fills_in_a_mask_is_an_error(tmp_path, where, change, line):
    code, found = fills(project_with(tmp_path, **change))
    assert code == 1 and len(found) == 1, found
    assert found[0].startswith(f"{line}: error: {where} fills in a mask of the text: ")
    body_line = 6 if "zh_front" in change else 5
    assert f"content/2021/01-first.zh.md:{body_line} has '" in found[0]


@pytest.mark.parametrize("label", [
    "办理的签证邀请函",  # the mask left out
    "签证邀请函",
    "来华人签证邀请函",  # two characters where the mask hides one
    "来签证邀请函",  # none
    "来华签证",  # too little of the text around the mask to say it is that passage
    "去华签证邀请函",  # a different character before the mask
    "来*签证邀请函",  # the mask kept
    "组织多个国家的外籍人士",  # a word, not as long as the mask
    "组织123个国家的外籍人士",  # three digits where the mask hides two
])
def test_near_misses_are_no_fill(tmp_path, label):
    code, found = fills(project_with(tmp_path, label=label))
    assert found == []
    assert code == (1 if "*" in label else 0)  # a mask the English label lacks is an error of its own


def test_a_line_wrapped_in_the_source_is_still_read_as_one(tmp_path):
    wrapped = TEXT.replace("签证邀请函", "签证\n邀请函")
    code, found = fills(project_with(tmp_path, label="来华签证邀请函", zh_body=wrapped))
    assert code == 1 and len(found) == 1


def test_what_the_official_text_states_in_clear_elsewhere_is_no_fill(tmp_path):
    body = TEXT + "\n\n另为在京外籍人士办理来华签证邀请函。"
    assert fills(project_with(tmp_path, label="来华签证邀请函", zh_body=body)) == (0, [])


def test_the_internal_edition_warns_and_messages_are_in_chinese(tmp_path):
    config = project_with(tmp_path, label="来华签证邀请函")
    code, out, err = run_cli("build", "--config", str(config), "--edition", "internal")
    assert code == 0 and "warning: the label of the figure 'countries' fills in a mask" in err
    code, out, err = run_cli("check", "--config", str(config), "--lang", "zh")
    assert code == 1
    assert ("数字“countries”的名称补出了正文中隐去的字：“来华签证邀请函”，而 content/2021/01-first.zh.md:5 "
            "写作“来*签证邀请函”") in err
    assert "建议：不写星号隐去的部分，或者照正文写，保留星号（“来*签证邀请函”；其他语言也随之用星号）" in err


def test_the_shipped_report_passes_and_its_old_label_fails(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "site_config.yml", project)
    assert fills(project / "site_config.yml") == (0, [])
    metrics = project / "content/2022/metrics.yml"
    text = metrics.read_text(encoding="utf-8")
    assert "办理的签证邀请函" in text
    metrics.write_text(text.replace("办理的签证邀请函", "办理的来华签证邀请函"), encoding="utf-8")
    code, found = fills(project / "site_config.yml")
    assert code == 1 and len(found) == 1
    assert "'来华签证邀请函' where content/2022/05-governance-and-services.zh.md:" in found[0]
    assert found[0].endswith("has '来*签证邀请函'")


# --- a second method: every prefix of what surrounds a mask, as a pattern of its own ------------

FILL = "[0-9\u4e00-\u9fff]"


def context(text: str, at: int, step: int) -> list[tuple[str, str]]:
    """Up to 8 elements from ``at`` outwards: ("c", char) a letter or digit, ("p", char) anything
    else, ("m", "**") another mask."""
    elements = []
    while 0 <= at < len(text) and len(elements) < 8:
        if text[at] == "*":
            end = at
            while 0 <= end < len(text) and text[end] == "*":
                end += step
            elements.append(("m", "*" * abs(end - at)))
            at = end
        else:
            elements.append(("c" if text[at].isalnum() else "p", text[at]))
            at += step
    return elements


def element_pattern(kind: str, value: str) -> str:
    return {"c": re.escape(value), "p": r"[^\w*]", "m": f"[0-9\u4e00-\u9fff*]{{{len(value)}}}"}[kind]


def brute_force_fill(text: str, editorial: str) -> bool:
    """Whether ``editorial`` holds, for a mask of ``text``, a prefix of what is before it and of
    what is after it (4 letters or digits in all; the first element, where it is a letter or
    digit, included; where it is punctuation or the text's end, the fill not running on into a
    longer word) with as many digits or hanzi in the mask's place."""
    text, editorial = unicodedata.normalize("NFKC", text), unicodedata.normalize("NFKC", editorial)
    for mask in re.finditer(r"\*+", text):
        before, after = context(text, mask.start() - 1, -1), context(text, mask.end(), +1)
        if sum(kind == "c" for kind, _ in before + after) < 4:
            continue
        for a in range(len(before) + 1):
            for b in range(len(after) + 1):
                used_before, used_after = before[:a], after[:b]
                if sum(kind == "c" for kind, _ in used_before + used_after) < 4:
                    continue
                if (before and before[0][0] == "c" and a == 0) or (after and after[0][0] == "c" and b == 0):
                    continue
                edge_before = "" if before and before[0][0] == "c" else f"(?<!{FILL})"
                edge_after = "" if after and after[0][0] == "c" else f"(?!{FILL})"
                pattern = ("".join(element_pattern(*e) for e in reversed(used_before)) + edge_before
                           + f"{FILL}{{{len(mask[0])}}}" + edge_after
                           + "".join(element_pattern(*e) for e in used_after))
                if re.search(pattern, editorial):
                    return True
    return False


SMALL = st.sampled_from("来华签证邀请函的12，、")  # few characters: many near coincidences


@settings(max_examples=300, deadline=None)
@given(before=st.text(SMALL, max_size=6), mask=st.integers(1, 3), after=st.text(SMALL, max_size=6),
       other=st.sampled_from(["", "、**", "**、", "和*"]), editorial=st.text(st.sampled_from("来华签证邀请函的12，、*"),
                                                                          min_size=1, max_size=14))
def test_the_check_agrees_with_the_brute_force_matcher(before, mask, after, other, editorial):
    from generator.diagnostics import Diagnostics
    from generator.maskfill import EditorialText, Text, check_mask_fills, passages_of

    text = (other + before + "*" * mask + after) if other.endswith("*") or other == "" else (
        before + "*" * mask + after + other)
    diagnostics = Diagnostics(Path("."))
    check_mask_fills(passages_of([Text("zh", text, Path("a.md"), 1)]),
                     [EditorialText("x", "zh", editorial, Path("b.yml"), 1)],
                     [], diagnostics, public=True)
    assert bool(diagnostics.errors) == brute_force_fill(text, editorial), (text, editorial)


def test_a_fill_is_reported_again_by_a_build_from_the_cache_and_gone_once_fixed(tmp_path):
    config = project_with(tmp_path, label="来华签证邀请函")
    for _ in range(2):  # the second build replays what the first found in the unchanged report
        code, out, err = run_cli("build", "--config", str(config))
        assert code == 1 and "content/2021/metrics.yml:3: error: the label of the figure 'countries' fills in" in err
    metrics = tmp_path / "content/2021/metrics.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("来华签证邀请函", "签证邀请函"), encoding="utf-8")
    code, out, err = run_cli("build", "--config", str(config))
    assert code == 0 and "fills in" not in err


@pytest.mark.parametrize("label", ["来华签证邀请函", "来中国签证邀请函"])
def test_with_fixed_masks_a_fill_of_any_length_is_found(tmp_path, label):
    """`masks: fixed` writes every mask as ***: its length tells nothing, so neither may the fill's."""
    config = project_with(tmp_path, label=label)
    config.write_text(config.read_text(encoding="utf-8") + "masks: fixed\n", encoding="utf-8")
    code, found = fills(config)
    assert code == 1 and len(found) == 1 and found[0].endswith("has '来***签证邀请函'"), found


# What a tester found the first version missed: each is published as the editor wrote it, so each
# must be found. (where the editorial text goes, the text, what the editor wrote)
SECOND = ("对在**、**、**和**的企业开展线上安全巡查。**危机爆发后，迅速排查。组织**个国家的外籍人士观赛。"
          "举办****年“祖国在你身后”领事保护活动。")
MASKED_SUMMARY = 'summary: "** firms"'
MISSES = [
    ("label", "办理来&#21326;签证邀请函"),  # an HTML entity: the page shows 华
    ("title", "办理来&#21326;签证邀请函"),
    ("image", "![签证](x.png \"办理来华签证邀请函\")"),  # an image's title
    ("image", "![办理来`华`签证邀请函](x.png)"),
    ("label", "办理来华\u200b签证邀请函"),  # a zero-width space
    ("label", "办理来华\u00ad签证邀请函"),  # a soft hyphen
    ("label", "“来华”签证邀请函"),  # quotation marks
    ("summary", "对在美国、日本、韩国和德国的企业"),  # a list of masks, every one filled
    ("summary", "对在美国、日本、韩国和**的企业开展线上安全巡查"),  # three of four
    ("summary", "俄乌危机爆发后，迅速排查"),  # a mask after punctuation
    ("label", "组织 12 个国家的外籍人士"),  # spaces around a figure
    ("site", "外办年报·来华签证邀请函"),  # the site's own title
    ("text", "逾百（来华签证邀请函）"),  # a figure's text
    ("label", "办理来华\ufe00签证邀请函"),  # a variation selector
    ("label", "办理来华\U000e0041签证邀请函"),  # an invisible tag character
    ("label", "办理来华\u3164签证邀请函"),  # a Hangul filler
    ("label", "办理来华\u0301签证邀请函"),  # a combining mark
    ("label", "举办二〇二二年“祖国在你身后”"),  # the year with 〇
    ("label", "举办٢٠٢٢年“祖国在你身后”"),  # digits of another script
    ("note", "The official text: 办理来华签证邀请函"),  # Chinese quoted in an English note
]


@pytest.mark.parametrize("where, written", MISSES)
def test_what_the_first_version_missed_is_found(tmp_path, where, written):
    first = TEXT + ("\n\n![图](x.png)" if where != "image" else "\n\n" + written)
    extra = {"text": f"    text: {{zh: \"{written}\", en: x}}\n    value: 100\n",
             "note": f"    note: {{zh: 说明, en: \"{written}\"}}\n"}.get(where, "")
    config = project_with(tmp_path, zh_body=first, label=written if where == "label" else "国家", extra=extra)
    if where == "text":  # a figure with text has a value, not a mask
        metrics = tmp_path / "content/2021/metrics.yml"
        metrics.write_text(metrics.read_text(encoding="utf-8").replace('    mask: "**"\n', ""), encoding="utf-8")
    second = tmp_path / "content/2021/02-second.zh.md"
    second.write_text(f"---\ntitle: 第二部分\n{'summary: ' + written if where == 'summary' else ''}\n---\n\n"
                      f"{SECOND}\n", encoding="utf-8")
    (tmp_path / "content/2021/02-second.en.md").write_text(
        f"---\ntitle: Part two\n{MASKED_SUMMARY if where == 'summary' and '*' in written else ''}\n---\n\nWe inspected firms in **, **, ** and ** online. When the ** crisis "
        "broke out, we checked. We organised viewing for people from ** countries. We held the **** "
        "consular protection event.\n", encoding="utf-8")
    if where == "title":
        section = tmp_path / "content/2021/01-first.zh.md"
        section.write_text(section.read_text(encoding="utf-8").replace("title: 第一部分", f"title: \"{written}\""),
                           encoding="utf-8")
    if where == "site":
        config.write_text(config.read_text(encoding="utf-8").replace("测试年报", written), encoding="utf-8")
    code, found = fills(config)
    assert code == 1 and found, (where, written)


@pytest.mark.parametrize("summary", [
    "2023年外事工作的总体思路。",  # 2023年 is no fill of ，**外事工作: the fill would run on into a longer word
    "做好在京外籍人士防疫。",  # 在京外 stands in clear in the text
])
def test_what_the_first_version_took_for_a_fill_is_none(tmp_path, summary):
    body = "推动，**外事工作取得进展。落实在*外籍人士防疫管理措施。组织在京外籍人士观赛。"
    config = project_with(tmp_path, zh_body=body, zh_front=f"summary: {summary}\n")
    assert fills(config) == (0, [])


def test_one_fill_is_one_message_however_many_passages_it_fills(tmp_path):
    body = "配合举办**冬奥会友城合作发展论坛。总结固化**冬奥会外国领导人接待工作。"
    code, found = fills(project_with(tmp_path, zh_body=body, label="配合举办北京冬奥会友城合作发展论坛"))
    assert code == 1 and len(found) == 1, found


def test_english_digits_between_spaces_are_no_words_the_text_states():
    """'the 2022 ' elsewhere in the text does not make 'the 2022 “Your Motherland…' no fill of
    'the **** “Your Motherland…': spaces on both sides say nothing of what stands between."""
    from generator.diagnostics import Diagnostics
    from generator.maskfill import EditorialText, Text, check_mask_fills, passages_of

    masked = Text("en", "such as the **** “Your Motherland Stands Behind You” drama", Path("a.md"), 1)
    clear = [masked, Text("en", "in the 2022 report", Path("a.md"), 3)]
    diagnostics = Diagnostics(Path("."))
    check_mask_fills(passages_of([masked]), [EditorialText("x", "en", "such as the 2022 “Your Motherland Stands "
                                                                       "Behind You”", Path("b.yml"), 1)],
                     clear, diagnostics, public=True)
    assert len(diagnostics.errors) == 1


# What an editor may save, one file at a time, while the dev server keeps what the check found in
# each text: a label that fills a mask or not, a figure masked or stated, a text whose mask moved,
# grew or went, lines shifted, and `masks: fixed` set or not.
LABELS = ["国家", "来华签证邀请函", "来中国签证邀请函", "组织12个国家的外籍人士", "办理来华签证"]
BODIES = [TEXT, "\n\n" + TEXT, TEXT.replace("来*签证", "来**签证"), TEXT.replace("来*签证", "来华签证"),
          TEXT.replace("{{ countries }}个", "**个"), TEXT + "\n\n又办理去*签证邀请函。"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["label", "figure", "body", "summary", "fixed"]), st.integers(0, 5)),
                min_size=1, max_size=6))
@example([("label", 2), ("body", 2), ("body", 0)])  # a two-character fill: of no mask, then of one, then of none
@example([("label", 3), ("figure", 0), ("figure", 0)])  # the label states the figure: masked, then stated, then masked
def test_a_cache_kept_over_saves_finds_what_a_fresh_check_finds(tmp_path_factory, saves):
    """The dev server's cache (what the check found in each text and passage, kept in memory) over a
    sequence of saves: after each, the same problems as a build without any cache."""
    from generator.build import build
    from generator.cache import BuildCache

    root = tmp_path_factory.mktemp("saves")
    config = project_with(root)
    kept = BuildCache(mask_fill={})  # as the dev server keeps it
    fixed, label, masked = False, 0, True
    for what, choice in [("label", 0), *saves]:
        if what in ("label", "figure"):
            label, masked = (choice, masked) if what == "label" else (label, not masked)
            metric = METRIC.format(zh=LABELS[label % len(LABELS)], extra="")
            (root / "content/2021/metrics.yml").write_text(
                "metrics:\n" + (metric if masked else metric.replace('mask: "**"', "value: 12")), encoding="utf-8")
        elif what == "body":
            section = root / "content/2021/01-first.zh.md"
            section.write_text(f"---\ntitle: 第一部分\n---\n\n{BODIES[choice]}\n", encoding="utf-8")
        elif what == "summary":
            section = root / "content/2021/01-first.zh.md"
            body = section.read_text(encoding="utf-8").partition("---\n\n")[2]
            summary = f"summary: {LABELS[choice % len(LABELS)]}。\n" if choice else ""
            section.write_text(f"---\ntitle: 第一部分\n{summary}---\n\n{body}", encoding="utf-8")
        else:
            fixed = not fixed
            text = config.read_text(encoding="utf-8").replace("masks: fixed\n", "")
            config.write_text(text + ("masks: fixed\n" if fixed else ""), encoding="utf-8")
        served = build(config, write=False, cache=kept, search=False, pdfs=False)
        fresh = build(config, write=False, search=False, pdfs=False)
        assert [item.format("en") for item in served.diagnostics.sorted()] == \
               [item.format("en") for item in fresh.diagnostics.sorted()], (what, choice)
    assert kept.mask_fill  # the check's parts were kept, and taken by each build after the first


def test_a_fill_is_reported_at_its_line_after_lines_were_added_above_it(tmp_path):
    """The check's result for a report is kept while what it depends on is the same: the lines of
    the site config and of report.yml, where fills are reported, are part of that."""
    from generator.build import build
    from generator.cache import BuildCache

    config = project_with(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + "footer: {zh: 办理来华签证邀请函, en: Footer}\n",
                      encoding="utf-8")
    report = tmp_path / "content/2021/report.yml"
    report.write_text(report.read_text(encoding="utf-8").replace("一年的工作。", "办理来华签证邀请函。"),
                      encoding="utf-8")
    kept = BuildCache(mask_fill={})

    def reported(cache) -> list[str]:
        result = build(config, write=False, cache=cache, search=False, pdfs=False)
        return [item.format("en").splitlines()[0] for item in result.diagnostics.sorted()]

    first = reported(kept)
    assert any("site_config.yml" in line for line in first) and any("report.yml" in line for line in first), first
    config.write_text("base_url: https://example.org/reports/\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    # report.yml a line longer and a newline shorter: the same size, and its time set back
    text, status = report.read_text(encoding="utf-8"), report.stat()
    report.write_text("\n" + text.rstrip("\n"), encoding="utf-8")
    os.utime(report, ns=(status.st_atime_ns, status.st_mtime_ns))
    kept.texts.clear()  # as the dev server forgets the saved files
    assert reported(kept) == reported(None) != first
