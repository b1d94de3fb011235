#!/usr/bin/env python3
"""Recipe for the input fixtures: the same users as fixtures/input/utf8-comma.csv in every
format hubcsv reads. Run from the repository root:

    pip install openpyxl xlwt odfpy
    python3 scripts/make_spreadsheets.py           # every fixture
    python3 scripts/make_spreadsheets.py xlsb      # only packages.xlsb (no package needed)

No Python package writes xlsb, so `xlsb()` writes its BIFF12 records itself ([MS-XLSB]): the
parts Excel writes for a one-sheet workbook, text in the shared string table as Excel keeps
it, phones as floating-point numbers, booleans, and the formula with its cached value.

Spreadsheets hold what Excel users really have: phone numbers stored as numbers, real
booleans, a formula (with its cached value), accents, CJK and emoji.
"""
import io
import re
import struct
import sys
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


def offset_table(path):
    """A sheet whose table starts at C5 (a title or a logo above it, as admins make them), its
    header naming `Location` twice: columns A and B are blank, header cells are on row 5."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Users'
    header = ['User ID/Email (Required)', 'Location', 'Webex Calling', 'Extension', 'location']
    rows = [['ana.silva@example.com', 'HQ', True, '1001', 'HQ'],
            ['ben.okafor@example.com', 'HQ', True, '1002', '']]
    for r, row in enumerate([header] + rows, start=5):
        for c, v in enumerate(row, start=3):
            ws.cell(row=r, column=c, value=v)
    wb.save(path)


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


def _record(kind, data=b''):
    """A BIFF12 record: its type and size as 7-bit varints (MS-XLSB 2.1.4), then its data."""
    out = bytearray([kind & 0x7F | 0x80, kind >> 7]) if kind >= 0x80 else bytearray([kind])
    size = len(data)
    while True:
        byte, size = size & 0x7F, size >> 7
        out.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(out) + data


def _wide(text):
    """XLWideString: a u32 count of UTF-16 code units, then UTF-16LE."""
    units = text.encode('utf-16-le')
    return struct.pack('<I', len(units) // 2) + units


def xlsb(path, rows, header=HEADER, sheet='Users'):
    strings, index = [], {}

    def isst(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    body = bytearray()
    for r, row in enumerate([header] + rows):
        # BrtRowHdr: row, style, height (twips), flags, no column spans.
        body += _record(0x00, struct.pack('<IIH3sI', r, 0, 300, b'\0\0\0', 0))
        for c, v in enumerate(row):
            cell = struct.pack('<II', c, 0)  # column, style 0
            if isinstance(v, bool):
                body += _record(0x04, cell + bytes([v]))  # BrtCellBool
            elif isinstance(v, int):
                body += _record(0x05, cell + struct.pack('<d', v))  # BrtCellReal
            elif isinstance(v, tuple):
                # BrtFmlaString: the cached value, flags, then the formula A{r+1}&" "&B{r+1}
                # as parsed tokens: PtgRef, PtgStr, PtgConcat, PtgRef, PtgConcat.
                ref = lambda col: b'\x24' + struct.pack('<IH', r, col | 0xC000)
                rgce = ref(0) + b'\x17' + struct.pack('<H', 1) + ' '.encode('utf-16-le') + b'\x08' + ref(1) + b'\x08'
                body += _record(0x08, cell + _wide(v[1]) + struct.pack('<H', 0) + struct.pack('<I', len(rgce))
                                + rgce + struct.pack('<I', 0))
            elif v != '':
                body += _record(0x07, cell + struct.pack('<I', isst(v)))  # BrtCellIsst
    width = max(len(row) for row in [header] + rows)
    sheet_bin = (_record(0x81)  # BrtBeginSheet
                 + _record(0x94, struct.pack('<IIII', 0, len(rows), 0, width - 1))  # BrtWsDim
                 + _record(0x91) + bytes(body) + _record(0x92)  # sheet data
                 + _record(0x82))  # BrtEndSheet
    sst = (_record(0x9F, struct.pack('<II', len(strings), len(strings)))
           + b''.join(_record(0x13, b'\0' + _wide(s)) for s in strings) + _record(0xA0))
    book = (_record(0x83)  # BrtBeginBook
            + _record(0x8F)  # BrtBeginBundleShs
            + _record(0x9C, struct.pack('<II', 0, 1) + _wide('rId1') + _wide(sheet))  # BrtBundleSh
            + _record(0x90)  # BrtEndBundleShs
            + _record(0x9D, struct.pack('<IIIdIH', 0, 1, 100, 0.001, 1, 0))  # BrtCalcProp
            + _record(0x84))  # BrtEndBook
    ns = 'http://schemas.openxmlformats.org/'
    rel = ns + 'officeDocument/2006/relationships/'
    parts = {
        '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{ns}package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
        '<Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/>'
        '</Types>',
        '_rels/.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{ns}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}officeDocument" Target="xl/workbook.bin"/></Relationships>',
        'xl/_rels/workbook.bin.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{ns}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}worksheet" Target="worksheets/sheet1.bin"/>'
        f'<Relationship Id="rId2" Type="{rel}sharedStrings" Target="sharedStrings.bin"/></Relationships>',
        'xl/workbook.bin': book,
        'xl/worksheets/sheet1.bin': sheet_bin,
        'xl/sharedStrings.bin': sst,
    }
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            # A fixed date: the same recipe writes the same bytes.
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


FRENCH = [[{True: 'VRAI', False: 'FAUX'}.get(v, v) if isinstance(v, bool) else v for v in r] for r in ROWS]


def main():
    d = 'fixtures/input/'
    if sys.argv[1:] == ['xlsb']:
        xlsb(d + 'packages.xlsb', ROWS)
        return
    write_text(d + 'utf8-comma.csv', ',', 'utf-8', ROWS)
    write_text(d + 'utf16le-tab-bom.csv', '\t', 'utf-16-le', ROWS, bom=b'\xff\xfe')
    # cp1252 cannot hold CJK or emoji: the French file has the Latin-script users only.
    latin = [r for r in FRENCH if all(isinstance(v, (bool, int)) or text(v).encode('cp1252', 'ignore').decode('cp1252') == text(v) for v in r)]
    write_text(d + 'cp1252-semicolon-french-excel.csv', ';', 'cp1252', latin)
    write_text(d + 'utf8-comma-french-excel.csv', ',', 'utf-8', latin)
    xlsx(d + 'packages.xlsx', ROWS)
    ods(d + 'packages.ods', ROWS)
    xls(d + 'packages.xls', ROWS)
    xlsb(d + 'packages.xlsb', ROWS)
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
    offset_table(d + 'table-at-c5-duplicate-header.xlsx')


if __name__ == '__main__':
    main()
