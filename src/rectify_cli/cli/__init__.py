"""The `rectify` program: registers the command it runs, then hands over to the app.

The app and its error handler live in app.py; each command lives in its own module and only
turns options into core calls and hands the result to a renderer.  Heavy imports (rich, the
renderers) happen inside the commands, so `rectify --help` and a simple `list` pay only for
what they use.  The modules that declare commands do without `from __future__ import
annotations`: typer reads a command's annotations on every run, and compiles and evaluates
each one written as a string again (~4 ms for `list`).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import signal
import sys
from typing import Any

# The program's imports (typer, click, the command's modules) build tens of thousands of
# objects that live until it ends, and the collections they set off walk them all (~4 ms
# of `list`).  main() keeps the GC off until the ledger is loaded; the program turns it
# off from here (a library caller or the tests keep theirs).
_PROGRAM = ("rectify", "rectify.exe", "rectify-script.py")
if sys.argv and os.path.basename(sys.argv[0]).lower() in _PROGRAM:
    gc.disable()

from rectify_cli.errors import EXIT_ERROR  # noqa: E402

from .app import DEBUG_ENV as DEBUG_ENV  # noqa: E402
from .app import app as app  # noqa: E402


def _program_command() -> str | None:
    """The command named on the command line when this process is the `rectify` program.

    Registering a command is importing its module, and each module imports the core it
    needs: importing all of them costs `rectify list` ~30% of its time.  The program imports
    only the module of the command it runs; anything else (tests, a library caller, `--help`,
    no command, shell completion) imports them all through the registry, as always.
    """
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program.lower() not in (*_PROGRAM, "__main__.py"):
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


_LOADER = "pydantic.plugin._loader"


def _plugin_loader_unread() -> None:
    """Even with its plugins disabled, Pydantic imports the module that would look for them,
    and with it importlib.metadata and email (~12 ms of every write).  A stand-in answers
    "no plugins" while they are disabled, and hands over to the real module otherwise, or
    when anything else is asked of it (a later Pydantic may ask for more than get_plugins)."""
    import types

    if _LOADER in sys.modules:
        return
    stand_in = types.ModuleType(_LOADER)

    def real() -> Any:
        import importlib

        if sys.modules.get(_LOADER) is stand_in:
            del sys.modules[_LOADER]
        return importlib.import_module(_LOADER)

    def get_plugins() -> Any:
        # Pydantic's own test of the variable (pydantic/plugin/_loader.py).
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ("__all__", "1", "true"):
            return ()
        return real().get_plugins()

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]

    def forwarded(name: str) -> Any:
        # PEP 562: a name the stand-in lacks is the real module's; not the import
        # machinery's probes (`__path__` on every `from ... import`).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(real(), name)

    setattr(stand_in, "__getattr__", forwarded)  # noqa: B010
    sys.modules[_LOADER] = stand_in


def main() -> None:
    # The cyclic GC walks every young object at each collection.  It stays off until the
    # ledger is loaded, which is then frozen out of its walks (store.FREEZE_LOADED), and
    # collects rarely afterwards: a command builds hundreds of thousands of rows and cells on
    # a large ledger and keeps them.  Cycles (json's encoder makes some) are still freed.
    gc.disable()
    gc.set_threshold(50_000, 20, 10)
    from rectify_cli import store

    store.FREEZE_LOADED = True
    # Pydantic reads every installed package's metadata for plugins when it first builds a
    # validator (a write, a cold read): ~5 ms here, more where much is installed.  The
    # program uses none; a library caller keeps its plugins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _plugin_loader_unread()
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
