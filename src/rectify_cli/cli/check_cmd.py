import sys

from rectify_cli.check_folders import Checked, check_ledger, check_ledgers
from rectify_cli.errors import EXIT_ERROR
from rectify_cli.i18n import label, say
from rectify_cli.ledgers import single_spec

from .app import app
from .common import LangOpt, chosen_lang, tell
from .many import LedgersOpt


@app.command("check")
def check(ledger: LedgersOpt = None, lang: LangOpt = None) -> None:
    """Validate the ledger files and their cross-references; report every problem.  With
    several ledgers, each is checked and each problem is named by its ledger."""
    several = check_ledgers(ledger)
    if several is not None:
        _report_many(several, lang)
        return
    led, problems = check_ledger(single_spec(ledger, "check"))
    if problems:
        for p in problems:
            tell(str(p))  # one line each: a line break in an id is shown, not obeyed
        n = len(problems)
        tell(say("{n} problem{s} found.", "发现{n}个问题。", n=n, s="" if n == 1 else "s"))
        raise SystemExit(EXIT_ERROR)
    assert led is not None
    sys.stdout.write(
        label(
            "check.ok",
            chosen_lang(led.meta.lang, lang),
            tasks=len(led.tasks),
            indicators=len(led.indicators),
        )
        + "\n"
    )


def _report_many(checked: list[Checked], lang: str | None) -> None:
    """A line on stdout for each clean ledger; each problem on stderr after its ledger's
    name, then the count; exit 2 when any ledger has one."""
    from rectify_cli.render.text import escaped

    for c in checked:
        if c.problems or c.ledger is None:
            continue
        led = c.ledger
        shown = chosen_lang(led.meta.lang, lang)
        ok = label("check.ok", shown, tasks=len(led.tasks), indicators=len(led.indicators))
        line = label("rollup.ledger_title", shown, name=c.name, title=ok)
        sys.stdout.write(escaped(line) + "\n")  # the name is the ledger's own text
    bad = [c for c in checked if c.problems]
    for c in bad:
        for p in c.problems:
            tell(say("{name}: {problem}", "{name}：{problem}", name=c.name, problem=p))
    if bad:
        total = sum(len(c.problems) for c in bad)
        tell(
            say(
                "{n} problem{s} found in {bad} of {all} ledgers.",
                "{all}个台账中有{bad}个存在问题，共{n}个问题。",
                n=total,
                s="" if total == 1 else "s",
                bad=len(bad),
                all=len(checked),
            )
        )
        raise SystemExit(EXIT_ERROR)
