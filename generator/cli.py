"""The ``nianbao`` command.

Exit codes: 0 success, 1 content errors (or warnings with --strict),
2 usage errors, 3 an internal error. Content problems are printed as
``file:line:column: error: message`` with a hint, all of them at once; a
traceback never reaches an editor: an unexpected failure is reported as an
internal error. Every message is in the editor's language (--lang, else
NIANBAO_LANG, else the system's locale). Without --config, a command uses the
site_config.yml of the current folder or the nearest folder above it.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
import io
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .messages import LANGUAGES, system_language, translate
from .signals import StopOnSignals, Stopped
from .workers import available_cores

# The build's modules are imported when a command needs them: until then (a second, on a slow
# machine) Ctrl-C and SIGTERM would stop the command without a word, before main() handles them.
if TYPE_CHECKING:
    from .build import BuildResult
    from .cache import BuildCache

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    lang = "en"  # the language of usage errors: set on every parser by main() before parsing

    def error(self, message: str) -> None:  # usage errors exit 2, as argparse does, with our wording
        usage = self.format_usage()
        if self.lang != "en":
            usage = usage.replace("usage:", translate("usage:", self.lang), 1)
        sys.stderr.write(usage)
        hint = ""
        wrong = re.match(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        close = difflib.get_close_matches(wrong.group(2), re.findall(r"'([^']*)'", wrong.group(3)), n=1) if wrong else []
        if close:
            meant = f"nianbao {close[0]}" if wrong.group(1) == "COMMAND" else f"{wrong.group(1)} {close[0]}"
            hint = "\n    " + translate(f"hint: did you mean: {meant}?", self.lang)
        self.exit(EXIT_USAGE, translate(f"nianbao: error: {message}", self.lang) + hint + "\n")


def _set_language(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.lang = lang
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _set_language(sub, lang)


def _language_asked(argv: list[str]) -> str | None:
    """--lang X or --lang=X, read before parsing so that a usage error speaks it too."""
    for index, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else \
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None
        if value in LANGUAGES:
            return value
    return None


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port: a number from 1024 to 65535 is best")
    return int(text)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes: 1 or more")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    from .edition import EDITIONS, PUBLIC

    parser = _Parser(prog="nianbao", description="Build a bilingual annual-report website from Markdown and YAML.")
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def language(sub: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
        # Before the command (nianbao --lang zh build) or after it; a command's own default must
        # not hide the one given before it.
        sub.add_argument("--lang", choices=LANGUAGES, default=default,
                         help="the language of messages: zh or en (default: NIANBAO_LANG, else the system's locale)")

    language(parser, default=None)

    def config(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--config", type=Path, default=None, metavar="PATH",
                         help=f"the site config file (default: the {CONFIG_NAME} of this folder or the nearest "
                              "folder above it); every path in it is relative to it")

    def common(sub: argparse.ArgumentParser) -> None:
        config(sub)
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("--edition", choices=EDITIONS, default=PUBLIC,
                         help="public (default): withheld content masked, and every file checked for leaks; "
                              "internal: withheld content shown and marked, for review, into <output>-internal/")
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        sub.add_argument("-v", "--verbose", action="store_true", help="also print each stage's time and the files written")
        sub.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                         help="render and check in N processes (default: one per core; 1: none besides this one)")
        language(sub)

    build_cmd = commands.add_parser("build", help="build the site into the output folder",
                                    description="Build the site. The output folder is replaced only when "
                                                "the whole build succeeds.")
    common(build_cmd)
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="output folder (default: 'output' of the site config, normally site/)")
    build_cmd.add_argument("--clean", action="store_true",
                           help="build everything anew, without the cache the last build left in .nianbao-cache/")
    build_cmd.add_argument("--no-wait", action="store_true",
                           help="when another build of the project is running, stop at once (exit 1) "
                                "instead of waiting for it to end")
    check_cmd = commands.add_parser("check", help="check the content and templates, write nothing",
                                    description="Run every stage of a build except writing, "
                                                "and report every problem found.")
    common(check_cmd)
    serve_cmd = commands.add_parser("serve", help="preview the site, rebuilt and reloaded on every save",
                                    description="Build the site in memory, serve it on 127.0.0.1 and rebuild "
                                                "it whenever a file of the project changes; open pages "
                                                "reload by themselves.")
    common(serve_cmd)
    serve_cmd.add_argument("--port", type=_port, default=8000, help="the port to serve on (default: 8000)")
    serve_cmd.add_argument("--open", action="store_true", help="open the site in the default browser")
    new_cmd = commands.add_parser("new", help="start something new: nianbao new site FOLDER, nianbao new report 2023",
                                  description="Start a project (new site) or next year's report (new report).")
    what = new_cmd.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    what.required = True
    site_cmd = what.add_parser("site", help="write a small project that builds at once",
                               description="Write a new project into FOLDER (new, or empty): site_config.yml with "
                                           "every field explained, one report with two sections in Chinese and "
                                           "English, its figures and a chart, and a .gitignore.")
    site_cmd.add_argument("folder", type=Path, metavar="FOLDER", help="the project folder to create")
    site_cmd.add_argument("--year", type=int, default=None, help="the year of the first report (default: this year)")
    language(site_cmd)
    report_cmd = what.add_parser("report", help="start next year's report from the latest one",
                                 description="Create the next report from the latest one: the same sections "
                                             "and charts with empty texts and summaries, report.yml for the new "
                                             "year, and metrics.yml with the same figures but no values.")
    report_cmd.add_argument("id", help="the new report's folder name, normally its year")
    report_cmd.add_argument("--from", dest="source", metavar="ID",
                            help="the report to start from (default: the latest)")
    config(report_cmd)
    language(report_cmd)
    verify_cmd = commands.add_parser("verify", help="check a deployed copy of the site against its manifest",
                                     description="Compare the files of DIR with the manifest.json a build wrote "
                                                 "there; name every file missing, changed or added.")
    verify_cmd.add_argument("folder", type=Path, metavar="DIR", help="the site folder, e.g. site/ or a deployed copy")
    language(verify_cmd)
    translated_cmd = commands.add_parser(
        "translated", help="record that a translation is in line with its original",
        description="Write into the translation's front matter a fingerprint of each paragraph of the "
                    "original as it is now; nianbao check then names the paragraphs that change.")
    translated_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE", help="translations, e.g. 01-x.en.md")
    translated_cmd.add_argument("--config", type=Path, default=None, metavar="PATH",
                                help=f"the site config, for the order of its languages (default: the {CONFIG_NAME} "
                                     "of the first file's folder or the nearest folder above it)")
    language(translated_cmd)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command of ``argv`` (of the process when None); its exit code. As the program
    (``argv`` None), a signal that comes once the command is done, as Python exits, is ignored:
    the command's result stands."""
    started_ns = time.time_ns()  # before any of the build's code is read (uptodate.record_of)
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else argv
    signals = StopOnSignals()
    # until parsed, which takes a moment: the command as written, for the message of a signal meanwhile
    args = argparse.Namespace(command=next((word for word in argv if not word.startswith("-")), None))
    lang = _language_asked(argv) or system_language()
    try:
        parser = make_parser()
        _set_language(parser, lang)
        args = parser.parse_args(argv)
        lang = getattr(args, "lang", None) or parser.lang
        code = run(args, lang, started_ns)
        if signals.signum is None:
            return code
        # The stop was raised where Python could not pass it on (in a finalizer): the command ran to its end.
        stopped = Stopped(signals.signum, completed=True)
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM (Stopped): what was begun is undone on the way here
        stopped = interrupt if isinstance(interrupt, Stopped) else Stopped(signal.SIGINT)
    except BrokenPipeError:  # what reads our output went away (nianbao build | head): said as a shell says it
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to write, also at exit
        return 128 + signal.SIGPIPE
    except Exception as exc:  # a bug in nianbao, not in the content: say so without a traceback
        if signals.signum is None:
            print(translate(f"nianbao: internal error: {type(exc).__name__}: {exc}", lang) + "\n  "
                  + translate("the output folder was left as it was. Please report this with the command you ran "
                              "(set NIANBAO_DEBUG=1 for details).", lang), file=sys.stderr)
            if os.environ.get("NIANBAO_DEBUG"):
                raise
            return EXIT_INTERNAL
        # The stop itself, made another error by a library it passed through (pydantic-core makes
        # it a SchemaError while it builds a schema): what was begun was undone on the way here too.
        stopped = Stopped(signals.signum)
    finally:
        signals.restore(ignore=as_program)
    print(translate(stopped_message(args, stopped.signum, stopped.completed or signals.completed), lang),
          file=sys.stderr)
    return 128 + stopped.signum


def stopped_message(args: argparse.Namespace, signum: int, completed: bool = False) -> str:
    """The one line said when a signal stops a command: what stopped it, and what was left as it was
    (or, ``completed``, that what it was doing was done first)."""
    if args.command == "serve":
        return "nianbao: stopped" if signum == signal.SIGINT else "nianbao: stopped by SIGTERM"
    how = "interrupted" if signum == signal.SIGINT else "stopped by SIGTERM"
    if args.command == "build":
        return f"nianbao: {how} once the site was written" if completed else \
            f"nianbao: {how}; the output folder was left as it was"
    if args.command in ("new", "translated"):
        return f"nianbao: {how} once the new files were written" if completed else f"nianbao: {how}; nothing was changed"
    return f"nianbao: {how}"


def run(args: argparse.Namespace, lang: str, started_ns: int) -> int:
    if args.command == "new" and args.what == "site":
        from .newsite import new_site

        return new_site(args.folder, args.year, lang)
    if args.command == "verify":
        from .manifest import verify

        with translated_output(lang):
            return verify(args.folder)
    if args.command == "translated":
        from .translated import mark_translated

        # The config is optional here (it tells which language is the original): the files' project's.
        config = site_config(args, args.files[0].parent, lang)
        languages = project_languages(config) if config is not None else None
        return max(mark_translated(path, languages, lang=lang) for path in args.files)
    config = site_config(args, Path.cwd(), lang)
    if config is None:
        print(translate(f"nianbao: no {CONFIG_NAME} in {Path.cwd()} or any folder above it", lang) + "\n    "
              + translate(f"hint: {translate(NO_CONFIG_HINT, lang)}", lang), file=sys.stderr)
        return EXIT_USAGE
    if args.command == "new":
        from .new import new_report

        return new_report(config, args.id, args.source, lang)
    if args.command == "serve":
        from .serve import serve

        with translated_output(lang):
            return serve(config, port=args.port, open_browser=args.open, edition=args.edition, lang=lang)
    from . import uptodate
    from .cache import CACHE_FOLDER, BuildCache, load_cache, save_cache
    from .filesystem import describe
    from .lock import Busy, project_lock

    if args.command == "check":  # it writes nothing, and starts without a cache
        return report(run_build(config, args, BuildCache()), args, lang)
    # A build starts from what the last good build of the same edition left, and saves what it
    # leaves: one build of a project at a time, from reading the cache to saving it.
    root = config.resolve().parent

    def waiting() -> None:
        print(translate("nianbao: another build of this project is running; waiting for it to end …", lang),
              file=sys.stderr, flush=True)

    try:
        with project_lock(root, wait=not args.no_wait, waiting=waiting) as unlocked:
            if unlocked and not args.quiet:
                print(translate(f"nianbao: warning: builds of this project cannot be kept apart here "
                                f"({unlocked}); do not start two at once", lang), file=sys.stderr)
            # Nothing changed since the last good build: the site is left as it is, and the cache unread.
            start = time.perf_counter()
            current = uptodate.up_to_date(root, config, args.edition, args.out) if not args.clean else None
            if current is not None:
                return report_up_to_date(current, args, lang, time.perf_counter() - start)
            cache = load_cache(root, args.edition) if not args.clean else BuildCache()
            # What was loaded lives to the end of the build: the garbage collector need not go through
            # it again and again meanwhile (a second at 1,000 sections). Let go of after, for a caller
            # that runs more than one build (the tests).
            gc.freeze()
            try:
                loaded = cache.fingerprint()
                result = run_build(config, args, cache)
                if result.left_behind is not None:  # the site is written: not an error, but the disk holds it twice
                    print(translate(f"nianbao: warning: the previous site could not be removed after the new one "
                                    f"replaced it: {result.left_behind}; delete it yourself (the next build tries "
                                    "again)", lang), file=sys.stderr)
                if result.written and cache.fingerprint() != loaded:
                    try:
                        save_cache(cache, root, args.edition)
                    except OSError as error:  # the site is written; only the next build's head start is lost
                        fault = describe(error, root / CACHE_FOLDER, "the build cache", out=False)
                        print(translate(f"nianbao: warning: {fault.path}: {fault.message}; the next build starts "
                                        "without it", lang), file=sys.stderr)
                # A build that failed changed no file; one that wrote the site leaves a new record, or none.
                record = uptodate.record_of(result, config, args.edition, args.out, started_ns)
                if record is not None:
                    with contextlib.suppress(OSError):  # only the next build's shortcut is lost
                        uptodate.save(root, args.edition, record)
                elif result.written:
                    uptodate.forget(root, args.edition)
            finally:
                gc.unfreeze()
    except Busy:
        print(translate("nianbao: another build of this project is running: nothing was built", lang) + "\n    "
              + translate("hint: wait for it to end, or leave out --no-wait to wait for it", lang), file=sys.stderr)
        return EXIT_CONTENT
    return report(result, args, lang)


def run_build(config: Path, args: argparse.Namespace, cache: BuildCache) -> BuildResult:
    """``nianbao build`` or ``check`` of ``config`` (check writes nothing, and prints no PDF: it is
    made from the pages it checks, and needs a browser)."""
    from .build import build

    with Progress(enabled=not args.quiet and sys.stderr.isatty()) as progress, _no_garbage_collector():
        return build(config, output_dir=getattr(args, "out", None), write=args.command == "build",
                     strict=args.strict, edition=args.edition, review=args.command == "check",
                     progress=progress.stage, cache=cache, pdfs=args.command == "build",
                     jobs=args.jobs or available_cores(), record_inputs=args.command == "build")


@contextlib.contextmanager
def _no_garbage_collector():
    """A build makes millions of objects that live until it ends: the cycle collector's full passes
    over them took about 1 s of a 1,000-section build and found 9 MB to free. It runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


CONFIG_NAME = "site_config.yml"
NO_CONFIG_HINT = "start a project with: nianbao new site FOLDER; or name the config with --config PATH"


def site_config(args: argparse.Namespace, start: Path, lang: str) -> Path | None:
    """--config as given; else the one ``find_config`` finds from ``start``, named (one line, unless
    -q) when it is not the current folder's, so that the editor knows which project is built."""
    if args.config is not None:
        return args.config
    found = find_config(start)
    if found is not None and found.resolve().parent != Path.cwd().resolve() and not getattr(args, "quiet", False):
        print(translate(f"nianbao: using the site config {found}", lang), file=sys.stderr)
    return found


def find_config(start: Path) -> Path | None:
    """The site_config.yml of ``start`` or of the nearest folder above it, as git finds its
    repository; relative to the current folder, as the editor would write it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        try:
            if candidate.is_file():
                return Path(os.path.relpath(candidate))
        except OSError:  # a folder above that we may not read: look further up
            continue
    return None


def project_languages(config: Path) -> list[str] | None:
    """The site's languages, which decide which file is a translation's original; None (each
    file's siblings decide) when the config cannot be read."""
    from .config import load_project
    from .diagnostics import Diagnostics

    project = load_project(config, Diagnostics(config.resolve().parent))
    return project.languages if project is not None else None


class TranslatedLines(io.TextIOBase):
    """A stream that shows each line written to it in the editor's language, through the same
    catalog as every other message: for the modules that print their own lines in English
    (serve, verify). A line the catalog does not know is shown as written."""

    PREFIX = re.compile(r"^(\s*(?:\[\d\d:\d\d:\d\d\] )?)(.*)$", re.S)  # indentation, serve's time stamp

    def __init__(self, stream, lang: str):
        super().__init__()
        self.stream, self.lang, self.pending, self.lock = stream, lang, "", threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:  # the dev server prints from its watcher thread too
            *lines, self.pending = (self.pending + text).split("\n")
            for line in lines:
                self.stream.write(self.translated(line) + "\n")
        return len(text)

    def translated(self, line: str) -> str:
        prefix, rest = self.PREFIX.match(line).groups()
        return prefix + translate(rest, self.lang)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "encoding", None)

    def fileno(self) -> int:
        return self.stream.fileno()

    def finish(self) -> None:
        if self.pending:
            self.stream.write(self.translated(self.pending))
            self.pending = ""
        self.stream.flush()


@contextlib.contextmanager
def translated_output(lang: str):
    """sys.stdout and sys.stderr as ``TranslatedLines`` for the duration (nothing to do in English)."""
    if lang == "en":
        yield
        return
    saved = sys.stdout, sys.stderr
    wrapped = TranslatedLines(saved[0], lang), TranslatedLines(saved[1], lang)
    sys.stdout, sys.stderr = wrapped
    try:
        yield
    finally:
        for stream in wrapped:
            stream.finish()
        sys.stdout, sys.stderr = saved


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
    from .diagnostics import Severity

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
    stages = ", ".join(f"{translate(name, lang)} {translate(f'{seconds * 1000:.0f} ms', lang)}"
                       for name, seconds in result.timings.items())
    if args.command == "build":
        where = _where(result.output_dir, args.edition)
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
            print(f"  {translate(name, lang):<12} {seconds * 1000:8.1f} {translate('ms', lang)}")
        print("  " + translate("files: " + ", ".join(f"{n} .{kind}" for kind, n in sorted(kinds.items())), lang))
    return EXIT_OK


def report_up_to_date(record, args: argparse.Namespace, lang: str, seconds: float) -> int:
    if not args.quiet:
        print(translate(f"nianbao: {_where(Path(record.output_dir), args.edition)} is up to date: nothing changed "
                        f"since the last build ({record.pages} pages, {len(record.site)} files; {seconds:.2f} s)",
                        lang))
    return EXIT_OK


def _where(output_dir: Path | None, edition: str) -> str:
    from .edition import PUBLIC

    where = (os.path.relpath(output_dir) if output_dir else "?") + "/"
    return where if edition == PUBLIC else where + " (internal edition: not for publication)"


if __name__ == "__main__":
    sys.exit(main())
