#!/usr/bin/env python3
"""Recipe for the input fixtures: the same users as fixtures/input/utf8-comma.csv in every
format hubcsv reads. Run from the repository root:

    pip install openpyxl xlwt odfpy
    python3 scripts/make_spreadsheets.py

Spreadsheets hold what Excel users really have: phone numbers stored as numbers, real
booleans, a formula (with its cached value), accents, CJK and emoji.
"""
import io
import re
import zipfile

HEADER = ['First Name', 'Last Name', 'Display Name', 'User ID/Email (Required)', 'Extension',
          'Phone Number', 'Location', 'Preferred Webex Site', 'Webex Calling [Sub100200]',
          'Webex Voice [Sub100200]', 'Webex Suite [Sub100200]', 'Webex Meetings [Sub100200]',
          'Basic Messaging']
T, F = True, False
# A phone given as int is a number cell in spreadsheets; a ('formula', cached) display name is
# a formula cell.
ROWS = [
    ['Inès', 'Dupré', 'Dupré, Inès', 'ines.dupre@example.com', '1001', '+14085550101', 'Paris', '', T, F, F, F, F],
    ['美咲', '山田', '山田 美咲', 'misaki.yamada@example.com', '1002', 14085550102, 'Paris', '', T, F, F, F, F],
    ['Zoë 🎉', 'Müller', ('=A4&" "&B4', 'Zoë 🎉 Müller'), 'zoe.muller@example.com', '', '', '', 'acme.webex.com', F, F, F, T, F],
    ['Søren', 'Østergaard', 'Søren Østergaard', 'soren@example.com', '1004', '+14085550104', '', '', F, T, F, F, F],
    ['Ana', 'Silva', 'Ana Silva', 'ana.silva@example.com', '', '', '', '', F, F, F, F, F],
    ['Ben', 'Okafor', 'Ben Okafor', 'ben.okafor@example.com', '1006', '+14085550106', 'Paris', '', T, F, F, F, T],
]


def text(v):
    if isinstance(v, bool):
        return 'TRUE' if v else 'FALSE'
    if isinstance(v, tuple):
        return v[1]
    return str(v)


def csv_line(values, delim=','):
    out = []
    for v in values:
        s = text(v)
        if any(c in s for c in (delim, '"', '\n')):
            s = '"' + s.replace('"', '""') + '"'
        out.append(s)
    return delim.join(out)


def write_text(path, delim, encoding, rows, header=HEADER, bom=b''):
    body = '\r\n'.join([csv_line(header, delim)] + [csv_line(r, delim) for r in rows]) + '\r\n'
    with open(path, 'wb') as f:
        f.write(bom + body.encode(encoding))


def xlsx(path, rows, header=HEADER):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Users'
    ws.append(header)
    cached = {}
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            if isinstance(v, tuple):
                ws.cell(row=r, column=c, value=v[0])
                cached[ws.cell(row=r, column=c).coordinate] = v[1]
            else:
                ws.cell(row=r, column=c, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl writes formulas without a cached value; add it as Excel would.
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == 'xl/worksheets/sheet1.xml':
                xml = data.decode('utf-8')
                for ref, value in cached.items():
                    xml = re.sub(r'<c r="%s"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?' % ref,
                                 lambda m: '<c r="%s"%s t="str"><f>%s</f><v>%s</v>' % (ref, m.group(1), m.group(2), value), xml)
                    xml = re.sub(r'<c r="%s"([^>]*)><f>(.*?)</f></c>' % ref,
                                 lambda m: '<c r="%s"%s t="str"><f>%s</f><v>%s</v></c>' % (ref, m.group(1), m.group(2), value), xml)
                data = xml.encode('utf-8')
            zout.writestr(item, data)


def xls(path, rows):
    import xlwt
    wb = xlwt.Workbook(encoding='utf-8')
    ws = wb.add_sheet('Users')
    for c, h in enumerate(HEADER):
        ws.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            ws.write(r, c, text(v) if isinstance(v, tuple) else v)
    wb.save(path)


def ods(path, rows):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P
    doc = OpenDocumentSpreadsheet()
    table = Table(name='Users')

    def cell(v):
        if isinstance(v, bool):
            c = TableCell(valuetype='boolean', booleanvalue='true' if v else 'false')
            c.addElement(P(text='TRUE' if v else 'FALSE'))
        elif isinstance(v, int):
            c = TableCell(valuetype='float', value=str(v))
            c.addElement(P(text=str(v)))
        elif isinstance(v, tuple):
            c = TableCell(valuetype='string', formula='of:=[.A4]&" "&[.B4]', stringvalue=v[1])
            c.addElement(P(text=v[1]))
        else:
            c = TableCell(valuetype='string')
            c.addElement(P(text=v))
        return c

    for row in [HEADER] + rows:
        tr = TableRow()
        for v in row:
            tr.addElement(cell(v))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(path)


FRENCH = [[{True: 'VRAI', False: 'FAUX'}.get(v, v) if isinstance(v, bool) else v for v in r] for r in ROWS]


def main():
    d = 'fixtures/input/'
    write_text(d + 'utf8-comma.csv', ',', 'utf-8', ROWS)
    write_text(d + 'utf16le-tab-bom.csv', '\t', 'utf-16-le', ROWS, bom=b'\xff\xfe')
    # cp1252 cannot hold CJK or emoji: the French file has the Latin-script users only.
    latin = [r for r in FRENCH if all(isinstance(v, (bool, int)) or text(v).encode('cp1252', 'ignore').decode('cp1252') == text(v) for v in r)]
    write_text(d + 'cp1252-semicolon-french-excel.csv', ';', 'cp1252', latin)
    write_text(d + 'utf8-comma-french-excel.csv', ',', 'utf-8', latin)
    xlsx(d + 'packages.xlsx', ROWS)
    ods(d + 'packages.ods', ROWS)
    xls(d + 'packages.xls', ROWS)
    # Rule fixtures that only a spreadsheet can show.
    std = ['First Name', 'Last Name', 'Display Name', 'User ID/Email (Required)', 'User Status', 'Extension',
           'Phone Number', 'Caller ID Number', 'Location', 'Preferred Webex Site', 'Webex Calling [Sub100200]',
           'Webex Voice [Sub100200]', 'Webex Suite [Sub100200]', 'Webex Meetings [Sub100200]',
           'Customer Assist [Sub100200]', 'Common Area Calling [Sub100200]', 'Basic Messaging',
           'Basic Space Meetings', 'Call on Webex (1:1 call, non-PSTN)']
    clean = ['Ana', 'Silva', 'Ana Silva', 'ana.silva@example.com', '', '1001', '+14085550101', '', 'HQ', '',
             T, F, F, F, F, F, F, F, F]
    err = ['Ben', 'Okafor', 'Ben Okafor', 'ben.okafor@example.com', '', '1002', '#N/A', '', 'HQ', '',
           T, F, F, F, F, F, F, F, F]
    num = ['Chloe', 'Martin', 'Chloe Martin', 'chloe.martin@example.com', '', 1003, '+14085550103', '', 'HQ', '',
           T, F, F, F, F, F, F, F, F]
    xlsx('fixtures/rules/HC036-cell-error.xlsx', [clean, err], header=std)
    xlsx('fixtures/rules/HC037-extension-stored-as-number.xlsx', [clean, num], header=std)


if __name__ == '__main__':
    main()
