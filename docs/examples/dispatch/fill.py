"""Fill in a dispatch form as a department would in Excel: python fill.py FORM CELL=VALUE ...

    python fill.py 调度/2025-10-市水利局.xlsx B3=2025-10-20 H6=80 J6=方案已印发 I6=完成

A whole number is written as a number, anything else as typed text (a date as 2025-10-20 is
read back as a date).  openpyxl, like a person with the sheet unprotected, can change the
locked cells too: `rectify dispatch import` refuses such a form and names the cell.
"""

import sys

import openpyxl

path, *pairs = sys.argv[1:]
book = openpyxl.load_workbook(path)
sheet = book["调度表"]
for pair in pairs:
    ref, value = pair.split("=", 1)
    sheet[ref] = int(value) if value.isdigit() else value
book.save(path)
