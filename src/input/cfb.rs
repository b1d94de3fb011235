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

/// Checks the header and that every FAT chain terminates.
///
/// # Errors
/// Why the file is damaged, for the user.
pub fn check(bytes: &[u8]) -> Result<(), String> {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn real_xls_passes_and_fuzzed_loop_fails() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let good = std::fs::read(root.join("fixtures/input/packages.xls")).unwrap();
        assert_eq!(super::check(&good), Ok(()));
        let bad = std::fs::read(root.join("fixtures/bad/fuzz-oom-cfb-chain.xls")).unwrap();
        assert!(super::check(&bad).is_err());
    }
}
