//! A bounded check of the compound-file container (MS-CFB) of a legacy `.xls`, before calamine
//! reads it. calamine follows sector chains without checking them: a chain that loops grows its
//! buffer until memory runs out, and a sector cut short by the end of the file makes it panic.
//!
//! What is checked: the header fields calamine relies on, that every FAT, DIFAT, directory,
//! mini-FAT and stream sector lies wholly inside the file, that no chain loops (a chain has at most
//! as many links as the file has sectors), and that each stream's size fits the chain that holds
//! it. Every loop is bounded by the file size. Nothing here allocates more than the file's size.

const HEADER_BYTES: usize = 512;
const MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector numbers at and above this are markers (DIFSECT, FATSECT, ENDOFCHAIN, FREESECT).
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const MINI_SECTOR_BYTES: usize = 64;
/// Streams shorter than this live in the mini stream (MS-CFB §2.6.3; calamine uses the same test).
const MINI_STREAM_CUTOFF: u64 = 4096;
const DIRECTORY_ENTRY_BYTES: usize = 128;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

struct Container<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// Whole sectors after the header.
    sectors: usize,
}

impl<'a> Container<'a> {
    fn sector(&self, id: u32) -> Result<&'a [u8], String> {
        let i = id as usize;
        if id > MAX_REGULAR_SECTOR || i >= self.sectors {
            return Err(format!(
                "sector {id} lies beyond the end of the file ({} sectors)",
                self.sectors
            ));
        }
        let start = self.sector_size * (i + 1);
        Ok(&self.bytes[start..start + self.sector_size])
    }

    /// The sectors of a chain in the FAT (or mini-FAT), refusing loops and links out of range.
    fn chain(&self, start: u32, fat: &[u32], limit: usize, what: &str) -> Result<Vec<u32>, String> {
        let mut ids = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if ids.len() >= limit {
                return Err(format!("the {what} chain loops"));
            }
            if id as usize >= fat.len() || id > MAX_REGULAR_SECTOR {
                return Err(format!(
                    "the {what} chain points at sector {id}, outside the file"
                ));
            }
            ids.push(id);
            id = fat[id as usize];
        }
        Ok(ids)
    }
}

/// Check the container of an `.xls` (or any compound file) and return its `Workbook` (or `Book`)
/// stream, the one calamine reads, when there is one. The error says what is damaged.
pub fn check(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    if bytes.len() < HEADER_BYTES || !bytes.starts_with(MAGIC) {
        return Err("the compound-file header is incomplete".to_owned());
    }
    let sector_size = match u16_at(bytes, 30) {
        9 => 512,
        12 => 4096,
        s => return Err(format!("the sector shift is {s}, not 9 or 12")),
    };
    if u16_at(bytes, 32) != 6 {
        return Err("the mini-sector shift is not 6".to_owned());
    }
    if bytes.len() < sector_size {
        return Err("the file ends inside its header".to_owned());
    }
    let c = Container {
        bytes,
        sector_size,
        sectors: bytes.len() / sector_size - 1,
    };
    let per_sector = sector_size / 4;

    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors (last entry = next sector).
    let mut fat_sectors: Vec<u32> = (0..109).map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut next = u32_at(bytes, 68);
    let mut difat_links = 0;
    while next <= MAX_REGULAR_SECTOR {
        let s = c.sector(next)?;
        difat_links += 1;
        if difat_links > c.sectors {
            return Err("the DIFAT chain loops".to_owned());
        }
        fat_sectors.extend((0..per_sector - 1).map(|i| u32_at(s, 4 * i)));
        next = u32_at(s, sector_size - 4);
    }
    // The FAT: at most one entry per sector of the file is ever followed, but its sectors must exist.
    let mut fat: Vec<u32> = Vec::new();
    for &id in fat_sectors.iter().filter(|&&id| id <= MAX_REGULAR_SECTOR) {
        if fat.len() >= c.sectors.saturating_mul(per_sector) {
            return Err("the FAT names more sectors than the file has".to_owned());
        }
        let s = c.sector(id)?;
        fat.extend((0..per_sector).map(|i| u32_at(s, 4 * i)));
    }
    // Links into sectors the file does not have are caught when a chain reaches them.
    let fat = &fat[..fat.len().min(c.sectors)];

    let dir_ids = c.chain(u32_at(bytes, 48), fat, c.sectors, "directory")?;
    if dir_ids.is_empty() {
        return Err("the directory is empty".to_owned());
    }
    let mut directory = Vec::with_capacity(dir_ids.len() * sector_size);
    for &id in &dir_ids {
        directory.extend_from_slice(c.sector(id)?);
    }

    // The mini-FAT and the mini stream (held by the root entry) for streams below the cutoff.
    let minifat_ids = match u32_at(bytes, 64) {
        0 => Vec::new(),
        _ => c.chain(u32_at(bytes, 60), fat, c.sectors, "mini-FAT")?,
    };
    let mut minifat: Vec<u32> = Vec::new();
    for &id in &minifat_ids {
        let s = c.sector(id)?;
        minifat.extend((0..per_sector).map(|i| u32_at(s, 4 * i)));
    }
    let root = &directory[..DIRECTORY_ENTRY_BYTES];
    let mini_stream_sectors = c.chain(u32_at(root, 116), fat, c.sectors, "mini stream")?;
    let mini_sectors = mini_stream_sectors.len() * sector_size / MINI_SECTOR_BYTES;
    let minifat = &minifat[..minifat.len().min(mini_sectors)];

    let mut workbook: Option<(usize, Vec<u8>)> = None;
    for (i, entry) in directory.chunks_exact(DIRECTORY_ENTRY_BYTES).enumerate() {
        // Object type: 2 is a stream; 0 unused, 1 storage, 5 root (checked above).
        if entry[66] != 2 {
            continue;
        }
        let start = u32_at(entry, 116);
        // Version 3 files keep only the low 32 bits of the size (MS-CFB §2.6.1).
        let size = if sector_size == 512 {
            u64::from(u32_at(entry, 120))
        } else {
            u64::from(u32_at(entry, 120)) | (u64::from(u32_at(entry, 124)) << 32)
        };
        let what = format!("stream {i}");
        let mini = size < MINI_STREAM_CUTOFF;
        let (ids, unit) = if mini {
            (
                c.chain(start, minifat, mini_sectors, &what)?,
                MINI_SECTOR_BYTES,
            )
        } else {
            (c.chain(start, fat, c.sectors, &what)?, sector_size)
        };
        if size > (ids.len() * unit) as u64 {
            return Err(format!(
                "stream {i} claims {size} bytes but its chain holds {}",
                ids.len() * unit
            ));
        }
        // calamine takes the first stream named Workbook, else the first named Book.
        let rank = match entry_name(entry).to_ascii_lowercase().as_str() {
            "workbook" => 0,
            "book" => 1,
            _ => continue,
        };
        if workbook.as_ref().is_some_and(|(r, _)| *r <= rank) {
            continue;
        }
        // A stream larger than the address space cannot be read on this machine: refuse the file.
        let size = usize::try_from(size).map_err(|_| {
            format!("stream {i} claims {size} bytes, more than this machine can hold")
        })?;
        let mut data = Vec::with_capacity(size);
        for id in ids {
            let chunk = if mini {
                // Mini sector `id` lies at byte id * 64 of the mini stream (checked in range above).
                let at = id as usize * MINI_SECTOR_BYTES;
                let sector = mini_stream_sectors[at / sector_size];
                let offset = at % sector_size;
                &c.sector(sector)?[offset..offset + MINI_SECTOR_BYTES]
            } else {
                c.sector(id)?
            };
            data.extend_from_slice(chunk);
        }
        data.truncate(size);
        workbook = Some((rank, data));
    }
    Ok(workbook.map(|(_, data)| data))
}

/// The name of a directory entry (UTF-16LE, its length in bytes including the final NUL).
fn entry_name(entry: &[u8]) -> String {
    let len = (u16_at(entry, 64) as usize).min(64);
    let units: Vec<u16> = entry[..len]
        .chunks_exact(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal version-3 compound file: header, one FAT sector, one directory sector with a root
    /// entry and one stream of 4096 bytes in sectors 2..=9.
    fn tiny() -> Vec<u8> {
        let mut b = vec![0u8; 512 * 11];
        b[..8].copy_from_slice(MAGIC);
        b[26..28].copy_from_slice(&3u16.to_le_bytes());
        b[30..32].copy_from_slice(&9u16.to_le_bytes());
        b[32..34].copy_from_slice(&6u16.to_le_bytes());
        b[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
        b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        b[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no mini-FAT
        b[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no DIFAT sectors
        for i in 0..109 {
            b[76 + 4 * i..80 + 4 * i].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        b[76..80].copy_from_slice(&0u32.to_le_bytes()); // FAT in sector 0
        let fat = 512;
        let mut set =
            |i: usize, v: u32| b[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
        for i in 0..128 {
            set(i, 0xFFFF_FFFF); // FREESECT
        }
        set(0, 0xFFFF_FFFD); // FATSECT
        set(1, END_OF_CHAIN); // the directory
        for i in 2..9 {
            set(i, u32::try_from(i).expect("a small sector number") + 1);
        }
        set(9, END_OF_CHAIN);
        let dir = 1024;
        b[dir + 66] = 5;
        b[dir + 116..dir + 120].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        let s = dir + 128;
        b[s + 66] = 2;
        b[s + 116..s + 120].copy_from_slice(&2u32.to_le_bytes());
        b[s + 120..s + 124].copy_from_slice(&4096u32.to_le_bytes());
        b
    }

    #[test]
    fn a_sound_container_passes_and_damage_is_named() {
        let mut ok = tiny();
        assert_eq!(check(&ok), Ok(None), "no stream is named Workbook");
        let name: Vec<u8> = "Workbook\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        ok[1024 + 128..1024 + 128 + name.len()].copy_from_slice(&name);
        ok[1024 + 128 + 64..1024 + 128 + 66].copy_from_slice(
            &u16::try_from(name.len())
                .expect("a short name")
                .to_le_bytes(),
        );
        ok[512 * 3] = 0x42; // first byte of the stream (sector 2)
        let stream = check(&ok).unwrap().expect("the Workbook stream");
        assert_eq!((stream.len(), stream[0]), (4096, 0x42));

        let mut too_big = ok.clone();
        too_big[1024 + 128 + 120..1024 + 128 + 124].copy_from_slice(&8192u32.to_le_bytes());
        assert!(check(&too_big).unwrap_err().contains("claims 8192 bytes"));

        let mut looping = ok.clone();
        looping[512 + 4 * 9..512 + 4 * 10].copy_from_slice(&2u32.to_le_bytes()); // 9 -> 2
        assert!(check(&looping).unwrap_err().contains("loops"));

        let mut cut = ok.clone();
        cut.truncate(512 * 6 + 100);
        assert!(
            check(&cut).is_err(),
            "a stream sector past the end of the file"
        );

        let mut short = ok.clone();
        short.truncate(513);
        assert!(check(&short).is_err());

        let mut outside = ok;
        outside[48..52].copy_from_slice(&4000u32.to_le_bytes());
        assert!(check(&outside).unwrap_err().contains("outside the file"));
    }
}
