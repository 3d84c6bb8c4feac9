"""nianbao check reviews what reviewers usually miss; nianbao translated and nianbao new report."""

import re
import shutil

import yaml

from conftest import REPO, run_cli, section


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if any(kind in line for kind in (": warning: ", ": error: ", ": 警告: ", ": 错误: "))]


def test_out_of_date_translation_names_the_changed_paragraphs(project, tmp_path):
    config = project({"content/2021/01-first.zh.md": section("第一部分", "第一段。\n\n第二段。\n\n第三段。"),
                      "content/2021/01-first.en.md": section("Part one", "One.\n\nTwo.\n\nThree.")})
    code, out, _ = run_cli("translated", str(tmp_path / "content/2021/01-first.en.md"))
    assert code == 0 and "recorded as in line with 01-first.zh.md (3 blocks)" in out
    assert "translated_from:" in (tmp_path / "content/2021/01-first.en.md").read_text()
    _, _, err = run_cli("check", "--config", str(config))
    assert not any("01-first.en.md" in w and "translation" in w for w in warnings_of(err))
    (tmp_path / "content/2021/01-first.zh.md").write_text(section("第一部分", "第一段。\n\n第二段已修改。\n\n第三段。"),
                                                          encoding="utf-8")
    code, _, err = run_cli("check", "--config", str(config))
    assert ("content/2021/01-first.en.md:1: warning: the translation is out of date: block(s) 2 of "
            "01-first.zh.md changed since it was brought in line") in warnings_of(err)
    assert code == 0
    assert run_cli("check", "--strict", "--config", str(config))[0] == 1


def test_unrecorded_translation_unused_figure_missing_alt_and_summary(project, tmp_path):
    metrics = "metrics:\n  - id: unused\n    label: {zh: 未用, en: unused}\n    value: 3\n" \
              "    unit: {zh: 个, en: items}\n    section: first\n"
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/02-second.en.md": section("Part two", "![](chart.png)")})
    _, _, err = run_cli("check", "--config", str(config))
    found = warnings_of(err)
    assert "content/2021/metrics.yml:2: warning: the figure 'unused' is defined but never shown" in found
    assert "content/2021/02-second.en.md:5: warning: the image 'chart.png' has no alternative text" in found
    # one warning per kind and report, listing the files, where there are several
    assert ("content/2021: warning: 4 sections have no summary: 01-first.en.md, 01-first.zh.md, 02-second.en.md, "
            "02-second.zh.md") in found
    assert ("content/2021: warning: 2 translations do not record which version of their original they translate: "
            "01-first.en.md, 02-second.en.md") in found
    assert not [w for w in found if "01-first.en.md:1: warning" in w]
    # alone, a file's warning stands at its line
    config = project({"content/2021/02-second.zh.md": None, "content/2021/02-second.en.md": None,
                      "content/2021/01-first.zh.md": "---\ntitle: 一\nsummary: 摘要\n---\n\n正文。\n",
                      "content/2021/01-first.en.md": "---\ntitle: One\n---\n\nText.\n",
                      "content/2021/metrics.yml": None})
    found = warnings_of(run_cli("check", "--config", str(config))[2])
    assert ("content/2021/01-first.en.md:1: warning: nothing records which version of 01-first.zh.md this "
            "translates") in found and "content/2021/01-first.en.md:1: warning: the section has no summary" in found


def test_broken_anchor_is_an_error(project):
    config = project({"content/2021/02-second.en.md": section("Part two", "See [part one](01-first.en.md#p9).")})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1
    assert "content/2021/02-second.en.md:5: error: the link's anchor '#p9' is not on the page it leads to" in err


def test_the_shipped_report_passes_the_review(tmp_path):
    code, _, err = run_cli("check", "--config", str(REPO / "site_config.yml"))
    # only the footer fields that a real deployment must fill in (site_config.yml)
    assert code == 0
    assert all("site_config.yml" in w for w in warnings_of(err)), warnings_of(err)
    assert len(warnings_of(err)) == 4


def test_new_report_starts_from_the_latest(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/three-years", project)
    code, out, _ = run_cli("new", "report", "2023", "--config", str(project / "site_config.yml"))
    assert code == 0 and "created content/2023/ from 2022" in out
    new = project / "content/2023"
    assert sorted(p.name for p in new.iterdir()) == ["01-visits.en.md", "01-visits.zh.md", "metrics.yml", "report.yml"]
    meta = yaml.safe_load((new / "report.yml").read_text(encoding="utf-8"))
    assert meta["year"] == 2023 and "date" not in meta and meta["title"]["zh"] == "2023年工作总结"
    metrics = yaml.safe_load((new / "metrics.yml").read_text(encoding="utf-8"))["metrics"]
    old = yaml.safe_load((project / "content/2022/metrics.yml").read_text(encoding="utf-8"))["metrics"]
    assert [m["id"] for m in metrics] == [m["id"] for m in old]
    assert all("value" not in m and "mask" not in m for m in metrics)
    # the text emptied, the charts kept (their years moved on): the structure lines up with last year's
    assert (new / "01-visits.zh.md").read_text(encoding="utf-8").startswith(
        "---\ntitle: 来访与合作\n---\n\n```chart\ntype: donut\n")
    assert "2023年，单位：个" in (new / "01-visits.zh.md").read_text(encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(project / "site_config.yml"))
    assert code == 0, err  # a new report builds at once; its figures are still to be filled in
    assert "warning: 6 figures have no value yet: delegations, agreements" in err
    # and lines up with the earlier years: the across-years chart has the new year, not drawn yet
    html = (project / "site/zh/2023/figures/index.html").read_text(encoding="utf-8")
    assert "2023年" in html and "未绘出" in html
    assert run_cli("new", "report", "2023", "--config", str(project / "site_config.yml"))[0] == 1


def test_review_and_figure_messages_speak_chinese(project, tmp_path):
    from test_metrics import METRICS_BAD

    cases = [
        {"content/2021/metrics.yml": METRICS_BAD},
        {"content/2021/metrics.yml": "metrics:\n  - id: unused\n    label: {zh: 未用, en: unused}\n"
                                     "    unit: {zh: 个, en: items}\n    section: first\n",
         "content/2021/02-second.en.md": section("Part two", "![](chart.png) [x](01-first.en.md#p9)")},
        {"content/2021/01-first.zh.md": section("第一部分", "甲。\n\n```chart\ntype: bar\nmetrics: [nope]\n```")},
    ]
    for changes in cases:
        _, _, err = run_cli("check", "--lang", "zh", "--config", str(project(changes)))
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and all(re.search(r"[\u4e00-\u9fff]", line) for line in lines), lines


def test_a_report_just_started_is_summed_up_not_listed_line_by_line(tmp_path):
    """Sections without text and figures without values, one warning per kind (issue 13, point 4)."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/three-years", project)
    assert run_cli("new", "report", "2023", "--config", str(project / "site_config.yml"))[0] == 0
    code, _, err = run_cli("check", "--config", str(project / "site_config.yml"), "--lang", "zh")
    found = [w for w in warnings_of(err) if "content/2023" in w]
    assert "content/2023: 警告: 2个部分还没有正文：01-visits.en.md, 01-visits.zh.md" in found, found
    assert not [w for w in found if "没有用到" in w]  # a figure still to be filled in is not "unused"
    assert len(found) <= 5, found
