"""`rectify --help` and usage errors in Chinese.

The help is written once, in English, beside each option; this module is its Chinese
catalogue, keyed on the English text, and the few words click itself prints ("Usage:",
"Options", "Missing option", ...).  `to_chinese` swaps the texts of a command tree in place
before click formats anything; a test keeps the catalogue and the options in step, so a new
option without its Chinese help fails the suite instead of showing English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

from typer._click import Command, HelpFormatter
from typer._click.exceptions import UsageError

from .help_zh_text import ZH

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_EXTRAS = (("default: ", "默认："), ("env var: ", "环境变量："), ("required", "必填"))
_USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND", "命令"), ("[ARGS]", "[参数]"))


def _key(text: str) -> str:
    return " ".join(text.split())


def chinese(text: str | None) -> str | None:
    """The Chinese of a help text; the text itself when the catalogue has none."""
    if not text:
        return text
    return ZH.get(_key(text), text)


def help_texts(command: Command) -> Iterator[str]:
    """Every help text the tree under `command` shows, once each, as `ZH` keys it."""
    seen: set[str] = set()
    for item in _walk(command):
        for text in (item.help, *(getattr(p, "help", None) for p in item.params)):
            if text and _key(text) not in seen:
                seen.add(_key(text))
                yield _key(text)


def _walk(command: Command) -> Iterator[Command]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def to_chinese(command: Command) -> None:
    """Word the help of `command` and every command under it in Chinese, in place."""
    for item in _walk(command):
        if item.help:
            item.help = chinese(item.help)
            # click cuts a short help at ". ", which Chinese never has: name the first sentence.
            item.short_help = (item.help or "").split("。")[0]
        for param in item.params:
            if getattr(param, "help", None):
                param.help = chinese(param.help)  # type: ignore[attr-defined]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns: breaks at spaces, or between two Chinese characters,
    never before a closing mark (，。；：、）］), which stays at the end of its line."""
    lines: list[str] = []
    line = ""
    for piece in re.findall(
        r"[\u2e80-\uffff][，。；：、）］」]*\s*|[^\s\u2e80-\uffff]+\s*|\s+", text
    ):
        if line.strip() and _width(line + piece.rstrip()) > width and piece[0] not in _CLOSING:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


_CLOSING = "，。；：、）］」"


class ChineseHelpFormatter(HelpFormatter):
    """click's formatter with Chinese words, wrapping by display width (a 汉字 is 2 columns)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for en, zh in _USAGE_WORDS:
            args = args.replace(en, zh)
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for paragraph in text.split("\n\n"):
            for line in _wrap(_key(paragraph), max(self.width - self.current_indent, 11)):
                self.write(f"{indent}{line}\n")

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(first, _second(second)) for first, second in rows]
        first_width = min(max((_width(first) for first, _ in rows), default=0), col_max)
        indent = " " * self.current_indent
        room = max(self.width - first_width - col_spacing - self.current_indent, 10)
        for first, second in rows:
            lines = _wrap(second, room) or [""]
            if _width(first) <= first_width:
                pad = " " * (first_width - _width(first) + col_spacing)
                self.write(f"{indent}{first}{pad}{lines[0]}\n".rstrip() + "\n")
                lines = lines[1:]
            else:
                self.write(f"{indent}{first}\n")
            for line in lines:
                self.write(f"{indent}{' ' * (first_width + col_spacing)}{line}\n")


def _second(text: str) -> str:
    """An option's help with click's own additions (the help option, `[default: …]`) in Chinese."""
    extras = ""
    found = re.search(r"\s*\[([^\[\]]*)\]$", text)
    if found and any(found.group(1).startswith(en) for en, _ in _EXTRAS):
        extras = found.group(1)
        text = text[: found.start()]
        for en, zh in _EXTRAS:
            extras = extras.replace(en, zh)
        extras = "［" + extras.replace("; ", "；") + "］"
    return (chinese(text) or "") + extras


# click's usage errors, English pattern → Chinese; the first that matches words the message.
_ERRORS: tuple[tuple[str, str], ...] = (
    (r"Missing argument '(.+?)'\.", r"缺少参数 '\1'。"),
    (r"Missing option '(.+?)'\.", r"缺少选项 '\1'。"),
    (r"Missing parameter: (.+)", r"缺少参数 \1"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"\(Possible options: (.+)\)", r"（可能是：\1）"),
    (r"No such command '(.+?)'\.", r"没有命令 '\1'。"),
    (r"Did you mean (.+)\?", r"是不是 \1？"),
    (r"Missing command\.", "缺少命令。"),
    (r"Option '(.+?)' requires an argument\.", r"选项 '\1' 需要一个值。"),
    (r"Option '(.+?)' requires (\d+) arguments\.", r"选项 '\1' 需要 \2 个值。"),
    (r"Option '(.+?)' does not take a value\.", r"选项 '\1' 不带值。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", r"多余的参数（\1）"),
    (r"Invalid value for (.+?): ", r"\1 的值无效："),
    (r"Invalid value: ", "值无效："),
    (r"'(.*?)' is not one of (.+)\.", r"'\1' 不是可选的值；可选：\2。"),
    (r"'(.*?)' is not a valid int(eger)?\.", r"'\1' 不是整数。"),
    (r"'(.*?)' is not a valid float\.", r"'\1' 不是数字。"),
    (r"'(.*?)' is not a valid boolean\.", r"'\1' 不是是非值。"),
    (r"(\S+) is not in the range (.+)\.", r"\1 不在范围 \2 内。"),
    (r"'(.*?)' does not match the formats? (.+)\.", r"'\1' 不符合格式 \2。"),
    (r"(File|Directory|Path) '(.*?)' does not exist\.", r"'\2' 不存在。"),
    (r"Choose from:", "可选："),
)


def chinese_error(message: str) -> str:
    """A click usage error worded in Chinese; the parts it does not know stay as they are."""
    for pattern, zh in _ERRORS:
        message = re.sub(pattern, zh, message)
    return message.replace("', '", "'、'")


class ChineseUsageError(UsageError):
    """A click usage error shown the way click shows it, in Chinese."""

    def __init__(self, error: UsageError) -> None:
        super().__init__(chinese_error(error.format_message()), error.ctx)
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        import sys

        out = sys.stderr if file is None else file
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                command, option = self.ctx.command_path, self.ctx.help_option_names[0]
                hint = f"运行 '{command} {option}' 查看帮助。\n"
            out.write(f"{self.ctx.get_usage()}\n{hint}\n")
        out.write(f"错误：{self.format_message()}\n")
