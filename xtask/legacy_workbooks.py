"""Writes the committed .xls and .ods inventory fixtures (fixtures/importers/legacy/).

rust_xlsxwriter writes xlsx only, so these two come from Python:
    pip install odfpy==1.4.1 xlwt==1.3.0
    python3 xtask/legacy_workbooks.py
"""
from pathlib import Path

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "importers" / "legacy"

HEADER = ["Pool", "Site", "Edition", "Version", "Servers", "Users", "Virtual", "OS", "Partner Pool"]
ROWS = [
    ["pool-ber.contoso.test", "Berlin", "Enterprise", "Skype for Business Server 2015", 4.0, 21000.0,
     "no", "Windows Server 2012 R2", "pool-par.contoso.test"],
    ["pool-fra.contoso.test", None, "Enterprise", "6.0.9319.0", 3.0, "9.500",
     "no", "Windows Server 2012 R2", "pool-par.contoso.test"],
    ["pool-par.contoso.test", "Paris", "Enterprise", "SfB 2015", 4.0, 18000.0,
     "yes", "Windows Server 2016", "pool-ber.contoso.test"],
]


def write_xls(path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Inventory")
    for c, h in enumerate(HEADER):
        ws.write(0, c, h)
    for r, row in enumerate(ROWS, start=1):
        for c, v in enumerate(row):
            if v is not None and c != 1:
                ws.write(r, c, v)
    # Site "Berlin" merged over the pool-ber and pool-fra rows (B2:B3); Paris on its own.
    ws.write_merge(1, 2, 1, 1, "Berlin")
    ws.write(3, 1, "Paris")
    wb.save(str(path))


def write_ods(path):
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Inventar")
    german = ["Pool-FQDN", "Standort", "Edition", "Version", "Anzahl Server", "Benutzer", "Virtualisiert",
              "Betriebssystem", "Partnerpool"]
    for row in [german] + [[r[0], r[1] or "Berlin"] + r[2:] for r in ROWS]:
        tr = TableRow()
        for v in row:
            if isinstance(v, float):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(int(v))))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    write_xls(OUT / "contoso.xls")
    write_ods(OUT / "contoso.ods")
    print("wrote", OUT / "contoso.xls", OUT / "contoso.ods")
