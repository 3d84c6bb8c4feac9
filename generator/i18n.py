"""Interface strings in every language, from the theme's one translations file.

``translations.yml`` holds each string once with all its languages side by
side (``skip_link: {zh: 跳到正文, en: Skip to content}``), so a translator sees
both and a template never holds words of its own. A project may override
strings with a ``translations.yml`` in its own templates folder.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .diagnostics import Diagnostics
from .sources import read_text
from .schema import ValuesHook
from .yamlfile import YamlError, parse_yaml

TRANSLATIONS_FILE = "translations.yml"


@dataclass(frozen=True)
class Translations:
    strings: dict[str, dict[str, str]]
    fixed_masks: bool = False  # `masks: fixed`: a mask's label tells no length

    def get(self, key: str, lang: str, **values: object) -> str:
        try:
            text = self.strings[key][lang]
        except KeyError:
            raise KeyError(f"no '{lang}' text for the interface string '{key}' in {TRANSLATIONS_FILE}") from None
        return text.format(**values) if values else text

    @cached_property
    def digest(self) -> str:
        """Identifies these strings, for caches of what was rendered with them."""
        data = json.dumps([self.strings, self.fixed_masks], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()[:16]

    def html_langs(self) -> dict[str, str]:
        """Each language's code for HTML ``lang`` attributes: ``{"zh": "zh-CN", "en": "en"}``."""
        return dict(self.strings.get("html_lang", {}))

    def mask_label(self, lang: str, length: int, rest: str = "") -> str:
        """What a screen reader says for a mask of ``length`` characters; ``rest``: the zeros
        of a masked figure written in full (*,**0,000), read after its masked digits."""
        if self.fixed_masks:
            return self.get("mask_label_fixed", lang)
        if rest:
            return self.get("mask_label_figure_one" if length == 1 else "mask_label_figure", lang, n=length, rest=rest)
        key = "mask_label_one" if length == 1 else "mask_label"
        return self.get(key, lang, n=length)


def translation_files(folders: list[Path]) -> list[Path]:
    """The interface strings' files of ``folders``, in their order, each once."""
    files = [folder / TRANSLATIONS_FILE for folder in folders if (folder / TRANSLATIONS_FILE).is_file()]
    return list(dict.fromkeys(p.resolve() for p in files))


def load_translations(folders: list[Path], languages: list[str], diagnostics: Diagnostics,
                      fixed_masks: bool = False, values: ValuesHook | None = None,
                      known: dict | None = None) -> Translations:
    """Merge the files of ``folders`` (later ones win key by key) and check every language is there.
    ``values``: see ``schema.parse_and_validate``; ``known``: see ``sources.read_text``."""
    strings: dict[str, dict[str, str]] = {}
    files = translation_files(folders)
    for path in files:
        text = read_text(path, diagnostics, known=known)
        if text is None:
            continue
        try:
            document = parse_yaml(text)
        except YamlError as exc:
            diagnostics.error(path, exc.message, line=exc.line, column=exc.column, hint=exc.hint)
            continue
        if values is not None:
            values(document, path, diagnostics)
        if not isinstance(document.data, dict):
            diagnostics.error(path, "the translations file must map each key to {zh: …, en: …}", line=1)
            continue
        for key, texts in document.data.items():
            line, column = document.line_of((key,))
            if isinstance(texts, dict):  # a text as typed: en: yes is the word, not true
                texts = {lang: document.typed.get((key, lang), text) for lang, text in texts.items()}
            if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
                diagnostics.error(path, f"'{key}' must map languages to texts", line=line, column=column,
                                  hint=f"{key}: {{zh: …, en: …}}")
                continue
            strings.setdefault(str(key), {}).update({str(k): v for k, v in texts.items()})
    for key, texts in strings.items():
        missing = [lang for lang in languages if lang not in texts]
        if missing:
            diagnostics.error(files[-1] if files else TRANSLATIONS_FILE,
                              f"the interface string '{key}' has no text for {', '.join(missing)}",
                              hint=f"add it to {TRANSLATIONS_FILE} in the templates folder")
    return Translations(strings, fixed_masks)
