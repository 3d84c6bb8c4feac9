"""The config stage: ``site_config.yml`` read, checked and resolved to paths.

Every path in the config is relative to the config file, so one installed
``nianbao`` builds any project: ``nianbao build --config other/site_config.yml``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics
from .schema import SiteConfig, display_name, parse_and_validate
from .sources import read_text
from .yamlfile import YamlDocument

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)?$")
THEME_DIR = Path(__file__).resolve().parent / "theme"


@dataclass(frozen=True)
class Project:
    """A loaded site config with its folders resolved."""

    config_path: Path
    root: Path
    config: SiteConfig
    content_dir: Path
    templates_dir: Path
    output_dir: Path

    @property
    def languages(self) -> list[str]:
        return self.config.languages

    @property
    def default_language(self) -> str:
        return self.config.languages[0]


def theme_dir() -> Path:
    """The built-in theme: packaged beside the code, or the repository's templates/."""
    if THEME_DIR.is_dir():
        return THEME_DIR
    return Path(__file__).resolve().parent.parent / "templates"


def load_project(config_path: Path, diagnostics: Diagnostics, withholding: Any = None) -> Project | None:
    """The project of ``config_path``; ``withholding`` (a ``withheld.Withholding``) learns from
    it whether masks are fixed, and masks what its texts withhold."""
    if not config_path.is_file():
        diagnostics.error(config_path, "the site config file does not exist",
                          hint="run nianbao in the project folder, or name the file with --config PATH")
        return None
    text = read_text(config_path, diagnostics)
    if text is None:
        return None
    def values(document: YamlDocument, path: Path, diagnostics: Diagnostics) -> None:
        if withholding is not None:  # how masks are written decides how its own texts are masked
            withholding.fixed_masks = isinstance(document.data, dict) and document.data.get("masks") == "fixed"
            withholding.values(document, path, diagnostics)

    config, document = parse_and_validate(SiteConfig, text, config_path, diagnostics, "site_config.yml",
                                          values=values)
    if config is None or document is None:
        return None
    before = len(diagnostics.errors)
    _check_languages(config, document, config_path, diagnostics)
    _check_folders(config, document, config_path, diagnostics)
    for key in ("title", "short_title", "organisation", "footer"):
        check_localized(getattr(config, key), config.languages, document, (key,), config_path,
                        diagnostics)
    if len(diagnostics.errors) > before:
        return None
    root = config_path.resolve().parent
    return Project(config_path=config_path, root=root, config=config,
                   content_dir=root / config.content, templates_dir=root / config.templates,
                   output_dir=root / config.output)


def _check_languages(config: SiteConfig, document: YamlDocument, path: Path,
                     diagnostics: Diagnostics) -> None:
    seen: set[str] = set()
    for index, code in enumerate(config.languages):
        line, column = document.line_of(("languages", index))
        if not LANGUAGE_CODE.match(code):
            diagnostics.error(path, f"'{code}' is not a language code", line=line, column=column,
                              hint="use codes such as zh and en")
        if code in seen:
            diagnostics.error(path, f"the language '{code}' is listed twice", line=line, column=column)
        seen.add(code)


def _check_folders(config: SiteConfig, document: YamlDocument, path: Path, diagnostics: Diagnostics) -> None:
    """Folders stay inside the project: the output folder is replaced whole at every build."""
    for key in ("content", "templates", "output"):
        value = getattr(config, key)
        parts = Path(value).parts
        if not value.strip() or Path(value).is_absolute() or ".." in parts or value.strip() in (".", "./"):
            line, column = document.line_of((key,))
            diagnostics.error(path, f"'{key}: {value}' must name a folder inside the project", line=line,
                              column=column, hint=f"write a relative path such as {key}: "
                                                  f"{ {'content': 'content', 'templates': 'templates', 'output': 'site'}[key] }")


def check_localized(value: dict[str, str] | None, languages: list[str], document: YamlDocument,
                    loc: tuple, path: Path, diagnostics: Diagnostics) -> None:
    """A ``{zh: …, en: …}`` value must have a non-empty text for every language and no other key."""
    if value is None:
        return
    name = display_name(loc, document.data)
    for key, text in value.items():
        if key not in languages:
            line, column = document.line_of(loc + (key,))
            close = difflib.get_close_matches(key, languages, n=1)
            diagnostics.error(path, f"'{name}' has text for '{key}', which is not a language of this site",
                              line=line, column=column,
                              hint=f"did you mean '{close[0]}'?" if close
                              else f"the site's languages are {', '.join(languages)}")
        elif not text.strip():
            line, column = document.line_of(loc + (key,))
            diagnostics.error(path, f"'{name}.{key}' is empty", line=line, column=column)
    for lang in languages:
        if lang not in value:
            line, column = document.line_of(loc)
            diagnostics.error(path, f"'{name}' has no text for '{lang}'", line=line, column=column,
                              hint=f"add '{lang}: …' under '{name}'")


# What the government website guidelines ask every page's footer to carry.
GOVERNMENT_SITE_FIELDS = {
    "contact": "contact details (联系方式)",
    "site_id_code": "the website identification code (网站标识码)",
    "icp_record": "the ICP record number (ICP备案号)",
    "public_security_record": "the public security record number (公安机关备案号)",
}


def check_government_site_fields(project: Project, diagnostics: Diagnostics) -> None:
    """Warn about footer fields a government website must show and this config lacks."""
    for key, what in GOVERNMENT_SITE_FIELDS.items():
        if getattr(project.config, key) is None:
            diagnostics.warning(project.config_path, f"no '{key}': the footer does not show {what}",
                                hint=f"add '{key}:' to site_config.yml (see docs/reference.md); "
                                     "a government website must show it")
