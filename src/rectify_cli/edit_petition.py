"""Writing petition cases (信访件): `rectify petition add` and `rectify petition update`.

The rules, pure (`plan_case_update`): a case's handling status, finding and dates change as
a task's do, each change logged as `field: old → new` in a new `[[petitions.log]]` entry;
a case closed or stage-closed gets its 办结日期 (the entry's date unless given), and one
taken back to 办理中 needs a note saying why.  The file: an update goes through the one
locked, checked, atomic edit of `update` and `record` (edit.edit_item); a new case is one new
block at the end of petitions.toml, the whole new file validated before the same atomic,
compare-and-swap write (edit_file.write_if_unchanged).  Every other byte stays as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .controls import control_problem
from .edit import Outcome, edit_item, ledger_lang_of, locked
from .edit_file import (
    BOM,
    PETITIONS_KIND,
    check_integrity,
    create_ledger_file,
    ensure_writable,
    read_ledger_file,
    remove_leftovers,
    write_if_unchanged,
)
from .edit_rules import Plan, revalidate
from .edit_style import status_style
from .edit_text import TextLayout, new_block
from .errors import LedgerNotFound, UsageError, WriteRefused
from .files import PETITIONS_FILE, display_path, no_ledger_folder, resolve_root
from .i18n import field_name, say, spoken
from .kinds import ADDED, Finding, Handling
from .models import Petition, PetitionFile, PetitionLogEntry
from .records import matching_id
from .store import load_file
from .textfmt import change_text


@dataclass(frozen=True)
class CaseUpdate:
    """What `rectify petition update` was asked to do; everything but the date is optional."""

    date: dt.date
    handling: Handling | None = None
    finding: Finding | None = None
    received: dt.date | None = None
    deadline: dt.date | None = None
    closed_on: dt.date | None = None
    lead: str | None = None
    note: str = ""
    by: str | None = None


# The fields an update may change, in the order their changes are logged.
_FIELDS = ("status", "finding", "received", "deadline", "closed_on", "lead")


def refuse_controls(case_id: str, texts: dict[str, str | None]) -> None:
    """A text that would hold a control character is refused, as `check` refuses one in a
    task: the ledger is read on terminals."""
    for key, text in texts.items():
        why = control_problem(text)
        if why is not None:
            raise WriteRefused(
                say(
                    "petition case {id}: {field}: {why}",
                    "信访件 {id}：{field}：{why}",
                    id=case_id,
                    field=field_name(key, petition=True),
                    why=why,
                )
            )


def _refuse_blank_lead(cid: str, lead: object) -> None:
    """A case's responsible unit may be left out, never written blank: a notice would be
    addressed to no one."""
    if isinstance(lead, str) and not lead.strip():
        raise WriteRefused(
            say(
                "petition case {id}: --lead must not be empty",
                "信访件 {id}：--lead 不能为空",
                id=cid,
            )
        )


def plan_case_update(case: Petition, upd: CaseUpdate) -> Plan[Petition] | None:
    """The case after `upd` with its new log entry, or None when there is nothing to do."""
    cid = case.id
    note = upd.note.strip()
    refuse_controls(cid, {"note": note, "by": upd.by, "lead": upd.lead})
    _refuse_blank_lead(cid, upd.lead)
    old, new = case.status, upd.handling or case.status
    closed_on = upd.closed_on if upd.closed_on is not None else case.closed_on
    if new.is_open and not old.is_open:
        if not note:
            raise WriteRefused(
                say(
                    "petition case {id} is {old}; taking it back to handling (办理中) needs a "
                    "--note saying why",
                    "信访件 {id} 为“{old}”；改回办理中须用 --note 说明原因",
                    id=cid,
                    old=old.label_zh if spoken() == "zh" else old.value,
                )
            )
        if upd.closed_on is None:
            closed_on = None
    if not new.is_open and closed_on is None:
        closed_on = upd.date  # closed today unless said otherwise, as a task's completed_on
    data = case.model_dump()
    data.update(
        status=new,
        finding=upd.finding or case.finding,
        received=upd.received or case.received,
        deadline=upd.deadline or case.deadline,
        closed_on=closed_on,
        lead=upd.lead.strip() if upd.lead is not None else case.lead,
    )
    after_fields = revalidate(Petition, data, "petition", cid)
    changes = [
        change_text(name, getattr(case, name), getattr(after_fields, name))
        for name in _FIELDS
        if getattr(case, name) != getattr(after_fields, name)
    ]
    if not changes and not note:
        return None
    entry = PetitionLogEntry(
        date=upd.date,
        status=new if new != old else None,
        note=note,
        by=upd.by,
        changes=changes,
    )
    data["log"] = [*case.log, entry]
    after = revalidate(Petition, data, "petition", cid)
    return Plan(before=case, after=after, changes=tuple(changes), note=note, appended=entry)


def _petitions_path(ledger: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    root = resolve_root(ledger)
    if not root.is_dir():
        raise no_ledger_folder(root)
    return root, root / PETITIONS_FILE


def update_petition(
    ledger: str | os.PathLike[str] | None, case_id: str, upd: CaseUpdate, *, dry_run: bool = False
) -> Outcome:
    """Apply `upd` to one case of the ledger's petitions.toml, or say why not."""
    root, path = _petitions_path(ledger)
    if not path.exists():
        raise LedgerNotFound(
            say(
                "{path}: file not found; add the first case with rectify petition add",
                "{path}：文件不存在；请先用 rectify petition add 添加信访件",
                path=display_path(path),
            )
        )

    def planner(item: dict[str, Any]) -> Plan[Petition] | None:
        return plan_case_update(Petition.model_validate(item), upd)

    return edit_item(root, path, PETITIONS_KIND, case_id, planner, dry_run)


def add_petition(
    ledger: str | os.PathLike[str] | None,
    fields: dict[str, Any],
    first: PetitionLogEntry,
    *,
    dry_run: bool = False,
) -> Outcome:
    """A new case from `fields` (the keys of a `[[petitions]]` table) with `first` as its
    first log entry (marked `kind = "added"`), appended at the end of petitions.toml (made if
    missing), its statuses in the style the file writes them in (`办理中` or `handling`)."""
    root, path = _petitions_path(ledger)
    shown = display_path(path)
    ident = str(fields.get("id", ""))
    _refuse_blank_lead(ident, fields.get("lead"))
    first = first.model_copy(update={"kind": ADDED})
    case = revalidate(Petition, {**fields, "log": [first]}, "petition", ident)
    refuse_controls(
        ident, {k: fields.get(k) for k in ("id", "title", "batch", "area", "lead", "notes")}
    )
    refuse_controls(ident, {"note": first.note, "by": first.by})
    guard = nullcontext() if dry_run else locked(path, shown)
    with guard:
        exists = path.exists()
        raw = read_ledger_file(path, shown) if exists else b""
        bom = BOM if raw.startswith(BOM) else b""
        body = raw[len(bom) :]
        if exists:
            if not dry_run:
                ensure_writable(path, shown)
                remove_leftovers(path)
            _refuse_clash(load_file(path, PetitionFile, raw=raw), case.id, shown)
        crlf = b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
        zh = status_style(TextLayout(body), False)
        text = new_block(PETITIONS_KIND.table, PETITIONS_KIND.sub, case, first, zh)
        if not exists:
            text = f"version = 1\n\n{text}"
        block = text.replace("\n", "\r\n").encode("utf-8") if crlf else text.encode("utf-8")
        nl = b"\r\n" if crlf else b"\n"
        sep = b"" if not body or body.endswith(nl * 2) else nl if body.endswith(nl) else nl * 2
        pieces = [bom, body, sep, block]
        whole = load_file(path, PetitionFile, raw=b"".join(pieces))
        check_integrity(whole, root)
        if whole.petitions[-1] != case:
            raise WriteRefused(
                say(
                    "{shown}: the new case {id} would not read back as written; nothing was "
                    "written; add it by hand",
                    "{shown}：新增的信访件 {id} 写入后无法原样读回；未写入任何内容，请手工添加",
                    shown=shown,
                    id=case.id,
                )
            )
        if not dry_run:
            if exists:
                write_if_unchanged(path, shown, raw, pieces, PETITIONS_KIND, "updating", root=root)
            else:
                create_ledger_file(root, path, b"".join(pieces), "updating")
    return Outcome(
        kind="petition",
        ident=case.id,
        path=path,
        shown=shown,
        note=first.note,
        written=not dry_run,
        lang=ledger_lang_of(root),
        old=body,
        block=sep + block,
        start=len(body),
        end=len(body),
    )


def _refuse_clash(cases: PetitionFile, case_id: str, shown: str) -> None:
    if cases.summary is not None:
        raise UsageError(
            say(
                "{shown} records totals only ([summary]); itemised cases go in a file without "
                "one, so replace the summary by the cases first",
                "{shown} 只记录了总数（[summary]）；逐件登记的信访件不能与总数并存，请先将总数"
                "改为逐件登记",
                shown=shown,
            )
        )
    same = matching_id(case_id, [p.id for p in cases.petitions])
    if same is not None:
        raise UsageError(
            say(
                "petition case {id} is already in {shown}; change it with rectify petition "
                "update {same}",
                "信访件 {id} 已在 {shown} 中；如需修改请用 rectify petition update {same}",
                id=case_id,
                shown=shown,
                same=same,
            )
        )
