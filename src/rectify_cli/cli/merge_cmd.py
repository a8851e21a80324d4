from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import LangOpt, tell, write
from .many import LedgersOpt


@app.command("merge")
def merge(
    base: Annotated[Path | None, typer.Argument(help="The common ancestor's version (%O).")] = None,
    ours: Annotated[
        Path | None, typer.Argument(help="Our version (%A), replaced by the merge.")
    ] = None,
    theirs: Annotated[Path | None, typer.Argument(help="Their version (%B).")] = None,
    path: Annotated[
        str | None, typer.Argument(help="The file's path in the repository (%P).")
    ] = None,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Set rectify up as git's merge driver for the ledger files in this folder.",
        ),
    ] = False,
    lang: LangOpt = None,
    ledger: LedgersOpt = None,
) -> None:
    """Merge a ledger file as git's merge driver: by task, aspect, indicator and petition
    case; exit 1 when a conflict is left for a person, marked in the file."""
    from rectify_cli.atomic import write_atomic
    from rectify_cli.errors import EXIT_FOUND, UsageError
    from rectify_cli.i18n import say
    from rectify_cli.merge import install as install_driver
    from rectify_cli.merge import merge_text

    if install:
        from rectify_cli.files import check_root, resolve_root
        from rectify_cli.ledgers import single_spec

        root = resolve_root(single_spec(ledger, "merge"))
        check_root(root)
        for line in install_driver(root):
            write(line + "\n")
        return
    if base is None or ours is None or theirs is None:
        raise UsageError(
            say(
                "merge needs BASE OURS THEIRS (git passes %O %A %B), or --install",
                "merge 需要 BASE OURS THEIRS 三个文件（git 传入 %O %A %B），或 --install",
            )
        )
    texts = []
    for file in (base, ours, theirs):
        try:
            texts.append(file.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                say(
                    "{file}: cannot read it ({why})",
                    "{file}：无法读取（{why}）",
                    file=str(file),
                    why=str(exc),
                )
            ) from None
    shown = path or ours.name
    if lang is None:
        # git runs the driver at the top of the work tree: the ledger is the folder of %P,
        # and its messages are in its own language.
        from rectify_cli.files import peek_lang
        from rectify_cli.speech import speak, spoken

        speak(peek_lang(Path(path).parent if path else Path.cwd()) or spoken())
    done = merge_text(texts[0], texts[1], texts[2], shown)
    write_atomic(ours, done.text.encode("utf-8"))
    for line in [*done.notes, *done.conflicts]:
        tell(line)
    if done.conflicts:
        raise SystemExit(EXIT_FOUND)
