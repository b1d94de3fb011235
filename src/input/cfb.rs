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

/// BIFF cell records: row and column in their first four bytes (MULRK and MULBLANK end with
/// their last column).
const CELL_RECORDS: &[u16] = &[0x0203, 0x00FD, 0x027E, 0x0205, 0x0006, 0x0204, 0x0201, 0x00BD, 0x00BE];

/// The furthest row and column any cell of the workbook stream claims: calamine allocates
/// rows x columns cells for a sheet, so a single forged cell at row 65535, column 65535
/// asks for 128 GiB (found by fuzzing).
fn check_extent(bytes: &[u8], sector: usize, fat: &[u32], max_cells: u64) -> Result<(), String> {
    let regular = |id: u32| {
        let start = (id as usize).checked_add(1)?.checked_mul(sector)?;
        bytes.get(start..start.checked_add(sector)?)
    };
    let dirs = chain(u32_at(bytes, 0x30).unwrap_or(u32::MAX), fat, regular);
    let entries: Vec<&[u8]> = dirs.chunks_exact(128).collect();
    let Some(root) = entries.first() else { return Ok(()) };
    let ministream = chain(u32_at(root, 116).unwrap_or(u32::MAX), fat, regular);
    let minifat_bytes = chain(u32_at(bytes, 0x3C).unwrap_or(u32::MAX), fat, regular);
    let minifat: Vec<u32> =
        minifat_bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let cutoff = u32_at(bytes, 0x38).unwrap_or(4096);
    for entry in &entries {
        let name_len = usize::from(u16_at(entry, 64).unwrap_or(0)).min(64);
        let name: Vec<u16> = entry[..name_len.saturating_sub(2)]
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        let name = String::from_utf16_lossy(&name);
        if name != "Workbook" && name != "Book" {
            continue;
        }
        let start = u32_at(entry, 116).unwrap_or(u32::MAX);
        let size = u32_at(entry, 120).unwrap_or(0) as usize;
        let mut data = if (size as u64) < u64::from(cutoff) {
            chain(start, &minifat, |id| ministream.get(id as usize * 64..id as usize * 64 + 64))
        } else {
            chain(start, fat, regular)
        };
        data.truncate(size);
        let (mut max_row, mut max_col) = (0u64, 0u64);
        let mut i = 0;
        while i + 4 <= data.len() {
            let kind = u16::from_le_bytes([data[i], data[i + 1]]);
            let len = usize::from(u16::from_le_bytes([data[i + 2], data[i + 3]]));
            let body = data.get(i + 4..(i + 4 + len).min(data.len())).unwrap_or(&[]);
            if CELL_RECORDS.contains(&kind) && body.len() >= 4 {
                let row = u64::from(u16::from_le_bytes([body[0], body[1]]));
                let mut col = u64::from(u16::from_le_bytes([body[2], body[3]]));
                if (kind == 0x00BD || kind == 0x00BE) && body.len() >= 6 {
                    col = u64::from(u16::from_le_bytes([body[body.len() - 2], body[body.len() - 1]]));
                }
                max_row = max_row.max(row);
                max_col = max_col.max(col);
            }
            i += 4 + len;
        }
        if (max_row + 1) * (max_col + 1) > max_cells {
            return Err(format!(
                "a cell at row {}, column {} would make the sheet {} cells, over --max-cells ({max_cells})",
                max_row + 1,
                max_col + 1,
                (max_row + 1) * (max_col + 1)
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
