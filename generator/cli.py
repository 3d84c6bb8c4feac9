"""The ``nianbao`` command.

Exit codes: 0 success, 1 content errors (or warnings with --strict),
2 usage errors. Content problems are printed as ``file:line:column: error:
message`` with a hint, all of them at once; a traceback never reaches an
editor: an unexpected failure is reported as an internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import __version__
from .build import BuildResult, build
from .cache import BuildCache, load_cache, save_cache
from .diagnostics import Severity
from .messages import LANGUAGES, system_language, translate
from .withheld import EDITIONS, PUBLIC

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, as argparse does, with our wording
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"nianbao: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nianbao", description="Build a bilingual annual-report website from Markdown and YAML.")
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--config", type=Path, default=Path("site_config.yml"), metavar="PATH",
                         help="the site config file (default: site_config.yml); "
                              "every path in it is relative to it")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("--edition", choices=EDITIONS, default=PUBLIC,
                         help="public (default): withheld content masked, and every file checked for leaks; "
                              "internal: withheld content shown and marked, for review, into <output>-internal/")
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        sub.add_argument("-v", "--verbose", action="store_true", help="also print each stage's time and the files written")
        sub.add_argument("--lang", choices=LANGUAGES, default=None,
                         help="the language of messages: zh or en (default: the system's locale)")

    build_cmd = commands.add_parser("build", help="build the site into the output folder",
                                    description="Build the site. The output folder is replaced only when "
                                                "the whole build succeeds.")
    common(build_cmd)
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="output folder (default: 'output' of the site config, normally site/)")
    build_cmd.add_argument("--clean", action="store_true",
                           help="build everything anew, without the cache the last build left in .nianbao-cache/")
    check_cmd = commands.add_parser("check", help="check the content and templates, write nothing",
                                    description="Run every stage of a build except writing, "
                                                "and report every problem found.")
    common(check_cmd)
    serve_cmd = commands.add_parser("serve", help="preview the site, rebuilt and reloaded on every save",
                                    description="Build the site in memory, serve it on 127.0.0.1 and rebuild "
                                                "it whenever a file of the project changes; open pages "
                                                "reload by themselves.")
    common(serve_cmd)
    serve_cmd.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000)")
    serve_cmd.add_argument("--open", action="store_true", help="open the site in the default browser")
    new_cmd = commands.add_parser("new", help="start something new: nianbao new report 2023",
                                  description="Create the next report from the latest one: the same sections "
                                              "with empty bodies, report.yml for the new year, and metrics.yml "
                                              "with the same ids and labels but no values.")
    new_cmd.add_argument("what", choices=["report"], help="what to create")
    new_cmd.add_argument("id", help="the new report's folder name, normally its year")
    new_cmd.add_argument("--from", dest="source", metavar="ID",
                         help="the report to start from (default: the latest)")
    new_cmd.add_argument("--config", type=Path, default=Path("site_config.yml"), metavar="PATH",
                         help="the site config file (default: site_config.yml)")
    verify_cmd = commands.add_parser("verify", help="check a deployed copy of the site against its manifest",
                                     description="Compare the files of DIR with the manifest.json a build wrote "
                                                 "there; name every file missing, changed or added.")
    verify_cmd.add_argument("folder", type=Path, metavar="DIR", help="the site folder, e.g. site/ or a deployed copy")
    translated_cmd = commands.add_parser(
        "translated", help="record that a translation is in line with its original",
        description="Write into the translation's front matter a fingerprint of each paragraph of the "
                    "original as it is now; nianbao check then names the paragraphs that change.")
    translated_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE", help="translations, e.g. 01-x.en.md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    lang = getattr(args, "lang", None) or system_language()
    try:
        if args.command == "serve":
            from .serve import serve

            return serve(args.config, port=args.port, open_browser=args.open, edition=args.edition, lang=lang)
        if args.command == "verify":
            from .manifest import verify

            return verify(args.folder)
        if args.command == "translated":
            from .translated import mark_translated

            return max(mark_translated(path) for path in args.files)
        if args.command == "new":
            from .new import new_report

            return new_report(args.config, args.id, args.source)
        # A build starts from what the last good build of the same edition left; check starts clean.
        root = args.config.resolve().parent
        persist = args.command == "build"
        cache = load_cache(root, args.edition) if persist and not args.clean else BuildCache()
        loaded = cache.fingerprint()
        with Progress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
            result = build(args.config, output_dir=getattr(args, "out", None), write=args.command == "build",
                           strict=args.strict, edition=args.edition, review=args.command == "check",
                           progress=progress.stage, cache=cache)
        if persist and result.written and cache.fingerprint() != loaded:
            save_cache(cache, root, args.edition)
    except KeyboardInterrupt:
        print(translate("nianbao: interrupted; the output folder was left as it was", lang), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in nianbao, not in the content: say so without a traceback
        print(f"nianbao: internal error: {type(exc).__name__}: {exc}\n"
              "  the output folder was left as it was. Please report this with the command you ran"
              " (set NIANBAO_DEBUG=1 for details).", file=sys.stderr)
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        return EXIT_INTERNAL
    return report(result, args, lang)


class Progress:
    """A one-line progress display on a terminal, for builds that take more than a moment."""

    DELAY = 0.4  # seconds before anything is shown: a quick build stays quiet

    def __init__(self, enabled: bool):
        self.enabled, self.start, self.shown = enabled, time.monotonic(), False

    def stage(self, name: str) -> None:
        if self.enabled and time.monotonic() - self.start >= self.DELAY:
            print(f"\r\033[Knianbao: {name} …", end="", file=sys.stderr, flush=True)
            self.shown = True

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def use_colour(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def report(result: BuildResult, args: argparse.Namespace, lang: str = "en") -> int:
    diagnostics = result.diagnostics
    colour = use_colour(sys.stderr)
    for item in diagnostics.sorted():
        if item.severity is Severity.ERROR or not args.quiet:
            print(item.format(lang, colour), file=sys.stderr)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    if diagnostics.has_errors(args.strict):
        why = f"{errors} error(s)" if errors else f"{warnings} warning(s) with --strict"
        print(translate(f"nianbao: {args.command} failed: {why}"
                        + ("; the output folder was left as it was" if args.command == "build" else ""), lang),
              file=sys.stderr)
        return EXIT_CONTENT
    if args.quiet:
        return EXIT_OK
    total = sum(result.timings.values())
    stages = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.timings.items())
    if args.command == "build":
        where = (os.path.relpath(result.output_dir) if result.output_dir else "?") + "/"
        if args.edition != PUBLIC:
            where += " (internal edition: not for publication)"
        line = (f"nianbao: built {result.page_count} pages ({len(result.files)} files) into {where} "
                f"in {total:.2f} s ({stages})" + (f", {warnings} warning(s)" if warnings else ""))
    else:
        line = (f"nianbao: check passed: {result.page_count} pages, no errors"
                + (f", {warnings} warning(s)" if warnings else "") + f" ({total:.2f} s)")
    print(translate(line, lang))
    if args.verbose:
        kinds: dict[str, int] = {}
        for name in result.files:
            kind = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else "other"
            kinds[kind] = kinds.get(kind, 0) + 1
        for name, seconds in result.timings.items():
            print(f"  {name:<12} {seconds * 1000:8.1f} ms")
        print("  files: " + ", ".join(f"{n} .{kind}" for kind, n in sorted(kinds.items())))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
