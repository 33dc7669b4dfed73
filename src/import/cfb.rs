//! A bounded check of the compound-file container (MS-CFB) of a legacy `.xls`, before calamine
//! reads it. calamine follows sector chains without checking them: a chain that loops grows its
//! buffer until memory runs out, and a sector cut short by the end of the file makes it panic.
//!
//! What is checked: the header fields calamine relies on, that every FAT, DIFAT, directory,
//! mini-FAT and stream sector lies wholly inside the file, that no chain loops (a chain has at most
//! as many links as the file has sectors), and that each stream's size fits the chain that holds
//! it, for every stream and for the entry calamine reads as the workbook, which it finds by name
//! whatever the entry's type. Every loop is bounded by the file size. Nothing here allocates more
//! than the file's size.

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
    let c = Container::open(bytes)?;
    let fat_sectors = c.fat_sectors()?;
    let fat = c.fat(&fat_sectors)?;
    // Links into sectors the file does not have are caught when a chain reaches them.
    let fat = &fat[..fat.len().min(c.sectors)];
    let directory = c.directory(fat)?;
    let mini = c.mini_stream(fat, &directory)?;

    let mut workbook: Option<(WorkbookRank, Vec<u8>)> = None;
    for (i, entry) in directory.chunks_exact(DIRECTORY_ENTRY_BYTES).enumerate() {
        let rank = WorkbookRank::of(entry);
        // Object type: 2 is a stream; 0 unused, 1 storage, 5 root (checked above). calamine
        // picks its workbook by name whatever the type, so an entry of that name is checked too.
        if entry[66] != 2 && rank.is_none() {
            continue;
        }
        let stream = c.stream(i, entry, fat, &mini)?;
        let Some(rank) = rank else {
            continue;
        };
        // calamine takes the first stream named Workbook, else the first named Book.
        if workbook.as_ref().is_some_and(|(best, _)| *best <= rank) {
            continue;
        }
        workbook = Some((rank, c.stream_bytes(i, &stream, &mini)?));
    }
    Ok(workbook.map(|(_, data)| data))
}

impl<'a> Container<'a> {
    /// The header fields calamine relies on: magic, sector size, mini-sector size.
    fn open(bytes: &'a [u8]) -> Result<Container<'a>, String> {
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
        Ok(Container {
            bytes,
            sector_size,
            sectors: bytes.len() / sector_size - 1,
        })
    }

    /// Sector numbers in one sector (FAT, DIFAT and mini-FAT sectors hold u32 entries).
    fn per_sector(&self) -> usize {
        self.sector_size / 4
    }

    /// The DIFAT: 109 entries in the header, then a chain of DIFAT sectors (last entry = next
    /// sector). Its entries are the sectors of the FAT.
    fn fat_sectors(&self) -> Result<Vec<u32>, String> {
        let per_sector = self.per_sector();
        let mut fat_sectors: Vec<u32> = (0..109).map(|i| u32_at(self.bytes, 76 + 4 * i)).collect();
        let mut next = u32_at(self.bytes, 68);
        let mut difat_links = 0;
        while next <= MAX_REGULAR_SECTOR {
            let s = self.sector(next)?;
            difat_links += 1;
            if difat_links > self.sectors {
                return Err("the DIFAT chain loops".to_owned());
            }
            fat_sectors.extend((0..per_sector - 1).map(|i| u32_at(s, 4 * i)));
            next = u32_at(s, self.sector_size - 4);
        }
        Ok(fat_sectors)
    }

    /// The FAT: at most one entry per sector of the file is ever followed, but its sectors must
    /// exist.
    fn fat(&self, fat_sectors: &[u32]) -> Result<Vec<u32>, String> {
        let per_sector = self.per_sector();
        let mut fat: Vec<u32> = Vec::new();
        for &id in fat_sectors.iter().filter(|&&id| id <= MAX_REGULAR_SECTOR) {
            if fat.len() >= self.sectors.saturating_mul(per_sector) {
                return Err("the FAT names more sectors than the file has".to_owned());
            }
            let s = self.sector(id)?;
            fat.extend((0..per_sector).map(|i| u32_at(s, 4 * i)));
        }
        Ok(fat)
    }

    /// The directory's bytes, from its chain; never empty.
    fn directory(&self, fat: &[u32]) -> Result<Vec<u8>, String> {
        let dir_ids = self.chain(u32_at(self.bytes, 48), fat, self.sectors, "directory")?;
        if dir_ids.is_empty() {
            return Err("the directory is empty".to_owned());
        }
        let mut directory = Vec::with_capacity(dir_ids.len() * self.sector_size);
        for &id in &dir_ids {
            directory.extend_from_slice(self.sector(id)?);
        }
        Ok(directory)
    }

    /// The mini-FAT and the mini stream (held by the root entry) for streams below the cutoff.
    fn mini_stream(&self, fat: &[u32], directory: &[u8]) -> Result<MiniStream, String> {
        let minifat_ids = match u32_at(self.bytes, 64) {
            0 => Vec::new(),
            _ => self.chain(u32_at(self.bytes, 60), fat, self.sectors, "mini-FAT")?,
        };
        let mut minifat: Vec<u32> = Vec::new();
        for &id in &minifat_ids {
            let s = self.sector(id)?;
            minifat.extend((0..self.per_sector()).map(|i| u32_at(s, 4 * i)));
        }
        let root = &directory[..DIRECTORY_ENTRY_BYTES];
        let sectors = self.chain(u32_at(root, 116), fat, self.sectors, "mini stream")?;
        let mini_sectors = sectors.len() * self.sector_size / MINI_SECTOR_BYTES;
        minifat.truncate(mini_sectors);
        Ok(MiniStream {
            minifat,
            sectors,
            mini_sectors,
        })
    }

    /// The chain of directory entry `i` (in the mini stream when it is short), checked to hold the
    /// size the entry claims.
    fn stream(
        &self,
        i: usize,
        entry: &[u8],
        fat: &[u32],
        mini: &MiniStream,
    ) -> Result<Stream, String> {
        let start = u32_at(entry, 116);
        // Version 3 files keep only the low 32 bits of the size (MS-CFB §2.6.1).
        let size = if self.sector_size == 512 {
            u64::from(u32_at(entry, 120))
        } else {
            u64::from(u32_at(entry, 120)) | (u64::from(u32_at(entry, 124)) << 32)
        };
        let what = format!("stream {i}");
        let in_mini_stream = size < MINI_STREAM_CUTOFF;
        let (ids, unit) = if in_mini_stream {
            (
                self.chain(start, &mini.minifat, mini.mini_sectors, &what)?,
                MINI_SECTOR_BYTES,
            )
        } else {
            (
                self.chain(start, fat, self.sectors, &what)?,
                self.sector_size,
            )
        };
        if size > (ids.len() * unit) as u64 {
            return Err(format!(
                "stream {i} claims {size} bytes but its chain holds {}",
                ids.len() * unit
            ));
        }
        Ok(Stream {
            ids,
            size,
            in_mini_stream,
        })
    }

    /// The bytes of a checked stream (entry `i` of the directory).
    fn stream_bytes(
        &self,
        i: usize,
        stream: &Stream,
        mini: &MiniStream,
    ) -> Result<Vec<u8>, String> {
        // A stream larger than the address space cannot be read on this machine: refuse the file.
        let size = usize::try_from(stream.size).map_err(|_| {
            format!(
                "stream {i} claims {} bytes, more than this machine can hold",
                stream.size
            )
        })?;
        let mut data = Vec::with_capacity(size);
        for &id in &stream.ids {
            let chunk = if stream.in_mini_stream {
                // Mini sector `id` lies at byte id * 64 of the mini stream (checked in range above).
                let at = id as usize * MINI_SECTOR_BYTES;
                let sector = mini.sectors[at / self.sector_size];
                let offset = at % self.sector_size;
                &self.sector(sector)?[offset..offset + MINI_SECTOR_BYTES]
            } else {
                self.sector(id)?
            };
            data.extend_from_slice(chunk);
        }
        data.truncate(size);
        Ok(data)
    }
}

/// Where the short streams live: the mini-FAT (cut to the mini sectors there are) and the sectors of
/// the mini stream.
struct MiniStream {
    minifat: Vec<u32>,
    sectors: Vec<u32>,
    /// Mini sectors the mini stream holds.
    mini_sectors: usize,
}

/// A directory entry's chain, checked, and the size it claims.
struct Stream {
    ids: Vec<u32>,
    size: u64,
    in_mini_stream: bool,
}

/// The names calamine looks for, best first: it reads the first entry named `Workbook` (ASCII
/// case ignored), else the first named `Book`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum WorkbookRank {
    Workbook,
    Book,
}

impl WorkbookRank {
    /// The rank of a directory entry by its name as calamine reads it, whatever its type.
    fn of(entry: &[u8]) -> Option<WorkbookRank> {
        match entry_name(entry).to_ascii_lowercase().as_str() {
            "workbook" => Some(WorkbookRank::Workbook),
            "book" => Some(WorkbookRank::Book),
            _ => None,
        }
    }
}

/// The name of a directory entry as calamine reads it: all 64 name bytes decoded by `encoding_rs`
/// as UTF-16LE (a byte-order mark there switches the encoding, as it does for calamine), cut at the
/// first NUL. The name length field is not used (calamine does not use it either), so a damaged
/// length cannot hide the stream calamine will read.
fn entry_name(entry: &[u8]) -> String {
    let mut name = encoding_rs::UTF_16LE.decode(&entry[..64]).0.into_owned();
    if let Some(nul) = name.find('\0') {
        name.truncate(nul);
    }
    name
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

    /// calamine picks its workbook by name, whatever the entry's type and its name length field
    /// say: a storage named `Workbook` whose chain loops made calamine read 256 MiB of repeats of
    /// one sector (fuzz-import-xls-slow-workbook-parse.xls). The entry calamine reads is checked.
    #[test]
    fn the_entry_calamine_reads_is_checked_whatever_its_type() {
        let mut storage = tiny();
        let entry = 1024 + 128;
        let name: Vec<u8> = "Workbook\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        storage[entry..entry + name.len()].copy_from_slice(&name);
        storage[entry + 64..entry + 66].copy_from_slice(&0u16.to_le_bytes()); // length field lies
        storage[entry + 66] = 1; // a storage, not a stream
        let stream = check(&storage)
            .unwrap()
            .expect("calamine reads it as the workbook");
        assert_eq!(stream.len(), 4096);

        let mut looping = storage;
        looping[512 + 4 * 9..512 + 4 * 10].copy_from_slice(&2u32.to_le_bytes()); // 9 -> 2
        assert_eq!(check(&looping), Err("the stream 1 chain loops".to_owned()));
    }
}
