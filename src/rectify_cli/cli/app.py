"""The Typer app and its one error handler: a RectifyError is one line on stderr and exit 2,
anything else a bug (exit 70, or its traceback with --debug); help and usage errors speak
the ledger's language.  Every command module adds itself to `app`."""

import os
import sys
from typing import Any

import typer
from typer._click import Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup, TyperOption

from rectify_cli import installed_version
from rectify_cli.errors import EXIT_BUG, EXIT_ERROR, RectifyError
from rectify_cli.i18n import say, spoken
from rectify_cli.speech import run_command

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
        try:
            return super().main(args, *pargs, **kwargs)
        finally:
            run_command(None)  # a library call after a run is not the run's command

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
        # Read when asked, not at import: the package metadata costs every command ~20 ms.
        sys.stdout.write(f"rectify {installed_version()}\n")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(
        False, "--debug", envvar=DEBUG_ENV, help="Show the full traceback of an unexpected error."
    ),
) -> None:
    """Keep the ledger of a rectification plan (整改台账) in TOML files."""
    # Every write's undo entry names the command that made it (rectify undo shows it).
    run_command(ctx.invoked_subcommand)
