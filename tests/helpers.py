"""Helpers and fixtures data shared by several test modules (one place, imported by each)."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
from docx.oxml.ns import qn

from rectify_cli.kinds import CATEGORY_ZH, FINDING_ZH, HANDLING_ZH, Category, Finding, Handling
from tests.programs import need_program

AS_OF = "2025-09-30"


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


MIXED = """\
[ledger]
version = 1
title = "测试台账"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "大气"

[[aspects]]
id = "A2"
name = "水"

[[tasks]]
id = "T1"
aspect = "A1"
title = "落后于序时进度"
lead = "市生态环境局"
start = 2025-01-01
deadline = 2025-12-31
status = "in_progress"
progress = 10

[[tasks]]
id = "T2"
aspect = "A1"
title = "已逾期"
lead = "市水利局"
start = 2025-01-01
deadline = 2025-06-30
status = "in_progress"
progress = 90

[[tasks]]
id = "T3"
aspect = "A2"
title = "已销号"
lead = "市水利局"
deadline = 2025-06-30
status = "closed"
completed_on = 2025-06-01
evidence = ["验收意见"]

[[tasks]]
id = "T4"
aspect = "A2"
title = "已完成"
lead = "市水利局"
deadline = 2025-06-30
status = "done"
completed_on = 2025-06-01

[[tasks]]
id = "T5"
aspect = "A2"
title = "按序时推进"
lead = "市水利局"
start = 2025-01-01
deadline = 2025-12-31
status = "in_progress"
progress = 80
"""


# Every indicator the Binzhou notice publishes (data/indicators.toml cites each one):
# name → (value, target, year on year, province rank, rank of improvement).
FIGURES_EN = {
    "Air quality composite index": ("3.67", "", "improved 15.0%", "7", "1"),
    "PM2.5 concentration": ("30 µg/m³", "", "improved 16.7%", "8", "2"),
    "Good air day ratio": ("73.6%", "", "improved 13.4%", "10", "3"),
    "Heavy pollution days": ("0天", "", "", "", ""),
    "Good water ratio, national control sections": (
        "54.5%",
        "45.4% (met: 9.1 points above target)",
        "",
        "",
        "",
    ),
    "City water quality index": ("5.6360", "", "", "11", "8"),
    "Near-shore good water ratio": ("100%", "", "", "", ""),
    "Total nitrogen, rivers entering the sea": ("", "", "improved 17.7%", "", ""),
    # 由75%以上下降至65%以下: no change published, the least the two bounds prove.
    "Yellow River water share of total use": (
        "below 65%",
        "",
        "down more than 10 points from above 75% (2024)",
        "",
        "",
    ),
    "Yellow River water capacity freed": ("4.5亿立方米", "", "", "", ""),
    "River outfalls rectified": ("1379个", "", "", "", ""),
    "Sea outfalls rectified": ("913个", "", "", "", ""),
    "Rural black-odorous water bodies cleared": ("138处", "", "", "", ""),
    "General industrial solid waste intensity": (
        "",
        "",
        "improved more than 20% vs 2020",
        "",
        "",
    ),
    "Clean-production audit coverage": ("100%", "", "", "", ""),
    "Provincial-level green manufacturing units": ("74家", "", "", "", ""),
    "New renewable capacity": ("350万千瓦", "", "", "", ""),
    "Renewable annual output": ("above 100亿千瓦时", "", "", "", ""),
    "Geothermal pilot projects": ("7个", "", "", "1", ""),
    "R&D spending share of GDP": ("3.7%", "", "", "1 (全省“四连冠”)", ""),
    "Wetland area": ("14.47万公顷", "", "", "", ""),
    "Tree cover": ("above 30%", "", "", "", ""),
    "Urban green cover": ("above 40%", "", "", "", ""),
    "Yellow River restoration funds": ("447万元", "", "", "3", ""),
    "NOx cut, Boxing galvanising cluster": ("935吨/年", "", "", "", ""),
    "Cadres trained": ("above 500人次", "", "", "", ""),
    "Special training": ("above 300人次", "", "", "", ""),
    "Leaders' instructions": ("25次", "", "", "", ""),
    "Special progress meetings": ("31次", "", "", "", ""),
    "On-site supervision visits": ("33次", "", "", "", ""),
}


# The same in the notice's own language, for the figures with ranks and changes.
FIGURES_ZH = {
    "环境空气质量综合指数": ("3.67", "2025年1-9月", "", "改善15.0%", "第7位", "第1位"),
    "PM2.5浓度": ("30 µg/m³", "2025年1-9月", "", "改善16.7%", "第8位", "第2位"),
    "空气质量优良率": ("73.6%", "2025年1-9月", "", "改善13.4%", "第10位", "第3位"),
    "重污染天数": ("0天", "2025年1-9月", "", "", "", ""),
    "国控断面优良水体比例": (
        "54.5%",
        "2025年9月",
        "45.4%（达标，高出目标9.1个百分点）",
        "",
        "",
        "",
    ),
    "城市水质指数": ("5.6360", "2025年9月", "", "", "第11位", "第8位"),
    "入海河流总氮": ("", "2025年9月", "", "改善17.7%", "", ""),
    "黄河水占用水总量比例": ("65%以下", "", "", "较2024年（75%以上）下降10个百分点以上", "", ""),
    "一般工业固体废物产生强度": ("", "", "", "较2020年改善20%以上", "", ""),
    "全社会研发投入占GDP比重": ("3.7%", "", "", "", "第1位（全省“四连冠”）", ""),
}


HOSTILE_TITLE = "a | b\\n<script>alert(1)</script> *x* `y` \\\\| [l](http://e) # end"


HOSTILE = f"""\
[ledger]
version = 1
title = "台账 | <b>粗</b>"
issued_by = "*办* <i>"
feedback_date = 2025-01-01
headline_prefix = "| 反馈的"

[[aspects]]
id = "A1"
name = "A \\"q\\" | ```mermaid %% ; # <x>"

[[tasks]]
id = "T1"
aspect = "A1"
title = "{HOSTILE_TITLE}"
lead = "局|科\\n<img src=x>"
start = 2025-01-01
deadline = 2025-12-31
status = "in_progress"
progress = 50
indicators = ["i1"]

[[tasks]]
id = "T2"
aspect = "A1"
title = "1. done"
lead = "- lead"
status = "done"
completed_on = 2025-03-01
"""


HOSTILE_INDICATORS = """\
version = 1

[[indicators]]
id = "i1"
name = "<b>PM</b> | x"
unit = "|u*"
better = "lower"
value = 3
change = 1.5
rank = 2
rank_note = "<i>|</i>"
"""


CHANGES_HEAD = """\
[ledger]
version = 1
title = "变化测试台账"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "大气"

[[aspects]]
id = "A2"
name = "水"
"""


def task(tid: str, body: str, *logs: str, aspect: str = "A1") -> str:
    out = f'\n[[tasks]]\nid = "{tid}"\naspect = "{aspect}"\ntitle = "任务{tid}"\nlead = "局{tid}"\n'
    out += body
    for entry in logs:
        out += "\n[[tasks.log]]\n" + entry
    return out


TASKS = CHANGES_HEAD + "".join(
    [
        # progress recorded by hand in August and September: moved 30 → 50
        task(
            "T1",
            'deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 50\n',
            "date = 2025-08-10\nprogress = 30\n",
            "date = 2025-09-10\nprogress = 50\n",
        ),
        # completed by `rectify update` on 09-15
        task(
            "T2",
            'deadline = 2025-12-31\nstatus = "done"\nprogress = 100\ncompleted_on = 2025-09-15\n',
            'date = 2025-08-05\nstatus = "in_progress"\nprogress = 80\n',
            'date = 2025-09-15\nstatus = "done"\nprogress = 100\n'
            'changes = ["status: in_progress → done", "progress: 80 → 100", '
            '"completed_on: — → 2025-09-15"]\n',
        ),
        # "done by the end of September" only: proves done then, not that it became done then
        task(
            "T3",
            'status = "done"\nprogress = 100\ncompleted_on = 2025-09-30\n',
            'date = 2025-09-30\nstatus = "done"\nprogress = 100\nnote = "截至9月底已完成"\n',
        ),
        # completed in August: older than since
        task(
            "T4",
            'deadline = 2025-12-31\nstatus = "done"\nprogress = 100\ncompleted_on = 2025-08-20\n',
            'date = 2025-08-20\nstatus = "done"\nprogress = 100\n'
            'changes = ["status: in_progress → done", "progress: 60 → 100"]\n',
        ),
        # signed off (销号) on 09-20
        task(
            "T5",
            'deadline = 2025-12-31\nstatus = "closed"\nprogress = 100\ncompleted_on = 2025-08-01\n'
            'evidence = ["验收报告.pdf"]\n',
            'date = 2025-09-20\nstatus = "closed"\n'
            'changes = ["status: done → closed", "evidence: + 验收报告.pdf"]\n',
        ),
        # deadline 09-10 passed in the window, still open: now overdue
        task(
            "T6",
            'start = 2025-06-01\ndeadline = 2025-09-10\nstatus = "in_progress"\nprogress = 90\n',
            "date = 2025-08-01\nprogress = 90\n",
        ),
        # deadline 08-15: overdue before since already
        task(
            "T7",
            'start = 2025-06-01\ndeadline = 2025-08-15\nstatus = "in_progress"\nprogress = 90\n',
            "date = 2025-08-01\nprogress = 90\n",
        ),
        # on schedule on 09-01 (60 vs 66.8 expected), behind on 10-31 (60 vs 83.2)
        task(
            "T8",
            'deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 60\n',
            "date = 2025-07-01\nprogress = 60\n",
            aspect="A2",
        ),
        # reopened on 09-05
        task(
            "T9",
            'deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 80\n',
            'date = 2025-09-05\nstatus = "in_progress"\nprogress = 80\nnote = "复查发现反弹"\n'
            'changes = ["status: done → in_progress", "progress: 100 → 80", '
            '"completed_on: 2025-08-01 → —"]\n',
        ),
        # deadline moved from 12-31 to 09-20 on 09-05: not overdue on since, overdue now
        task(
            "T10",
            'deadline = 2025-09-20\nstatus = "in_progress"\nprogress = 95\n',
            'date = 2025-09-05\nchanges = ["deadline: 2025-12-31 → 2025-09-20"]\n',
        ),
        # an entry after the as-of date: never reported
        task(
            "T11",
            'deadline = 2025-12-31\nstatus = "in_progress"\nprogress = 99\n',
            "date = 2025-08-01\nprogress = 10\n",
            "date = 2025-11-05\nprogress = 99\n",
        ),
        # started 09-02 with progress but no earlier record: the "from" is not on record
        task(
            "T12",
            'deadline = 2026-06-30\nstatus = "in_progress"\nprogress = 40\n',
            'date = 2025-09-02\nstatus = "in_progress"\nprogress = 40\n',
        ),
    ]
)


INDICATORS = """\
version = 1

[[indicators]]
id = "pm25"
name = "PM2.5浓度"
name_en = "PM2.5"
unit = "µg/m³"
better = "lower"
value = 28
period = "2025-09"
recorded = 2025-10-03

[[indicators.history]]
value = 33
period = "2025-06"

[[indicators.history]]
value = 31
period = "2025-07"
recorded = 2025-08-05

[[indicators.history]]
value = 30
period = "2025-08"
recorded = 2025-09-05

[[indicators]]
id = "water"
name = "优良水体比例"
unit = "%"
better = "higher"
value = 54.5
period = "2025-09"
"""


PETITIONS = """\
version = 1

[[petitions]]
id = "P1"
title = "噪声扰民"
received = 2025-08-01
category = "noise"
status = "closed"
closed_on = 2025-09-12

[[petitions.log]]
date = 2025-09-12
status = "closed"

[[petitions]]
id = "P2"
title = "扬尘"
received = 2025-07-01
category = "air"
status = "stage_closed"

[[petitions.log]]
date = 2025-08-01
status = "stage_closed"

[[petitions]]
id = "P3"
title = "无记录的办结"
received = 2025-07-01
category = "water"
status = "closed"

[[petitions]]
id = "P4"
title = "仍在办理"
received = 2025-09-01
category = "soil"
deadline = 2025-12-31
"""


SVG = "{http://www.w3.org/2000/svg}"


HEADLINE_ZH = "第三轮省级生态环境保护督察反馈的24项整改任务，已完成21项，达到序时进度3项"


HEADLINE_EN = "24 rectification tasks: 21 completed, 3 on schedule"


def parse_html(text: str) -> Element:
    """The document tree; strict: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)  # type: ignore[no-any-return]


def text_of(el: Element) -> str:
    return "".join(el.itertext())


def html_tables(root: Element) -> list[list[list[str]]]:
    """Each table's rows (header first) as cell texts; every row has the header's width."""
    tables = []
    for table in root.iter("table"):
        rows = [[text_of(c) for c in tr if c.tag in ("th", "td")] for tr in table.iter("tr")]
        widths = {len(r) for r in rows}
        assert len(widths) == 1, f"ragged table: {rows}"
        tables.append(rows)
    return tables


def assert_safe_html(root: Element, *, charts: bool = True) -> None:
    """No script, nothing loaded from outside, every chart titled (and, for a report, some
    charts: a warning notice has none)."""
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "b", "i"}, tags
    for el in root.iter():
        assert not {"src", "href", "onload", "onclick"} & set(el.attrib), el.attrib
    style = text_of(root.find("head/style"))  # type: ignore[arg-type]
    assert "@import" not in style and "url(" not in style
    svgs = list(root.iter(f"{SVG}svg"))
    assert bool(svgs) == charts
    for svg in svgs:
        title = svg.find(f"{SVG}title")
        assert title is not None and text_of(title).strip(), "an SVG without a <title>"
        assert next(iter(svg)) is title  # first, where screen readers look for it


def docx_tables(doc: Any) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def assert_header_rows_repeat(doc: Any) -> None:
    for t in doc.tables:
        flags = [
            r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
            for r in t.rows
        ]
        assert flags == [True] + [False] * (len(t.rows) - 1)


NOTICE_LINE = "省交办的818件信访件，已全部办结或阶段性办结"


def benchmark_generator() -> Any:
    """benchmarks/generate.py as a module (it is a script, not part of the package)."""
    import importlib.util

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def petitions_file(root: Path, text: str) -> None:
    (root / "petitions.toml").write_text(text, encoding="utf-8")


def generate(n: int, seed: int = 9) -> tuple[str, list[dict[str, object]]]:
    """`n` itemised cases as TOML, half written with Chinese labels, and the same as data."""
    rng = random.Random(seed)
    cases: list[dict[str, object]] = []
    out = ["version = 1", 'headline_prefix = "省交办的"', ""]
    for i in range(1, n + 1):
        category = rng.choice(list(Category))
        finding = rng.choice([*Finding, None])
        status = rng.choice(list(Handling))
        received = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(200))
        deadline = received + dt.timedelta(days=rng.randrange(10, 120))
        zh = i % 2 == 0
        lines = [
            "[[petitions]]",
            f'id = "X{i:04d}"',
            f'title = "信访件{i}"',
            f"received = {received.isoformat()}",
            f"batch = {rng.randrange(1, 6)}",
            f'area = "{rng.choice(["博兴县", "邹平市", "惠民县"])}"',
            f'category = "{CATEGORY_ZH[category] if zh else category.value}"',
            f'status = "{HANDLING_ZH[status] if zh else status.value}"',
            f"deadline = {deadline.isoformat()}",
            f'lead = "{rng.choice(["县生态环境局", "县住建局"])}"',
        ]
        if finding is not None:
            lines.append(f'finding = "{FINDING_ZH[finding] if zh else finding.value}"')
        out += [*lines, ""]
        cases.append(
            {
                "id": f"X{i:04d}",
                "category": category,
                "finding": finding,
                "status": status,
                "deadline": deadline,
            }
        )
    return "\n".join(out), cases


BOXING = """\
[ledger]
version = 1
title = "博兴县整改台账"
issued_by = "博兴县生态环境保护委员会办公室"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "大气"

[[tasks]]
id = "T01"
aspect = "A1"
title = "镀锌行业提标改造"
lead = "县生态环境局"
deadline = 2025-06-30
status = "done"
progress = 100
completed_on = 2025-06-01

[[tasks]]
id = "T02"
aspect = "A1"
title = "扬尘治理"
lead = "县住建局"
deadline = 2025-09-15
status = "in_progress"
progress = 60

[[tasks]]
id = "T03"
aspect = "A1"
title = "散乱污企业整治"
lead = "县生态环境局"
deadline = 2025-12-31
status = "in_progress"
progress = 70

[[tasks.log]]
date = 2025-09-20
progress = 70
"""


# Folder `zp`, named `zouping` in its [ledger] table; its T03 shares boxing's id.
ZOUPING = """\
[ledger]
version = 1
title = "邹平市整改台账"
name = "zouping"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "水"

[[tasks]]
id = "T03"
aspect = "A1"
title = "污水管网建设"
lead = "市住建局"
deadline = 2025-12-31
status = "in_progress"
progress = 20

[[tasks.log]]
date = 2025-09-25
progress = 20

[[tasks]]
id = "T04"
aspect = "A1"
title = "入河排污口整治"
lead = "市生态环境局"
status = "done"
progress = 100
completed_on = 2025-08-01
"""


HUIMIN = """\
[ledger]
version = 1
title = "惠民县整改台账"

[[aspects]]
id = "A1"
name = "水"

[[tasks]]
id = "T1"
aspect = "A1"
title = "黑臭水体整治"
lead = "县水利局"
deadline = 2025-12-31
progress = 120
"""


def write_counties(base: Path) -> Path:
    """counties/{boxing,zp,huimin} and a README that a pattern must not take for a ledger."""
    root = base / "counties"
    for folder, text in (("boxing", BOXING), ("zp", ZOUPING), ("huimin", HUIMIN)):
        (root / folder).mkdir(parents=True)
        (root / folder / "tasks.toml").write_text(text, encoding="utf-8")
    (root / "README.md").write_text("县级台账\n", encoding="utf-8")
    return root


GOOD = ("-l", "counties/boxing", "-l", "counties/zp")


CONCURRENCY_HEAD = """\
[ledger]
version = 1
title = "并发测试台账"
feedback_date = 2025-01-01

[[aspects]]
id = "A1"
name = "大气"
"""


def tasks_text(n: int) -> str:
    blocks = [CONCURRENCY_HEAD]
    for i in range(1, n + 1):
        blocks.append(
            f"""
# 任务 {i}
[[tasks]]
id = "T{i:04d}"
aspect = "A1"
title = "第{i}项整改任务：治理扬尘，推进重点行业深度治理"
measures = ["措施一", "措施二"]
lead = "市生态环境局"
deadline = 2025-12-31
status = "in_progress"
progress = 50

[[tasks.log]]
date = 2025-06-30
note = "起始"
"""
        )
    return "".join(blocks)


# The warn tests' ledger, judged as of WARN_AS_OF.
WARN_AS_OF = "2025-06-30"
WARN_TASKS = """\
[ledger]
version = 1
title = "测试台账"
issued_by = "市整改办"
feedback_date = 2025-01-01
stale_days = 30

[[aspects]]
id = "A1"
name = "大气"

# overdue: the deadline was yesterday
[[tasks]]
id = "T1"
aspect = "A1"
title = "治理扬尘"
lead = "市生态环境局"
start = 2025-01-01
deadline = 2025-06-29
status = "in_progress"
progress = 95

[[tasks.log]]
date = 2025-06-20
progress = 95

# due today, far enough along not to be behind
[[tasks]]
id = "T2"
aspect = "A1"
title = "整治黑臭水体"
lead = "市水利局"
start = 2025-01-01
deadline = 2025-06-30
status = "in_progress"
progress = 95

[[tasks.log]]
date = 2025-06-25
progress = 95

# behind: half the time gone, a fifth of the work done
[[tasks]]
id = "T3"
aspect = "A1"
title = "关停散乱污企业"
lead = "市生态环境局"
start = 2025-01-01
deadline = 2025-12-31
status = "in_progress"
progress = 20

[[tasks.log]]
date = 2025-06-25
progress = 20

# stale: ongoing, nothing logged for 90 days
[[tasks]]
id = "T4"
aspect = "A1"
title = "巡查河湖"
lead = "市住房和城乡建设局"
ongoing = true
status = "in_progress"

[[tasks.log]]
date = 2025-04-01
note = "开展巡查"

# not started yet: start after as-of, never behind, never stale
[[tasks]]
id = "T5"
aspect = "A1"
title = "建设监测站"
lead = "市生态环境局"
start = 2025-07-01
deadline = 2025-12-31
status = "not_started"

# done after its deadline: done late, not warned
[[tasks]]
id = "T6"
aspect = "A1"
title = "清理固废"
lead = "市生态环境局"
deadline = 2025-03-31
status = "done"
progress = 100
completed_on = 2025-04-15

# missing start: counted from feedback_date 2025-01-01, so behind
[[tasks]]
id = "T7"
aspect = "A1"
title = "整改油烟"
lead = "市水利局"
deadline = 2025-12-31
status = "in_progress"
progress = 30

[[tasks.log]]
date = 2025-06-25
progress = 30

# start == deadline, in the future: no span, not behind, not due within 7 days
[[tasks]]
id = "T8"
aspect = "A1"
title = "一次性检查"
lead = "市水利局"
start = 2025-07-15
deadline = 2025-07-15
status = "not_started"
"""


def sample_counties(sample: Path, names: tuple[str, ...] = ("boxing", "zouping")) -> Path:
    """`counties/NAME` beside the `sample` copy: the shipped sample once for each name, its
    `[ledger] name` changed to it (the data are the sample's own; nothing is invented)."""
    root = sample.parent / "counties"
    for name in names:
        shutil.copytree(sample, root / name)
        tasks = root / name / "tasks.toml"
        text = tasks.read_text(encoding="utf-8")
        tasks.write_text(text.replace('name = "binzhou"', f'name = "{name}"', 1), encoding="utf-8")
    return root


# --------------------------------------------------------------------------- the browser


def chromium() -> str:
    """Debian's chromium: skipped with the way to get it when missing, unless required."""
    return need_program(
        "chromium", "chromium-browser", purpose="the HTML report's browser test", apt="chromium"
    )


def run_chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        page.as_uri(),
    ]
    # A guard against a hung browser, not a measure of speed.
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def ledger_texts(ledger: Any) -> list[str]:
    """The ledger's own text, which may be Chinese in an English report (titles, names,
    units, log notes), longest first: what an English document may show besides labels."""
    data = [ledger.meta.title, ledger.meta.issued_by or ""]
    data += [a.name for a in ledger.aspects]
    data += [t for task in ledger.tasks for t in (task.title, task.lead)]
    data += [e.note for task in ledger.tasks for e in task.log]
    for i in ledger.indicators:
        data += [i.unit, i.rank_note or ""]
        if not i.name_en:
            data.append(i.name)
    return sorted(filter(None, data), key=len, reverse=True)


# --------------------------------------------------------------------------- printing Word


def soffice() -> str:
    return need_program(
        "soffice",
        "libreoffice",
        purpose="the Word documents' print tests",
        apt="libreoffice-writer-nogui fonts-wqy-zenhei",
    )


def print_with_libreoffice(docs: list[Path], outdir: Path, tmp_path: Path) -> None:
    """Each Word document printed to `outdir/NAME.pdf` by LibreOffice, as an office prints."""
    # A profile of its own: a user's running LibreOffice would otherwise take the job.
    profile = (tmp_path / "profile").as_uri()
    command = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    # A guard against a hung converter, not a measure of speed.
    subprocess.run(
        [*command, "--outdir", str(outdir), *map(str, docs)],
        capture_output=True,
        timeout=300,
        check=True,
    )


def pdf_text(pdf: Path) -> str:
    """A PDF's text laid out as printed (pdftotext -layout): a token cut across two lines of
    a table cell is not found whole on one line."""
    exe = need_program("pdftotext", purpose="reading a printed document", apt="poppler-utils")
    run = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, check=True)
    return run.stdout.decode("utf-8")


# What a printed document must never cut across two lines: task ids, dates (2025-06-30,
# 2025年9月30日, 2025年1-9月) and percentages.
WHOLE_TOKENS = re.compile(
    r"\bT\d+\b|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}(?:-\d{1,2})?月(?:\d{1,2}日)?|\d+(?:\.\d+)?%"
)


def tokens_short(expected: Counter[str], printed: Counter[str]) -> dict[str, int]:
    """How many of each expected token the printed text is short of (empty: none lost)."""
    return {t: n - printed[t] for t, n in expected.items() if printed[t] < n}
