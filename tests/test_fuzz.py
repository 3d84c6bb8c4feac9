"""Property-based tests: generated Markdown, front matter, report.yml, metrics.yml and chart blocks —
valid, broken and hostile — end in a good build or in content errors with exit 1 and a message that
names a file; never a traceback, a hang or a partial site.

CI runs a bounded number of examples. A long campaign:

    NIANBAO_FUZZ_EXAMPLES=5000 NIANBAO_FUZZ_RANDOM=1 .venv/bin/python -m pytest tests/test_fuzz.py
"""

import os
import signal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, run_cli, write_project

EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "40"))
# CI replays the same examples; a campaign (NIANBAO_FUZZ_RANDOM=1) explores new ones each run.
RANDOM = os.environ.get("NIANBAO_FUZZ_RANDOM") == "1"
SPECIAL = list("*_[](){}<>#-+`!|:\\\"'&%$\n \t") + ["---", "```", "{{", "}}", ".withheld", "**", "\r\n",
                                                      "<script>", "javascript:", "\u200b", "\ufeff", "\x00"]
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=8)), max_size=40).map("".join)
YAML_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
                          lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                  st.dictionaries(st.sampled_from(
                                                      ["title", "zh", "en", "year", "id", "value", "mask", "label",
                                                       "unit", "section", "metrics", "type", "summary", "date"]),
                                                      inner, max_size=5)), max_leaves=12)


def yaml_text(value) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True) if not isinstance(value, str) else value


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def check_run(root, files) -> None:
    config = write_project(root, {**MINIMAL, **files})
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    try:
        code, out, err = run_cli("build", "--config", str(config))
    finally:
        signal.alarm(0)
    assert code in (0, 1), err
    assert "Traceback" not in out + err and "internal error" not in err
    if code == 1:
        assert ": error: " in err  # file: line: error: message
        assert not (root / "site").exists()
    else:
        assert (root / "site" / "index.html").is_file()


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@FUZZ
@given(body=TEXT, front=YAML_VALUE)
def test_generated_sections(tmp_path_factory, body, front):
    check_run(tmp_path_factory.mktemp("f"), {"content/2021/01-first.zh.md": f"---\n{yaml_text(front)}---\n{body}\n"})


@FUZZ
@given(report=YAML_VALUE, metrics=YAML_VALUE)
def test_generated_report_and_metrics(tmp_path_factory, report, metrics):
    check_run(tmp_path_factory.mktemp("f"), {"content/2021/report.yml": yaml_text(report),
                                             "content/2021/metrics.yml": yaml_text(metrics)})


@FUZZ
@given(chart=YAML_VALUE, value=st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT))
def test_generated_chart_blocks(tmp_path_factory, chart, value):
    metrics = f"metrics:\n  - id: a\n    label: {{zh: 甲, en: a}}\n    value: {value!r}\n" \
              "    unit: {zh: 个, en: x}\n    section: first\n"
    body = f"正文。\n\n```chart\n{yaml_text(chart)}```\n\n{{{{ a }}}}"
    check_run(tmp_path_factory.mktemp("f"), {"content/2021/metrics.yml": metrics,
                                             "content/2021/01-first.zh.md": f"---\ntitle: 第一部分\n---\n\n{body}\n"})
