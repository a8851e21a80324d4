"""The Chinese catalogue of `rectify --help`, keyed on the English help text beside each
option (see help_zh.py, which applies it)."""

from __future__ import annotations

# The English help of every option and command, whitespace collapsed, → its Chinese.
ZH: dict[str, str] = {
    # rectify
    "Keep the ledger of a rectification plan (整改台账): tasks, owners, deadlines, progress "
    "and indicators, in TOML files.": "管理整改台账：任务、责任单位、整改时限、进度和指标，保存在 "
    "TOML 文件中。",
    "Print the version and exit.": "显示版本号后退出。",
    "Show the full traceback of an unexpected error.": "意外出错时显示完整的调用栈。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的命令补全脚本，便于复制或自行安装。"
    ),
    "Show this message and exit.": "显示本帮助后退出。",
    # options several commands share
    "Ledger folder; repeat it, or give a pattern such as 'counties/*', to roll several up "
    "[default: $RECTIFY_LEDGER (several joined by the path separator, : or ;), else ./data].": (
        "台账文件夹；可重复给出，或给出 'counties/*' 这样的模式，汇总多本台账"
        "［默认：$RECTIFY_LEDGER（多本用路径分隔符 : 或 ; 连接），否则 ./data］。"
    ),
    "Label language [default: the ledger's].": "显示语言［默认：台账的语言］。",
    "Judge dates as of this day (2025-09-30) [default: today].": (
        "以这一天（如 2025-09-30）为准判断日期［默认：今天］。"
    ),
    "Output format [default: table on a terminal, md when piped].": (
        "输出格式［默认：终端中为表格，管道输出时为 md］。"
    ),
    "With several ledgers: if any fails to load, show nothing (exit 2).": (
        "多本台账时：任一本读取失败则什么都不显示（退出码 2）。"
    ),
    "No colour (also: the NO_COLOR variable).": "不用颜色（也可设环境变量 NO_COLOR）。",
    # petition
    "Add a petition case (信访件) or change one: handling, finding, dates.": (
        "新增或修改信访件：办理状态、核实情况、日期。"
    ),
    "Add a petition case at the end of petitions.toml (made if missing), with a first log "
    "entry; no other line of the file changes.": (
        "在 petitions.toml 末尾新增一件信访件（文件不存在时新建），并写入第一条记录；"
        "文件其他各行不变。"
    ),
    "Change a petition case and append one entry to its log; no other line of the file "
    "changes.": "修改一件信访件，并在其记录中追加一条；文件其他各行不变。",
    "Case id, e.g. X001.": "信访件编号，如 X001。",
    "What the petition says (信访内容).": "信访内容。",
    "air 大气, water 水, soil 土壤, noise 噪声, solid_waste 固体废物, ecology 生态, other 其他.": (
        "类别：air 大气、water 水、soil 土壤、noise 噪声、solid_waste 固体废物、ecology 生态、"
        "other 其他。"
    ),
    "The day the case was handed over (交办日期).": "交办日期。",
    "Hand-over batch (交办批次).": "交办批次。",
    "County or district (属地).": "属地（县市区）。",
    "Finding: substantiated 属实, partly 部分属实, unsubstantiated 不属实.": (
        "核实情况：substantiated 属实、partly 部分属实、unsubstantiated 不属实。"
    ),
    "Handling status: handling 办理中, stage_closed 阶段性办结, closed 已办结.": (
        "办理状态：handling 办理中、stage_closed 阶段性办结、closed 已办结。"
    ),
    "Deadline for handling (办理时限).": "办理时限。",
    "Closing date (办结日期) [default: --date, when the case is closed].": (
        "办结日期［默认：办结时为 --date］。"
    ),
    "Responsible unit (责任单位).": "责任单位。",
    "What happened, kept in the case's log.": "情况说明，记入该信访件的记录。",
    "Date of the log entry [default: today].": "记录的日期［默认：今天］。",
    # check
    "Validate the ledger files and their cross-references; report every problem. With "
    "several ledgers, each is checked and each problem is named by its ledger.": (
        "校验台账文件及其相互引用，报告每一个问题。多本台账时逐本校验，每个问题注明所属台账。"
    ),
    # list
    "List tasks (or petition cases), with filters; all when no filter is given. With "
    "several ledgers, a ledger column and ids qualified where two ledgers share one.": (
        "列出任务（或信访件），可加筛选条件；不加条件时列出全部。多本台账时增加台账一列，"
        "两本台账编号相同时加台账名区分。"
    ),
    "List tasks, or petition cases (信访件).": "列出任务，或信访件。",
    "Status (repeatable): not_started 未启动, in_progress 推进中, done 已完成, closed 已销号, "
    "or pending (not yet done); for petitions handling 办理中, stage_closed 阶段性办结, "
    "closed 已办结, or pending.": (
        "状态（可重复）：not_started 未启动、in_progress 推进中、done 已完成、closed 已销号，"
        "或 pending（尚未完成）；信访件为 handling 办理中、stage_closed 阶段性办结、"
        "closed 已办结，或 pending。"
    ),
    "Petitions: air, water, soil, noise, solid_waste, ecology, other (repeatable).": (
        "信访件类别：air 大气、water 水、soil 土壤、noise 噪声、solid_waste 固体废物、"
        "ecology 生态、other 其他（可重复）。"
    ),
    "Petitions: substantiated 属实, partly 部分属实, unsubstantiated 不属实.": (
        "信访件查实情况：substantiated 属实、partly 部分属实、unsubstantiated 不属实。"
    ),
    "Aspect id or name (repeatable).": "问题方面的编号或名称（可重复）。",
    "Lead department contains this text.": "牵头单位包含这段文字。",
    "Leader in charge (责任领导) contains this text.": "责任领导包含这段文字。",
    "Responsible person (责任人) contains this text.": "责任人包含这段文字。",
    "Deadline before this date.": "整改时限早于这一天。",
    "Text in id, title, measures, notes, lead or partners.": (
        "在编号、任务、措施、备注、牵头单位或配合单位中查找这段文字。"
    ),
    "Sort by: id, deadline, progress, status, lead, aspect, health; petitions also "
    "received, category.": (
        "排序依据：id、deadline、progress、status、lead、aspect、health；"
        "信访件还可用 received、category。"
    ),
    "Reverse the order.": "倒序排列。",
    # show
    "Show one task in full, its log included.": "显示一项任务的全部内容，包括其记录。",
    "Task id, e.g. T01; LEDGER:T01 picks one of several ledgers.": (
        "任务编号，如 T01；多本台账时用 台账:T01 指定其中一本。"
    ),
    # warn
    "Overdue, due-soon, behind-schedule and stale tasks, by lead department; then petition "
    "cases past or near their deadline. Several ledgers: one section each.": (
        "按牵头单位列出已逾期、即将到期、进度滞后和久未更新的任务，再列出已过或临近办结时限的"
        "信访件。多本台账时每本一节。"
    ),
    "Due soon: the deadline is within N days (today counts).": (
        "即将到期：整改时限在 N 天之内（含今天）。"
    ),
    "Only this level (repeatable): red 红色, yellow 黄色, blue 蓝色.": (
        "只看这一级别（可重复）：red 红色、yellow 黄色、blue 蓝色。"
    ),
    "Schedule health (repeatable): overdue 逾期, behind 未达序时进度, on_schedule "
    "达到序时进度, done_late 逾期完成, done_on_time 按期完成, done 已完成.": (
        "序时进度情况（可重复）：overdue 逾期、behind 未达序时进度、on_schedule 达到序时进度、"
        "done_late 逾期完成、done_on_time 按期完成、done 已完成。"
    ),
    "Behind when progress is this many points below the time-proportional expectation "
    "[default: the ledger's, else 10].": (
        "进度比按时间推算的应有进度低这么多个百分点即为滞后［默认：台账的设置，否则 10］。"
    ),
    "Stale after N days without a log entry [default: the ledger's, else 30].": (
        "连续 N 天没有记录即为久未更新［默认：台账的设置，否则 30］。"
    ),
    "Exit with 1 when any warning is found.": "发现任何预警时以退出码 1 结束。",
    "Write one warning notice (预警督办单) per lead department, its tasks and petition cases: "
    "Markdown, Word with --format docx, HTML with --format html, or PDF with --format pdf.": (
        "为每个牵头单位写一份预警督办单，含其整改任务和信访件：Markdown，"
        "或用 --format docx 生成 Word，用 --format html 生成网页，用 --format pdf 生成 PDF。"
    ),
    "With --notice: one file per department in DIR instead of stdout; or every notice in one "
    "HTML or PDF file (a printed page each).": (
        "与 --notice 同用：每个单位一个文件，写入 DIR，而不是标准输出；"
        "或把全部督办单写入一个 HTML 或 PDF 文件（每份单独成页）。"
    ),
    "A notice asks for a reply within N working days.": "督办单要求在 N 个工作日内反馈。",
    "With --notice: the office that sends and signs the notices, instead of each ledger's own "
    "[default: with several ledgers, issued_by in the rollup.toml of the folder that holds "
    "them].": (
        "与 --notice 同用：签发督办单的单位，代替各台账自己的签发单位"
        "［默认：多本台账时，为台账所在文件夹中 rollup.toml 的 issued_by］。"
    ),
    # report
    "Progress report in the form of the published notice: headline, progress per aspect, "
    "open tasks, indicators, warnings; as a web page (html), Word document (docx) or PDF too. "
    "Several ledgers: a roll-up table (one row each) and the total first, then each "
    "report.": (
        "按公开通报的格式生成进展报告：总体情况、各方面进展、未完成任务、指标、预警；"
        "也可生成网页（html）、Word 文档（docx）或 PDF。多本台账时先列汇总表（每本一行）和合计，"
        "再逐本报告。"
    ),
    "Report on one aspect (id or name).": "只报告一个问题方面（编号或名称）。",
    "Add Mermaid charts (task status, completion per aspect) to Markdown.": (
        "在 Markdown 中加入 Mermaid 图表（任务状态、各方面完成情况）。"
    ),
    "Write the report to FILE instead of stdout (an existing one only with --force); the "
    "format follows its suffix (.html, .docx, .pdf, .md, .json) unless --format says.": (
        "把报告写入 FILE，而不是标准输出（已有的文件须加 --force 才替换）；格式随其后缀"
        "（.html、.docx、.pdf、.md、.json），除非用 --format 指定。"
    ),
    "Add what the logs and readings prove changed since DATE (the last report).": (
        "加上自 DATE（上次报告）以来有记录和读数为证的变化。"
    ),
    "Only the roll-up table over the ledgers.": "只输出多本台账的汇总表。",
    # schema
    "Print the JSON Schema of tasks.toml, indicators.toml and petitions.toml, for "
    "editors.": "输出 tasks.toml、indicators.toml 和 petitions.toml 的 JSON Schema，供编辑器使用。",
    "One file's schema; all (as keys `tasks`, `indicators` and `petitions`) when left "
    "out.": "只输出一个文件的 schema；不指定时输出全部（键为 tasks、indicators 和 petitions）。",
    "Write tasks.schema.json, indicators.schema.json and petitions.schema.json into DIR instead.": (
        "改为把 tasks.schema.json、indicators.schema.json 和 petitions.schema.json 写入 DIR。"
    ),
    # init
    "Create a new ledger folder with commented example files and editor schemas.": (
        "新建一个台账文件夹，内含带注释的示例文件和编辑器用的 schema。"
    ),
    "The new ledger folder.": "新台账的文件夹。",
    "The ledger's title (the plan's name).": "台账标题（整改方案的名称）。",
    "Label language of the new ledger.": "新台账的显示语言。",
    "Write the Binzhou sample ledger (shipped with rectify) into DIR instead.": (
        "改为把 rectify 自带的滨州市示例台账写入 DIR。"
    ),
    # export
    "Write the ledger to Excel (xlsx) or CSV: tasks, their log, the indicators and their "
    "history, the ledger's settings and the petition cases; an import gives it back. With "
    "--as-of, as they stood at the end of that day.": (
        "把台账写成 Excel（xlsx）或 CSV：任务、任务记录、指标及其历史读数、台账信息和信访件；"
        "导入后原样恢复。加 --as-of 时为当日结束时的样子。"
    ),
    "The file to write (台账.xlsx).": "要写入的文件（如 台账.xlsx）。",
    "xlsx (one workbook) or csv (FILE, FILE-log.csv, FILE-indicators.csv, FILE-ledger.csv, "
    "…) [default: from FILE's suffix].": (
        "xlsx（一个工作簿）或 csv（FILE、FILE-log.csv、FILE-indicators.csv、FILE-ledger.csv 等）"
        "［默认：按 FILE 的后缀］。"
    ),
    "Replace existing files.": "替换已有的文件。",
    # add, remove, aspect add, indicator add
    "Add a task after the last task of its aspect, with a first log entry (新增); no other "
    "line of the file changes.": (
        "新增一项任务，放在同一问题方面最后一项任务之后，并写入第一条整改记录（新增）；"
        "文件的其他行不变。"
    ),
    "The task, in one line (整改任务).": "整改任务，写成一行。",
    "The aspect's id or name (问题方面).": "问题方面的编号或名称。",
    "The lead department (牵头单位).": "牵头单位。",
    "The deadline (整改时限).": "整改时限。",
    "No deadline: kept up for good (长期坚持).": "无整改时限，长期坚持。",
    "A measure (repeatable).": "一条整改措施（可重复）。",
    "A partner department (repeatable).": "一个配合单位（可重复）。",
    "Start date [default: the ledger's feedback date].": "开始日期［默认：督察反馈日期］。",
    "A related indicator's id (repeatable).": "一项相关指标的编号（可重复）。",
    "Notes (备注).": "备注。",
    "The leader in charge (责任领导).": "责任领导。",
    "The person responsible (责任人).": "责任人。",
    "Contact phone (联系电话).": "联系电话。",
    "The new task's id [default: the next free one].": "新任务的编号［默认：下一个未用的编号］。",
    "Date of the first log entry [default: today].": "第一条整改记录的日期［默认：今天］。",
    "Remove a task added by mistake and never worked on; one with a history is cancelled "
    "instead.": "删除误加且从未办理的任务；已有整改记录的任务不能删除，请改为撤销。",
    "The task's id, e.g. T25.": "任务编号，如 T25。",
    "Aspects (问题方面) of a ledger.": "台账的问题方面。",
    "Add an aspect after the last one (before the tasks when there is none); no other line "
    "of the file changes.": (
        "新增一个问题方面，放在最后一个问题方面之后（没有时放在任务之前）；文件的其他行不变。"
    ),
    "The aspect's id, e.g. A7.": "问题方面的编号，如 A7。",
    "The aspect's name (问题方面).": "问题方面的名称。",
    "Indicators (指标) of a ledger.": "台账的指标。",
    "Add an indicator at the end of indicators.toml (made when the ledger has none); its "
    "values are recorded with rectify record.": (
        "在 indicators.toml 末尾新增一项指标（台账没有该文件时新建）；数值用 rectify record 记录。"
    ),
    "The indicator's id, e.g. pm25.": "指标编号，如 pm25。",
    "The indicator's name (指标名称).": "指标名称。",
    "Which way is better: lower or higher.": "改善方向：lower（越低越好）或 higher（越高越好）。",
    "Unit, e.g. μg/m³ or %.": "单位，如 μg/m³ 或 %。",
    "Group for reports, e.g. air, water.": "报告中分组用的类别，如 air、water。",
    "The target value.": "目标值。",
    "The baseline value.": "基准值。",
    "What the baseline covers.": "基准值所属的期间。",
    "A note (备注).": "备注。",
    # update
    "Change a task and append one entry to its log; no other line of the file changes.": (
        "修改一项任务，并在其记录中追加一条；文件的其他行一概不动。"
    ),
    "Task id, e.g. T05; LEDGER:T05 picks one of several ledgers.": (
        "任务编号，如 T05；多本台账时用 台账:T05 指定其中一本。"
    ),
    "New status: not_started 未启动, in_progress 推进中, done 已完成, closed 已销号.": (
        "新状态：not_started 未启动、in_progress 推进中、done 已完成、closed 已销号。"
    ),
    "Progress in percent (60 or 60%).": "进度（百分比，写 60 或 60%）。",
    "What happened; given alone, it annotates the log.": "情况说明；单独给出时只在记录中加一条说明。",
    "Date of the log entry, and completed_on when marked done [default: today].": (
        "这条记录的日期，标为已完成时也是完成日期［默认：今天］。"
    ),
    "Evidence to add (repeatable).": "要添加的佐证材料（可重复）。",
    "Who records this, kept in the log entry [default: not recorded].": (
        "记录人，写入这条记录［默认：不记录］。"
    ),
    "Reopen a done or closed task (needs --note saying why).": (
        "重新打开已完成或已销号的任务（须用 --note 说明原因）。"
    ),
    "Print the exact diff that would be written; write nothing.": (
        "显示将要写入的确切改动（diff），不写入任何内容。"
    ),
    # edit, postpone, cancel, fold
    "Change any field of a task; each change is logged as old → new in one log entry.": (
        "修改任务的任一字段；每项改动以“原值 → 新值”记入同一条记录。"
    ),
    "New title.": "新的任务标题。",
    "Move to another aspect (id or name).": "改到另一个问题方面（编号或名称）。",
    "New lead department (牵头单位).": "新的牵头单位。",
    "A measure to add (repeatable).": "要添加的整改措施（可重复）。",
    "A measure to remove, by its text or number from 1 (repeatable).": (
        "要删除的整改措施，按原文或从 1 起的序号（可重复）。"
    ),
    "A partner department to add (repeatable).": "要添加的配合单位（可重复）。",
    "A partner department to remove, by name or number (repeatable).": (
        "要删除的配合单位，按名称或序号（可重复）。"
    ),
    "An indicator id to add; it must exist (repeatable).": "要添加的指标编号，须已存在（可重复）。",
    "An indicator id to remove (repeatable).": "要删除的指标编号（可重复）。",
    "Evidence to remove, by its text or number (repeatable).": (
        "要删除的佐证材料，按原文或序号（可重复）。"
    ),
    "New start date.": "新的开始日期。",
    "An earlier deadline (a later one is rectify postpone).": (
        "提前整改时限（推后时限请用 rectify postpone）。"
    ),
    "Ongoing (长期坚持): yes clears the deadline.": "长期坚持：yes 时去掉整改时限。",
    "Replace the notes (备注).": "替换备注。",
    "Correct the completion date.": "更正完成日期。",
    "Why, kept in the log entry.": "改动原因，写入这条记录。",
    "Postpone a task's deadline (延期) with a reason; the original deadline stays in the log.": (
        "延期：推后任务的整改时限并说明理由；原定时限保留在记录中。"
    ),
    "The new, later deadline.": "新的、更晚的整改时限。",
    "Why the deadline moves (required).": "延期理由（必填）。",
    "Cancel a task the plan drops (已撤销); it leaves the open counts and the warnings.": (
        "撤销方案不再推进的任务（已撤销）；不再计入未完成任务和预警。"
    ),
    "Why (required), kept in the log.": "原因（必填），写入记录。",
    "Merge a task into another (已合并, merged_into); it leaves the open counts.": (
        "把任务并入另一项任务（已合并，merged_into）；不再计入未完成任务。"
    ),
    "The task it is merged into.": "并入的目标任务编号。",
    # record
    "Record an indicator's new value; the previous reading moves to its history.": (
        "记录一个指标的新数值；上一次的读数移入其历史读数。"
    ),
    "Indicator id, e.g. pm25.": "指标编号，如 pm25。",
    "The new value, e.g. 29 or 3.67.": "新数值，如 29 或 3.67。",
    "What the value covers, e.g. 2025-10.": "数值所属期间，如 2025-10。",
    "Published change vs the comparison period, signed (-16.7).": (
        "公布的与比较期相比的变化，带正负号（如 -16.7）。"
    ),
    "Published rank (1 is best).": "公布的排名（1 为最好）。",
    "Published rank of the change.": "公布的改善幅度排名。",
    "Replace the value of the current period (a correction).": "替换本期的数值（更正）。",
    "The day the value is recorded [default: today].": "记录数值的日期［默认：今天］。",
    # undo
    "Undo the last write rectify made to the ledger (update, record, import, ...), printing "
    "its diff; run again, it goes one write further back.": (
        "撤销 rectify 对台账的最近一次写入（update、record、import 等），并显示其改动（diff）；"
        "再次运行则再往前撤销一次。"
    ),
    "How many writes to undo, the newest first.": ("要撤销的写入次数，从最近的一次算起。"),
    # log
    "The history of one task or of all, newest first: what changed, when, by whom. With "
    "several ledgers, a ledger column and ids qualified where two ledgers share one. With "
    "--as-of, the history up to that day.": (
        "一项或全部任务的历史记录，最新的在前：改了什么、何时、由谁记录。多本台账时增加台账"
        "一列，两本台账编号相同时加台账名区分。加 --as-of 时只列到当日为止的记录。"
    ),
    "Task id [default: every task]; LEDGER:T01 picks one of several ledgers.": (
        "任务编号［默认：全部任务］；多本台账时用 台账:T01 指定其中一本。"
    ),
    "Entries on or after this date.": "这一天及以后的记录。",
    # import
    "Import tasks (and an export's indicators) from an Excel or CSV 台账; every bad row is "
    "reported before writing.": (
        "从 Excel 或 CSV 台账导入任务（以及导出文件中的指标）；写入前报告每一行错误。"
    ),
    "A 台账 spreadsheet: .xlsx or .csv.": "台账表格：.xlsx 或 .csv。",
    "Update tasks (and indicators) whose id is already in the ledger.": (
        "更新台账中已有编号的任务（和指标）。"
    ),
    "Show what would be imported; write nothing.": "显示将要导入的内容，不写入任何内容。",
    "Also print the change to tasks.toml (and indicators.toml) as a diff.": (
        "同时以 diff 形式显示 tasks.toml（和 indicators.toml）的改动。"
    ),
    "Aspect for rows that name none.": "未写问题方面的行归入这个方面。",
    "Read a column rectify does not know as a field, e.g. 督办意见=notes, or ignore it: "
    "备注=skip (repeatable).": (
        "把 rectify 不认识的列读作某个字段，如 督办意见=notes，或忽略它：备注=skip（可重复）。"
    ),
    "The xlsx sheet to read [default: found].": "要读取的 xlsx 工作表［默认：自动查找］。",
    "With --update, an empty cell clears the field [default: it keeps the value, and the "
    "summary says so].": "与 --update 同用：空单元格清空该字段［默认：保留原值，并在汇总中说明］。",
    "Cancel the open tasks of the ledger the sheet lacks [default: reported].": (
        "撤销台账中有、表中没有的未完成任务［默认：只报告］。"
    ),
    # changes
    "Every event the logs and indicator readings prove since DATE, in date order: tasks "
    "added, completed, signed off, reopened, cancelled, merged or postponed, progress moved, "
    "evidence added, new readings, petition cases closed; then the tasks now overdue or "
    "behind. Nothing without a record behind it.": (
        "自 DATE 以来有记录和指标读数为证的每一件事，按日期排列：任务的新增、完成、销号、"
        "重新打开、撤销、合并、延期，进度变化，新增佐证材料，新的读数，办结的信访件；"
        "然后是新近逾期或滞后的任务。没有记录为证的一概不列。"
    ),
    "From this day (the last report), included.": "从这一天（上次报告）起，含当天。",
    # dispatch
    "The monthly dispatch round (调度): forms for the lead departments, read back.": (
        "每月调度：为牵头单位生成调度表，并读回报送的调度表。"
    ),
    "One fill-in form per lead department with open tasks (or the one named): its tasks "
    "locked, this period's progress, 进展情况, 佐证材料 and status to fill in.": (
        "为每个有未完成任务的牵头单位（或指定的单位）生成一份调度表：任务内容锁定，"
        "填写本期进度、进展情况、佐证材料和状态。"
    ),
    "The folder to write the forms in.": "调度表写入的文件夹。",
    "Only this lead department's form.": "只生成这个牵头单位的调度表。",
    "The round's month [default: this month].": "调度期次（月份）［默认：本月］。",
    "When forms are due back [default: the period's end].": "报送截止日期［默认：该月最后一天］。",
    "xlsx or csv.": "xlsx 或 csv。",
    "Read returned forms back: one log entry per task a form changed, by its department, all "
    "in one write (undo takes it back); a form of another ledger or round, imported already, "
    "or with a locked cell changed is refused and nothing is written.": (
        "读回报送的调度表：表中每项有变化的任务记一条记录，填报人为该单位，一次写入"
        "（可用 undo 撤回）；其他台账或其他期次的表、已导入过的表、锁定单元格被改动的表一律拒绝，"
        "不写入任何内容。"
    ),
    "Returned forms (.xlsx or .csv).": "报送回来的调度表（.xlsx 或 .csv）。",
    "Refuse a form of another round [default: take the form's own round].": (
        "拒绝其他期次的调度表［默认：按表中的期次读取］。"
    ),
    "Show what would change; write nothing.": "显示将要改动的内容，不写入任何内容。",
    "Which departments have returned the round's forms (read from the log: entries by the "
    "lead department within the round), which are late, and which tasks are unreported.": (
        "本期调度中哪些单位已报送（从记录读出：本期内由牵头单位填报的记录）、哪些逾期、"
        "哪些任务尚未填报。"
    ),
    # merge
    "Merge a ledger file as git's merge driver: by task, aspect, indicator and petition "
    "case; exit 1 when a conflict is left for a person, marked in the file.": (
        "作为 git 的合并驱动合并台账文件：按任务、问题方面、指标和信访件合并；"
        "留下需要人工处理的冲突时（已在文件中标出）退出码为 1。"
    ),
    "The common ancestor's version (%O).": "共同祖先的版本（%O）。",
    "Our version (%A), replaced by the merge.": "我方的版本（%A），合并结果写回这里。",
    "Their version (%B).": "对方的版本（%B）。",
    "The file's path in the repository (%P).": "文件在仓库中的路径（%P）。",
    "Set rectify up as git's merge driver for the ledger files in this folder.": (
        "把 rectify 设为此文件夹中台账文件的 git 合并驱动。"
    ),
}
