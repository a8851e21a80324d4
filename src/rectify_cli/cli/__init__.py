"""The Typer app: thin commands, one error handler, named exit codes.

Each command lives in its own module and only turns options into core calls and hands the
result to a renderer.  Heavy imports (rich, the renderers) happen inside the commands, so
`rectify --help` and a simple `list` pay only for what they use.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import signal
import sys
from typing import Any

import typer
from typer._click import Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup, TyperOption

from rectify_cli import __version__
from rectify_cli.errors import EXIT_BUG, EXIT_ERROR, RectifyError
from rectify_cli.i18n import say, spoken

DEBUG_ENV = "RECTIFY_DEBUG"


class RectifyGroup(TyperGroup):
    """Turns a RectifyError into one line on stderr and exit 2, wherever it is raised."""

    def main(self, args: Any = None, *pargs: Any, **kwargs: Any) -> Any:
        from rectify_cli.i18n import speak

        from .lang import message_lang

        argv = list(sys.argv[1:] if args is None else args)
        speak(message_lang(argv))
        _refuse_undecodable(argv)
        for command in _tree(self):
            if command is not self and "debug" not in {p.name for p in command.params}:
                command.params.append(_debug_option())
        if spoken() == "zh":
            for command in _tree(self):
                command.context_class = _ChineseContext
        return super().main(args, *pargs, **kwargs)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            raise _in_chinese(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _in_chinese(exc) from None
        except RectifyError as exc:
            from .common import tell

            tell(say("Error: ", "错误：") + exc.message)
            raise SystemExit(exc.exit_code) from None
        except (SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except (typer.TyperException, typer.Exit, typer.Abort):
            # Bad option values and typer.Exit are typer's to report (usage error: exit 2).
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            # Unknown exceptions are bugs in rectify, not the user's mistake: say so plainly.
            from rectify_cli.render.text import escaped

            sys.stderr.write(
                say(
                    "Error: rectify hit a bug ({kind}: {text}). Please report it with the "
                    "output of the same command run with --debug.\n",
                    "错误：rectify 程序出错（{kind}：{text}）。请用 --debug 重新运行同一命令，"
                    "并将输出一并报告。\n",
                    kind=type(exc).__name__,
                    text=escaped(str(exc)),
                )
            )
            raise SystemExit(EXIT_BUG) from None


def _refuse_undecodable(args: list[str]) -> None:
    """Bytes that are not UTF-8 on a POSIX command line reach Python as lone surrogates
    (surrogateescape), which no ledger file can hold: one sentence, before anything runs.
    Windows passes the command line as UTF-16, where this never happens."""
    for arg in args:
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            from .common import tell

            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            tell(
                say(
                    'Error: "{arg}" is not UTF-8 text; set the terminal to UTF-8 and type it again',
                    "错误：“{arg}”不是 UTF-8 文本；请将终端设为 UTF-8 后重新输入",
                    arg=shown,
                )
            )
            raise SystemExit(EXIT_ERROR)


class _ChineseContext(Context):
    """A context whose help and usage lines are Chinese.

    The catalogue is imported, and the tree's help swapped, only when something is about to
    be formatted: a command that runs well never pays for it.
    """

    def make_formatter(self) -> Any:
        from .help_zh import ChineseHelpFormatter, to_chinese

        to_chinese(self.find_root().command)
        return ChineseHelpFormatter(width=self.terminal_width, max_width=self.max_content_width)


def _tree(command: Any) -> Any:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _tree(sub)


def _in_chinese(error: UsageError) -> UsageError:
    """click's usage error, worded in Chinese when the command speaks Chinese."""
    if spoken() != "zh":
        return error
    from .help_zh import ChineseUsageError

    return error if isinstance(error, ChineseUsageError) else ChineseUsageError(error)


def _debug(ctx: Any) -> bool:
    if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
        return True
    root = ctx.find_root()
    return bool(root.params.get("debug") or ctx.meta.get(DEBUG_ENV))


def _debug_option() -> TyperOption:
    """`--debug` after the command too (`rectify update T01 --debug`), as the bug message
    says; hidden from each command's help, where the root's lists it once."""

    def remember(ctx: Any, _param: Any, value: bool) -> None:
        if value:
            ctx.meta[DEBUG_ENV] = True  # meta is shared by every context of the run

    return TyperOption(
        param_decls=["--debug"],
        is_flag=True,
        expose_value=False,
        hidden=True,
        callback=remember,
        help="Show the full traceback of an unexpected error.",
    )


app = typer.Typer(
    cls=RectifyGroup,
    name="rectify",
    help="Keep the ledger of a rectification plan (整改台账): tasks, owners, deadlines, "
    "progress and indicators, in TOML files.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"rectify {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(
        False, "--debug", envvar=DEBUG_ENV, help="Show the full traceback of an unexpected error."
    ),
) -> None:
    """Keep the ledger of a rectification plan (整改台账) in TOML files."""


def _program_command() -> str | None:
    """The command named on the command line when this process is the `rectify` program.

    Registering a command is importing its module, and each module imports the core it
    needs: importing all of them costs `rectify list` ~30% of its time.  The program imports
    only the module of the command it runs; anything else (tests, a library caller, `--help`,
    no command, shell completion) imports them all through the registry, as always.
    """
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program.lower() not in ("rectify", "rectify.exe", "rectify-script.py", "__main__.py"):
        return None
    if len(sys.argv) < 2 or any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    name = sys.argv[1]
    return name if name.isidentifier() and not name.startswith("_") else None


def _register_one(name: str) -> bool:
    """Import the module of command `name` alone; False if that did not register it."""
    import importlib

    try:
        importlib.import_module(f"{__name__}.{name}_cmd")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}_cmd":
            raise  # the module exists and something it imports is missing: a real error
        return False
    return [c.name for c in app.registered_commands] == [name]


_command = _program_command()
if _command is None or not _register_one(_command):
    # Every command module, in the registry's order; each adds itself to `app`.
    from . import registry  # noqa: F401


def main() -> None:
    # The cyclic GC walks every young object at each collection.  It stays off until the
    # ledger is loaded, which is then frozen out of its walks (store.FREEZE_LOADED), and
    # collects rarely afterwards: a command builds hundreds of thousands of rows and cells on
    # a large ledger and keeps them.  Cycles (json's encoder makes some) are still freed.
    gc.disable()
    gc.set_threshold(50_000, 20, 10)
    from rectify_cli import store

    store.FREEZE_LOADED = True
    # Chinese Windows defaults pipes and files to GBK; ledger text and bars need UTF-8.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError):
                stream.reconfigure(encoding="utf-8")
    _only_the_command_run(sys.argv[1:])
    # `kill` (SIGTERM) ends the run as Ctrl-C does, through every `finally`: temporary
    # files are removed and locks released, instead of the process vanishing mid-write.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        app(prog_name="rectify")
    except BrokenPipeError:
        # `rectify list | head`: the reader left; stop quietly like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_ERROR)


def _terminated(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def _only_the_command_run(args: list[str]) -> None:
    """Keep only the command named on the command line.

    Typer turns every registered command's signature into click parameters at start-up, a
    few ms each; `rectify list` needs only its own.  Anything else (no command, an option
    first, a name that is not a command, shell completion) keeps them all, so `--help`,
    the root options and "No such command" behave exactly as before.
    """
    if not args or any(name.endswith("_COMPLETE") for name in os.environ):
        return
    chosen = [c for c in app.registered_commands if c.name == args[0]]
    if len(chosen) == 1:
        app.registered_commands[:] = chosen
