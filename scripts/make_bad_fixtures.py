#!/usr/bin/env python3
"""Recipe for fixtures/bad/: broken and hostile inputs, each with a test in tests/bad.rs.

    pip install openpyxl msoffcrypto-tool
    python3 scripts/make_bad_fixtures.py          # every fixture
    python3 scripts/make_bad_fixtures.py xlsb     # only the damaged xlsb files (no package needed)
"""
import io
import random
import sys
import zipfile

H = ('First Name,Last Name,User ID/Email (Required),Extension,Phone Number,Location,'
     'Webex Calling [Sub100200]')
OK = 'Ana,Silva,ana@example.com,1001,+14085550101,HQ,TRUE'
NO_LOC = 'Ben,Okafor,ben@example.com,1002,+14085550102,,TRUE'
D = 'fixtures/bad/'


def write(name, data):
    with open(D + name, 'wb') as f:
        f.write(data)


def main():
    write('empty.csv', b'')
    write('header-only.csv', (H + '\r\n').encode())
    rnd = random.Random(7)
    write('binary-garbage.bin', bytes(rnd.randrange(256) for _ in range(4096)))
    write('nul-bytes.csv', (H + '\n' + OK + '\nBen,Ok\x00afor,ben@example.com,1002,+14085550102,HQ,TRUE\n').encode())
    write('cr-only.csv', (H + '\r' + OK + '\r' + NO_LOC + '\r').encode())
    write('mixed-line-endings.csv', (H + '\r\n' + OK + '\n' + 'Cy,Moss,cy@example.com,1003,+14085550103,HQ,TRUE\r' + NO_LOC + '\r\n').encode())
    # José and Müller saved as UTF-8, Renée as Windows-1252: one file, two encodings.
    write('mixed-utf8-and-cp1252.csv', b'First Name,Last Name,User ID/Email (Required),Location,Webex Calling [Sub1],Extension\r\n'
          + b'Jos\xc3\xa9,M\xc3\xbcller,jose@acme.example.com,Z\xc3\xbcrich,TRUE,1001\r\n'
          + b'Ren\xe9e,Dupont,renee@acme.example.com,HQ,TRUE,1002\r\n')
    write('utf16le-no-bom.csv', (H + '\r\n' + OK + '\r\n' + NO_LOC + '\r\n').encode('utf-16-le'))
    rows = [H] + ['User,N%d,user%d@example.com,%d,,HQ,FALSE' % (i, i, 2000 + i) for i in range(2500)]
    body = ('\n'.join(rows) + '\n').encode()
    assert len(body) > 70_000
    write('invalid-utf8-middle.csv', body + b'Bad,\xff\xfe,bad@example.com,9999,,HQ,FALSE\n')
    # The same, the bad bytes in a field past the header's last column (no name to give).
    write('invalid-utf8-past-header.csv', body + b'Bad,N,bad@example.com,9999,,HQ,FALSE,\xff\n')
    # A valid xlsx, cut in half.
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [H.split(','), OK.split(',')]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    good = buf.getvalue()
    write('truncated.xlsx', good[: len(good) // 2])
    # The same workbook with a password (Office encryption: an OLE file).
    import msoffcrypto
    enc = io.BytesIO()
    office = msoffcrypto.OfficeFile(io.BytesIO(good))
    office.encrypt('secret', enc)
    write('password.xlsx', enc.getvalue())
    # A zip bomb: the sheet XML expands to 400 MB of spaces.
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bomb, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == 'xl/worksheets/sheet1.xml':
                with dst.open(item.filename, 'w', force_zip64=True) as f:
                    f.write(data[:-len('</worksheet>')])
                    chunk = b' ' * (1 << 20)
                    for _ in range(400):
                        f.write(chunk)
                    f.write(b'</worksheet>')
            else:
                dst.writestr(item, data)
    write('zip-bomb.xlsx', bomb.getvalue())
    far_cell()
    ods_repeats()


def ods_repeats():
    """An ods of a few hundred bytes whose one cell repeats two billion times: calamine
    would materialise every copy."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               '<office:spreadsheet><table:table table:name="Users"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>User ID/Email (Required)</text:p>'
               '</table:table-cell></table:table-row><table:table-row>'
               '<table:table-cell office:value-type="float" office:value="1" '
               'table:number-columns-repeated="2000000000"/></table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet')
        z.writestr('content.xml', content, zipfile.ZIP_DEFLATED)
    write('ods-repeat-bomb.ods', buf.getvalue())


def far_cell():
    """A small workbook with one more cell at XFD1048576, the last cell of a sheet: a dense
    range of that sheet would be 17 billion cells."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [H.split(','), OK.split(',')]:
        ws.append(r)
    ws.cell(row=1048576, column=16384, value='far')
    buf = io.BytesIO()
    wb.save(buf)
    write('far-cell.xlsx', buf.getvalue())


def damaged_xlsb():
    """fixtures/input/packages.xlsb with its sheet damaged: a shared-string cell record cut to
    4 bytes (calamine indexes past it and panics), and the sheet cut in the middle of a record."""
    def rewrite(name, sheet):
        with zipfile.ZipFile('fixtures/input/packages.xlsb') as src:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as dst:
                for item in src.infolist():
                    data = src.read(item.filename)
                    if item.filename == 'xl/worksheets/sheet1.bin':
                        data = sheet(data)
                    dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                                 zipfile.ZIP_DEFLATED)
        write(name, buf.getvalue())
    # 0x07 0x0C: the type and size of the first BrtCellIsst (column, style, string index).
    rewrite('short-record.xlsb', lambda d: d.replace(b'\x07\x0c', b'\x07\x04', 1))
    rewrite('cut-sheet.xlsb', lambda d: d[: len(d) // 2])


if __name__ == '__main__':
    if sys.argv[1:] == ['xlsb']:
        damaged_xlsb()
    else:
        main()
        damaged_xlsb()
