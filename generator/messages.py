"""Messages to editors in their language.

Diagnostics are written in English where they arise; this module shows them in
the editor's language (``--lang``, else the system locale) through a catalog,
``messages.yml``, of English patterns and their translations:

    - en: "unknown key '{key}' in {what}"
      zh: "{what}中有未知的键“{key}”"

A ``{name}`` in a pattern matches any text, which the translation repeats; a
message without a pattern is shown in English (the tests check that every
message the tests meet has one).
"""

from __future__ import annotations

import locale
import os
import re
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG = Path(__file__).with_name("messages.yml")
LANGUAGES = ("en", "zh")


def system_language() -> str:
    """NIANBAO_LANG if set; else zh where the system's locale is Chinese, else en."""
    if os.environ.get("NIANBAO_LANG") in LANGUAGES:
        return os.environ["NIANBAO_LANG"]
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = (locale.getlocale()[0] or "").lower()
    return "zh" if code.startswith("zh") else "en"


class _Entry:
    """A pattern and its translation. The pattern is compiled when first tried: most messages are
    never shown, and compiling all 538 took 0.08 s of every command in Chinese. A text that does
    not start with the pattern's literal beginning is passed over without it."""

    def __init__(self, english: str, translation: str):
        self.parts = re.split(r"\{(\w+)\}", english)
        self.translation = translation
        self._pattern: re.Pattern[str] | None = None

    def match(self, text: str) -> re.Match[str] | None:
        if not text.startswith(self.parts[0]):
            return None
        if self._pattern is None:
            regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(self.parts))
            self._pattern = re.compile(f"^{regex}$", re.S)
        return self._pattern.match(text)


@lru_cache(maxsize=None)
def _catalog(lang: str) -> tuple[_Entry, ...]:
    """The entries for ``lang``, in the catalog's order: the first that matches wins."""
    # libyaml's loader where PyYAML has it: the pure-Python one took 0.15 s of every command in Chinese.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(CATALOG.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 — a safe loader
    return tuple(_Entry(item["en"], item[lang]) for item in data["messages"] if lang in item)


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def translate(text: str, lang: str, depth: int = 0) -> str:
    """``text`` in ``lang``; unchanged for English or where the catalog has no pattern for it.
    What a pattern's ``{name}`` matched is translated too ("the text 'abc'" inside a message)."""
    if lang == "en" or not text or depth > 5:
        return text
    for entry in _catalog(lang):
        match = entry.match(text)
        if match:
            values = {k: translate(v, lang, depth + 1) for k, v in match.groupdict().items()}
            return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), entry.translation)
    return text


def has_translation(text: str, lang: str) -> bool:
    return not text or any(entry.match(text) for entry in _catalog(lang))
