#!/usr/bin/env python3
"""Recipe for the fixtures of formula cells without a saved result, as programs that do not
calculate write them (openpyxl, pandas, odfpy): `=TRUE()` and `=FALSE()` in Ben's license
cells (F3, G3), with no value. Run from the repository root:

    pip install openpyxl odfpy
    python3 scripts/make_formula_fixtures.py

- formulas-without-results-and-a-date.xlsx: fixtures/input/formulas-without-results.xlsx
  with a Title column whose one cell is a date. The date format sends the sheet to
  calamine's reader instead of hubcsv's parallel one: both must report the formulas.
- formulas-without-results.ods: the same table (without the date) as an OpenDocument
  spreadsheet, a `table:formula` with no `office:value`.
- formulas-without-results-typed.xlsx: fixtures/input/formulas-without-results.xlsx with
  Ben's two formula cells typed as booleans (`t="b"`, empty `<v>`), as some writers do.

xls and xlsb cannot hold such a cell: every formula record carries a result (xlwt, which
does not calculate, writes empty text there).
"""
import datetime

HEADER = ['First Name', 'User ID/Email (Required)', 'Extension', 'Phone Number', 'Location',
          'Webex Calling [Sub1]', 'Basic Messaging']
ANA = ['Ana', 'ana@example.com', '1001', '+14085550101', 'HQ', 'TRUE', 'FALSE']
BEN = ['Ben', 'ben@example.com', '1002', '+14085550102', 'HQ', ('=TRUE()', 'of:=TRUE()'),
       ('=FALSE()', 'of:=FALSE()')]
D = 'fixtures/input/'


def xlsx(path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Users'
    ws.append(HEADER + ['Title'])
    # openpyxl writes a formula as `<f>` with an empty `<v>`: no result.
    ws.append(ANA + [datetime.date(2024, 5, 1)])
    ws.append([v[0] if isinstance(v, tuple) else v for v in BEN])
    wb.save(path)


def ods(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P
    doc = OpenDocumentSpreadsheet()
    table = Table(name='Users')
    for row in [HEADER, ANA, BEN]:
        tr = TableRow()
        for v in row:
            if isinstance(v, tuple):
                # A formula and no value type nor value: never calculated.
                c = TableCell(formula=v[1])
            else:
                c = TableCell(valuetype='string')
                c.addElement(P(text=v))
            tr.addElement(c)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(path)


def typed(source, path):
    import zipfile
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == 'xl/worksheets/sheet1.xml':
                for cell in (b'F3', b'G3'):
                    old = b'<c r="' + cell + b'">'
                    assert old in data, cell
                    data = data.replace(old, b'<c r="' + cell + b'" t="b">')
            zout.writestr(item, data)


def main():
    xlsx(D + 'formulas-without-results-and-a-date.xlsx')
    ods(D + 'formulas-without-results.ods')
    typed(D + 'formulas-without-results.xlsx', D + 'formulas-without-results-typed.xlsx')


if __name__ == '__main__':
    main()
