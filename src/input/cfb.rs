//! A sanity check of OLE compound files (xls) before calamine reads them: the sector chains
//! must end and the header's counts must fit the file. A crafted 6 KB file whose chain loops made calamine grow one buffer until it
//! asked for 4 GiB (found by `fuzz/run.sh`, kept as `fixtures/bad/fuzz-oom-cfb-chain.xls`).

const HEADER: usize = 512;
/// FAT values at or above this are markers (end of chain, free, FAT or DIFAT sector).
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const DIFAT_IN_HEADER: usize = 109;

fn u32_at(bytes: &[u8], offset: usize) -> Option<u32> {
    bytes.get(offset..offset + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u16_at(bytes: &[u8], offset: usize) -> Option<u16> {
    bytes.get(offset..offset + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// Checks the header, that every FAT chain terminates, and that no sheet claims a cell so far
/// out that calamine's dense range would exceed `max_cells`.
///
/// # Errors
/// Why the file is damaged, for the user.
pub fn check(bytes: &[u8], max_cells: u64) -> Result<(), String> {
    let (sector, fat) = checked_fat(bytes)?;
    check_extent(bytes, sector, &fat, max_cells)
}

/// The sector size and the FAT, once the header and every chain are known sound.
fn checked_fat(bytes: &[u8]) -> Result<(usize, Vec<u32>), String> {
    let damaged = |why: &str| Err(format!("a damaged Excel 97-2003 file ({why})"));
    let Some(shift) = u16_at(bytes, 0x1E) else { return damaged("too short") };
    if shift != 9 && shift != 12 {
        return damaged("bad sector size");
    }
    let sector = 1usize << shift;
    let sectors = bytes.len().saturating_sub(HEADER) / sector + 1;
    let per_sector = sector / 4;
    // Header counts size calamine's buffers before anything is read: a count larger than the
    // file could hold is a forged header (fuzzing found a FAT count of 4 billion asking for
    // 16 GiB). The value at 0x3E is what calamine reads as its DIFAT length (the high half of
    // the first mini-FAT sector and the low half of the mini-FAT count).
    for (offset, limit) in
        [(0x28, sectors), (0x2C, sectors), (0x40, sectors), (0x48, sectors), (0x3E, (sectors + 1) << 16)]
    {
        if u32_at(bytes, offset).is_some_and(|v| v as usize > limit) {
            return damaged("its header counts more sectors than the file has");
        }
    }
    let sector_ids = |id: u32| -> Option<Vec<u32>> {
        let start = (id as usize).checked_add(1)?.checked_mul(sector)?;
        let data = bytes.get(start..start + sector)?;
        Some(data.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    };
    // The FAT sectors: 109 in the header, the rest in a DIFAT chain that must end.
    let mut fat_sectors: Vec<u32> = (0..DIFAT_IN_HEADER)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|id| *id < MAX_REGULAR)
        .collect();
    let mut difat = u32_at(bytes, 0x44).unwrap_or(u32::MAX);
    let mut hops = 0;
    while difat < MAX_REGULAR {
        hops += 1;
        if hops > sectors {
            return damaged("its sector index loops");
        }
        let Some(ids) = sector_ids(difat) else { return damaged("its sector index points outside the file") };
        fat_sectors.extend(ids[..per_sector - 1].iter().filter(|id| **id < MAX_REGULAR));
        difat = ids[per_sector - 1];
    }
    if fat_sectors.len() > sectors {
        return damaged("more allocation sectors than the file has");
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * per_sector);
    for id in fat_sectors {
        match sector_ids(id) {
            Some(ids) => fat.extend(ids),
            None => return damaged("an allocation sector lies outside the file"),
        }
    }
    // Every chain must end: the FAT is a function from sector to next sector, so a walk that
    // comes back to a sector still on the current path is a loop.
    let mut state = vec![0u8; fat.len()]; // 0 unseen, 1 on the current path, 2 ends
    for start in 0..fat.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state[at] {
                2 => break,
                1 => return damaged("a sector chain loops"),
                _ => {}
            }
            state[at] = 1;
            path.push(at);
            let next = fat[at];
            if next >= MAX_REGULAR || next as usize >= fat.len() {
                break;
            }
            at = next as usize;
        }
        for p in path {
            state[p] = 2;
        }
    }
    Ok((sector, fat))
}

/// The bytes of a chain starting at `start`, in units of `unit` bytes read by `data`.
/// Chains are known to end (checked), but the walk stops at the table's length anyway.
fn chain<'a>(start: u32, table: &[u32], mut data: impl FnMut(u32) -> Option<&'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = start;
    let mut hops = 0;
    while at < MAX_REGULAR && (at as usize) < table.len() && hops <= table.len() {
        match data(at) {
            Some(d) => out.extend_from_slice(d),
            None => break,
        }
        at = table[at as usize];
        hops += 1;
    }
    out
}

/// BIFF records that put a cell (or a formula) at the row and column in their first four
/// bytes (number, shared string, RK number, boolean or error, formula, label, blank, and the
/// two multi-cell records, which end with their last column).
const CELL_RECORDS: &[u16] = &[0x0203, 0x00FD, 0x027E, 0x0205, 0x0006, 0x0204, 0x0201, 0x00BD, 0x00BE];

/// A directory entry as calamine reads it.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

/// Directory entries decoded the way calamine does: the name is the whole 64-byte field as
/// UTF-16LE, cut at the first NUL (not at the entry's name-length field, which a forged file
/// can set to anything); the stream length is 32 bits with 512-byte sectors, 64 with 4096.
fn entries(dirs: &[u8], sector: usize) -> Vec<Entry> {
    dirs.chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64].chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(nul) = name.find('\0') {
                name.truncate(nul);
            }
            let len = if sector == 512 {
                u64::from(u32_at(e, 120).unwrap_or(0))
            } else {
                e.get(120..128)
                    .map_or(0, |b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            };
            Entry { name, start: u32_at(e, 116).unwrap_or(u32::MAX), len }
        })
        .collect()
}

/// Bounds what calamine allocates for each sheet of an xls before it reads the file: it
/// reserves room for the cells a sheet's Dimensions record announces, and builds every sheet
/// as a dense range spanning its furthest cells, so a single forged cell at row 65535,
/// column 65535 asks for 128 GiB (found by fuzzing, twice: once with the cell in the
/// workbook stream's own records, once behind a sheet offset that starts mid-record).
/// Streams are located and sheets walked the way calamine does; where this scan and calamine
/// could differ, it looks at more than calamine would.
fn check_extent(bytes: &[u8], sector: usize, fat: &[u32], max_cells: u64) -> Result<(), String> {
    let regular = |id: u32| {
        let start = (id as usize).checked_add(1)?.checked_mul(sector)?;
        bytes.get(start..start.checked_add(sector)?)
    };
    let dirs = chain(u32_at(bytes, 0x30).unwrap_or(u32::MAX), fat, regular);
    let entries = entries(&dirs, sector);
    let Some(root) = entries.first() else { return Ok(()) };
    let streams: Vec<&Entry> =
        entries.iter().filter(|e| matches!(e.name.as_str(), "Workbook" | "Book")).collect();
    // calamine reserves a stream's stated length before reading it.
    let file_len = bytes.len() as u64;
    if let Some(e) = std::iter::once(root).chain(streams.iter().copied()).find(|e| e.len > file_len) {
        return Err(format!(
            "a damaged Excel 97-2003 file (the stream `{}` claims {} bytes, the file has {file_len})",
            e.name, e.len
        ));
    }
    let mut ministream = chain(root.start, fat, regular);
    ministream.truncate(usize::try_from(root.len).unwrap_or(usize::MAX));
    let minifat_bytes = chain(u32_at(bytes, 0x3C).unwrap_or(u32::MAX), fat, regular);
    let minifat: Vec<u32> =
        minifat_bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    for entry in streams {
        let len = usize::try_from(entry.len).unwrap_or(usize::MAX);
        // calamine picks the mini stream below 4096 bytes whatever the header's cutoff says;
        // both readings are checked.
        let mini = chain(entry.start, &minifat, |id| {
            ministream.get(id as usize * 64..(id as usize * 64).saturating_add(64))
        });
        let full = chain(entry.start, fat, regular);
        for mut data in [mini, full] {
            data.truncate(len);
            check_workbook_stream(&data, max_cells)?;
        }
    }
    Ok(())
}

/// Records of a BIFF stream from `at`, as calamine's record iterator yields them: type and
/// body, stopping at a record that runs past the end. CONTINUE records are consumed as
/// records of their own type, which no check below looks at.
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream.get(at..).unwrap_or(&[]);
    std::iter::from_fn(move || {
        let kind = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]));
        let body = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((kind, body))
    })
}

/// The cells one sheet's records span, and the most cells its Dimensions records reserve.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
    reserved: u64,
    /// Cells the records place (the dense range holds at least these).
    present: u64,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        let widen = |span: &mut Option<(u32, u32)>, v: u32| {
            *span = Some(span.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
        };
        widen(&mut self.rows, row);
        widen(&mut self.cols, col);
    }

    /// Cells of the dense range calamine builds (`Range::from_sparse`), or of its largest
    /// reservation.
    fn cells(&self) -> u64 {
        let span = |s: Option<(u32, u32)>| s.map_or(0, |(lo, hi)| u64::from(hi - lo) + 1);
        (span(self.rows) * span(self.cols)).max(self.reserved)
    }

    /// A record of one sheet: Dimensions reserve, cell records place a cell.
    fn record(&mut self, kind: u16, body: &[u8]) {
        let u16_at = |o: usize| body.get(o..o + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
        if kind == 0x0200 {
            // Dimensions: calamine reserves (last row - first row + 1) x (columns) cells,
            // with wrapping arithmetic in a release build.
            let (rf, rl, cf, cl) = match body.len() {
                10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
                14 => (u32_at(body, 0), u32_at(body, 4), u16_at(8), u16_at(10)),
                _ => return,
            };
            let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else { return };
            if cf > 0xFF || cl < cf {
                cf = 0;
            }
            let (end_r, end_c) = if rl >= 1 && cl >= 1 { (rl - 1, cl - 1) } else { (rf, cf) };
            let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
            let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
            self.reserved = self.reserved.max(rows.saturating_mul(cols));
        } else if CELL_RECORDS.contains(&kind) {
            let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) else { return };
            self.add(row, col);
            self.present += 1;
            if kind == 0x00BD || kind == 0x00BE {
                if let Some(last) = body.len().checked_sub(2).and_then(u16_at) {
                    self.add(row, last);
                    self.present += u64::from(last.saturating_sub(col));
                }
            }
        }
    }
}

/// Dense ranges this large must be filled at least this much: calamine builds a sheet's
/// range densely, so a few forged far cells cost hundreds of MB (fuzzing found a 5 KB xls
/// asking for 8 million cells). Real sheets are near full; a stray cell typed far from the
/// data is the rare honest case, and the message says so.
pub const SPARSE_FLOOR: u64 = 1 << 20;
/// See [`SPARSE_FLOOR`]: at most this many dense cells for each cell present.
pub const SPARSE_RATIO: u64 = 64;

/// Whether a dense range of `cells` holding `present` cells is too sparse to build.
#[must_use]
pub fn is_sparse(cells: u64, present: u64) -> bool {
    cells > SPARSE_FLOOR && cells / SPARSE_RATIO > present
}

/// Checks every sheet calamine would build from one workbook stream: the sheets its
/// `BoundSheet` records point at (walked from there, to their EOF record), and the whole
/// stream walked from its start.
fn check_workbook_stream(stream: &[u8], max_cells: u64) -> Result<(), String> {
    let mut starts = Vec::new();
    for (kind, body) in records(stream, 0) {
        match kind {
            0x0085 => starts.extend(u32_at(body, 0).map(|p| p as usize)),
            0x000A => break,
            _ => {}
        }
    }
    let mut whole = Extent::default();
    for (kind, body) in records(stream, 0) {
        whole.record(kind, body);
    }
    let mut extents = vec![whole];
    for start in starts {
        let mut sheet = Extent::default();
        for (kind, body) in records(stream, start) {
            if kind == 0x000A {
                break;
            }
            sheet.record(kind, body);
        }
        extents.push(sheet);
    }
    for extent in extents {
        let cells = extent.cells();
        let place = || match (extent.rows, extent.cols) {
            (Some((_, row)), Some((_, col))) if extent.reserved < cells => {
                format!("a cell at row {}, column {} would make the sheet", row + 1, col + 1)
            }
            _ => "the sheet's dimensions record announces".to_owned(),
        };
        if cells > max_cells {
            return Err(format!("{} {cells} cells, over --max-cells ({max_cells})", place()));
        }
        if is_sparse(cells, extent.present) {
            return Err(format!(
                "{} {cells} cells for the {} it holds: a damaged workbook, or a stray cell far from the data",
                place(),
                extent.present
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn real_xls_passes_and_fuzzed_loop_fails() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |p: &str| std::fs::read(root.join(p)).unwrap();
        assert_eq!(super::check(&read("fixtures/input/packages.xls"), 1_000_000), Ok(()));
        assert!(super::check(&read("fixtures/bad/fuzz-oom-cfb-chain.xls"), 1_000_000).is_err());
        let wide =
            super::check(&read("fixtures/bad/fuzz-oom-xls-sparse-range.xls"), 100_000_000).unwrap_err();
        assert!(wide.contains("row 65536, column 65536"), "{wide}");
    }
}
