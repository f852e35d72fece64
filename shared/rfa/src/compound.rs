//! A bounded reader of OLE compound files (the MS-CFB container of every `.rfa`).
//!
//! General-purpose readers load the whole directory and every chain they are asked for, so
//! a crafted file can make them allocate several times its own size. This one decides from
//! the header, the FAT and the directory before any stream is read, and refuses, naming
//! the limit or the broken part:
//! - more than `MAX_DIRECTORY_ENTRIES` directory entries (real families have a few dozen);
//! - a sector chain that loops, runs past the end of the file, reaches a free or reserved
//!   sector marker, or shares a sector with another chain;
//! - a stream larger than the file, or whose chain ends before its size.
//!
//! Every regular sector is walked at most once (one bit each), so the time is linear in the
//! file and the memory is a few bytes per sector: the FAT (4 bytes per sector), the mini
//! FAT (4 bytes per 64-byte mini sector of the mini stream), the mini stream's sector list,
//! two bitsets and at most 4,096 directory entries. For a 200 MiB file that is under 20 MiB
//! in the worst case, whatever the file claims.

use std::io::{self, Read, Seek, SeekFrom};

use crate::RfaError;

/// Real families hold a few dozen entries; the format's own readers in antivirus engines
/// cap far below what a file can declare.
pub const MAX_DIRECTORY_ENTRIES: usize = 4096;

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const HEADER_BYTES: usize = 512;
/// Sector ids above this are markers (DIFAT, FAT, end of chain, free), not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const NO_ENTRY: u32 = 0xFFFF_FFFF;
const ENTRY_BYTES: usize = 128;
const MINI_SECTOR_BYTES: u64 = 64;
const MINI_STREAM_CUTOFF: u64 = 4096;
const HEADER_FAT_IDS: usize = 109;

const STORAGE: u8 = 1;
const STREAM: u8 = 2;
const ROOT: u8 = 5;

fn refuse(message: impl Into<String>) -> RfaError {
    RfaError(message.into())
}

fn io_error(e: io::Error) -> RfaError {
    refuse(format!("the file cannot be read: {e}"))
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// One bit per sector: which sectors a chain already took.
struct Taken(Vec<u64>);

impl Taken {
    fn new(sectors: u64) -> Self {
        Self(vec![0; sectors.div_ceil(64) as usize])
    }

    /// Marks `sector`; `false` when it was taken already.
    fn take(&mut self, sector: u32) -> bool {
        let (word, bit) = ((sector / 64) as usize, 1u64 << (sector % 64));
        let fresh = self.0[word] & bit == 0;
        self.0[word] |= bit;
        fresh
    }
}

/// The table a chain is followed in: the FAT (regular sectors) or the mini FAT.
struct Chains<'a> {
    table: &'a [u32],
    /// Sectors that exist: the file's regular sectors, or the mini stream's mini sectors.
    count: u64,
    taken: &'a mut Taken,
}

impl Chains<'_> {
    /// Follows the chain from `start` to its end, handing each sector to `visit`; answers
    /// how many sectors it has.
    fn walk(
        &mut self,
        start: u32,
        what: &str,
        mut visit: impl FnMut(u32) -> Result<(), RfaError>,
    ) -> Result<u64, RfaError> {
        let mut at = start;
        let mut length = 0u64;
        while at != END_OF_CHAIN {
            if at > MAX_REGULAR_SECTOR {
                return Err(refuse(format!(
                    "the sector chain of {what} is broken: it reaches a free or reserved sector marker"
                )));
            }
            if u64::from(at) >= self.count || at as usize >= self.table.len() {
                return Err(refuse(format!(
                    "the sector chain of {what} runs past the end of the file (sector {at} of {})",
                    self.count
                )));
            }
            if !self.taken.take(at) {
                return Err(if self.holds(start, length, at) {
                    refuse(format!(
                        "the sector chain of {what} loops back to sector {at}"
                    ))
                } else {
                    refuse(format!(
                        "the sector chain of {what} shares sector {at} with another chain"
                    ))
                });
            }
            visit(at)?;
            length += 1;
            at = self.table[at as usize];
        }
        Ok(length)
    }

    /// Whether the first `length` sectors of the chain from `start` include `sector` (only
    /// asked once, on the way to a refusal).
    fn holds(&self, start: u32, length: u64, sector: u32) -> bool {
        let mut at = start;
        for _ in 0..length {
            if at == sector {
                return true;
            }
            at = self.table[at as usize];
        }
        false
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    kind: u8,
    left: u32,
    right: u32,
    child: u32,
    start: u32,
    size: u64,
}

impl Entry {
    fn parse(bytes: &[u8], version: u16) -> Self {
        // The name's length counts bytes with the terminating zero; out-of-range lengths
        // are read as far as the field goes rather than refused: the name is only compared.
        let units = (usize::from(u16_at(bytes, 64)) / 2)
            .saturating_sub(1)
            .min(31);
        let name = char::decode_utf16((0..units).map(|i| u16_at(bytes, i * 2)))
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        let size = u64_at(bytes, 120);
        Self {
            name,
            kind: bytes[66],
            left: u32_at(bytes, 68),
            right: u32_at(bytes, 72),
            child: u32_at(bytes, 76),
            start: u32_at(bytes, 116),
            // Version 3 writers may leave garbage in the high half, as the format allows.
            size: if version == 3 {
                size & 0xFFFF_FFFF
            } else {
                size
            },
        }
    }
}

/// An opened, checked compound file: every chain of it was followed once and found sound.
pub struct Compound<R> {
    reader: R,
    sector_shift: u32,
    file_len: u64,
    entries: Vec<Entry>,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    /// The regular sectors that hold the mini stream, in order.
    mini_stream: Vec<u32>,
}

impl<R: Read + Seek> Compound<R> {
    /// Reads and checks the header, the FAT, the directory and every stream's chain.
    pub fn open(mut reader: R) -> Result<Self, RfaError> {
        let file_len = reader.seek(SeekFrom::End(0)).map_err(io_error)?;
        if file_len < HEADER_BYTES as u64 {
            return Err(refuse(format!(
                "the file is shorter ({file_len} bytes) than a compound file's header"
            )));
        }
        let mut header = [0u8; HEADER_BYTES];
        read_at(&mut reader, 0, &mut header)?;
        if header[..8] != SIGNATURE {
            return Err(refuse("the file has no compound file signature"));
        }
        let version = u16_at(&header, 0x1A);
        let sector_shift = u32::from(u16_at(&header, 0x1E));
        if !matches!((version, sector_shift), (3, 9) | (4, 12)) {
            return Err(refuse(format!(
                "the header names version {version} with a sector shift of {sector_shift}, not 3 with 9 or 4 with 12"
            )));
        }
        if u16_at(&header, 0x1C) != 0xFFFE
            || u16_at(&header, 0x20) != 6
            || u64::from(u32_at(&header, 0x38)) != MINI_STREAM_CUTOFF
        {
            return Err(refuse(
                "the header's byte order, mini sector size or mini stream cutoff is not the format's",
            ));
        }
        let sector_bytes = 1u64 << sector_shift;
        // The header takes the first sector's place; a short last sector is tolerated, as
        // files in the wild have them.
        let sectors = file_len.saturating_sub(sector_bytes).div_ceil(sector_bytes);
        let mut taken = Taken::new(sectors);

        let fat = read_fat(&mut reader, &header, sector_shift, sectors, &mut taken)?;
        let mut file = Self {
            reader,
            sector_shift,
            file_len,
            entries: Vec::new(),
            fat,
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
        };
        file.read_directory(u32_at(&header, 0x30), version, sectors, &mut taken)?;
        file.read_mini_stream(&header, sectors, &mut taken)?;
        file.check_streams(sectors, &mut taken)?;
        Ok(file)
    }

    fn sector_bytes(&self) -> u64 {
        1 << self.sector_shift
    }

    fn read_directory(
        &mut self,
        start: u32,
        version: u16,
        sectors: u64,
        taken: &mut Taken,
    ) -> Result<(), RfaError> {
        let per_sector = (self.sector_bytes() as usize) / ENTRY_BYTES;
        let mut directory = Vec::new();
        Chains {
            table: &self.fat,
            count: sectors,
            taken,
        }
        .walk(start, "the directory", |sector| {
            if (directory.len() + 1) * per_sector > MAX_DIRECTORY_ENTRIES {
                return Err(refuse(format!(
                    "the directory holds more than {MAX_DIRECTORY_ENTRIES} entries"
                )));
            }
            directory.push(sector);
            Ok(())
        })?;
        let mut buf = vec![0u8; self.sector_bytes() as usize];
        for sector in directory {
            self.read_sector(sector, &mut buf)?;
            self.entries.extend(
                buf.chunks_exact(ENTRY_BYTES)
                    .map(|bytes| Entry::parse(bytes, version)),
            );
        }
        match self.entries.first() {
            Some(root) if root.kind == ROOT => {}
            _ => return Err(refuse("the directory's first entry is not the root entry")),
        }
        if let Some((at, entry)) = self
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| !matches!(e.kind, 0 | STORAGE | STREAM | ROOT))
        {
            return Err(refuse(format!(
                "directory entry {at} has the unknown type {}",
                entry.kind
            )));
        }
        Ok(())
    }

    /// The mini stream (the root entry's chain) and the mini FAT, which hold the streams
    /// under `MINI_STREAM_CUTOFF` bytes.
    fn read_mini_stream(
        &mut self,
        header: &[u8],
        sectors: u64,
        taken: &mut Taken,
    ) -> Result<(), RfaError> {
        let root = self.entries[0].clone();
        if root.size > self.file_len {
            return Err(refuse(format!(
                "the mini stream ({} bytes) is larger than the file",
                root.size
            )));
        }
        let sector_bytes = self.sector_bytes();
        let mut chains = Chains {
            table: &self.fat,
            count: sectors,
            taken,
        };
        let mut mini_stream = Vec::new();
        if root.size > 0 {
            chains.walk(root.start, "the mini stream", |sector| {
                mini_stream.push(sector);
                Ok(())
            })?;
            if (mini_stream.len() as u64) * sector_bytes < root.size {
                return Err(refuse(format!(
                    "the sector chain of the mini stream ends before its {} bytes",
                    root.size
                )));
            }
        }
        // Only the entries that address the mini stream are kept: a longer mini FAT is
        // walked (so it is checked) but costs no memory.
        let mini_sectors = root.size.div_ceil(MINI_SECTOR_BYTES) as usize;
        let mut mini_fat_sectors = Vec::new();
        let start = u32_at(header, 0x3C);
        if start != END_OF_CHAIN && u32_at(header, 0x40) > 0 {
            chains.walk(start, "the mini FAT", |sector| {
                if mini_fat_sectors.len() as u64 * sector_bytes / 4 < mini_sectors as u64 {
                    mini_fat_sectors.push(sector);
                }
                Ok(())
            })?;
        }
        let mut buf = vec![0u8; sector_bytes as usize];
        let mut mini_fat = Vec::with_capacity(mini_sectors);
        for sector in mini_fat_sectors {
            self.read_sector(sector, &mut buf)?;
            mini_fat.extend(buf.chunks_exact(4).map(|c| u32_at(c, 0)));
        }
        mini_fat.truncate(mini_sectors);
        self.mini_fat = mini_fat;
        self.mini_stream = mini_stream;
        Ok(())
    }

    /// Every stream's chain, regular or mini, followed once: sound, and long enough.
    fn check_streams(&self, sectors: u64, taken: &mut Taken) -> Result<(), RfaError> {
        let sector_bytes = self.sector_bytes();
        let mini_sectors = self.mini_fat.len() as u64;
        let mut mini_taken = Taken::new(mini_sectors);
        for entry in self.entries.iter().filter(|e| e.kind == STREAM) {
            let what = format!("stream {:?}", entry.name);
            if entry.size > self.file_len {
                return Err(refuse(format!(
                    "{what} ({} bytes) is larger than the file ({} bytes)",
                    entry.size, self.file_len
                )));
            }
            if entry.size == 0 {
                continue;
            }
            let (mut chains, unit) = if entry.size < MINI_STREAM_CUTOFF {
                let chains = Chains {
                    table: &self.mini_fat,
                    count: mini_sectors,
                    taken: &mut mini_taken,
                };
                (chains, MINI_SECTOR_BYTES)
            } else {
                let chains = Chains {
                    table: &self.fat,
                    count: sectors,
                    taken: &mut *taken,
                };
                (chains, sector_bytes)
            };
            let length = chains.walk(entry.start, &what, |_| Ok(()))?;
            if length * unit < entry.size {
                return Err(refuse(format!(
                    "the sector chain of {what} ends before its {} bytes",
                    entry.size
                )));
            }
        }
        Ok(())
    }

    /// The first `max_bytes` of the stream `name` directly under the root (compared without
    /// case, as the format does); `None` when there is no such stream.
    pub fn read_root_stream(
        &mut self,
        name: &str,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>, RfaError> {
        let Some(at) = self.find_root_child(name)? else {
            return Ok(None);
        };
        let entry = &self.entries[at];
        let want = entry.size.min(max_bytes) as usize;
        let mini = entry.size < MINI_STREAM_CUTOFF;
        let (table, unit) = if mini {
            (&self.mini_fat, MINI_SECTOR_BYTES as usize)
        } else {
            (&self.fat, self.sector_bytes() as usize)
        };
        // The chain was checked in `open`: it ends, stays in range and covers the size.
        let mut places = Vec::with_capacity(want.div_ceil(unit));
        let mut sector = entry.start;
        while places.len() * unit < want {
            places.push(sector);
            sector = table[sector as usize];
        }
        let mut data = vec![0u8; places.len() * unit];
        for (chunk, &sector) in data.chunks_exact_mut(unit).zip(&places) {
            let offset = if mini {
                self.mini_offset(sector)
            } else {
                self.sector_offset(sector)
            };
            read_at(&mut self.reader, offset, chunk)?;
        }
        data.truncate(want);
        Ok(Some(data))
    }

    /// The children of the root form a tree through `left` and `right`; it is walked with a
    /// mark per entry, so a looping tree ends.
    fn find_root_child(&self, name: &str) -> Result<Option<usize>, RfaError> {
        let mut seen = vec![false; self.entries.len()];
        let mut pending = vec![self.entries[0].child];
        while let Some(id) = pending.pop() {
            if id == NO_ENTRY {
                continue;
            }
            let Some(entry) = self.entries.get(id as usize) else {
                return Err(refuse(format!(
                    "the directory tree names entry {id}, past its {} entries",
                    self.entries.len()
                )));
            };
            if std::mem::replace(&mut seen[id as usize], true) {
                return Err(refuse(format!(
                    "the directory tree loops back to entry {id}"
                )));
            }
            if entry.kind == STREAM && entry.name.eq_ignore_ascii_case(name) {
                return Ok(Some(id as usize));
            }
            pending.push(entry.left);
            pending.push(entry.right);
        }
        Ok(None)
    }

    fn sector_offset(&self, sector: u32) -> u64 {
        (u64::from(sector) + 1) << self.sector_shift
    }

    fn mini_offset(&self, mini_sector: u32) -> u64 {
        let at = u64::from(mini_sector) * MINI_SECTOR_BYTES;
        let sector = self.mini_stream[(at >> self.sector_shift) as usize];
        self.sector_offset(sector) + (at & (self.sector_bytes() - 1))
    }

    fn read_sector(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), RfaError> {
        let offset = self.sector_offset(sector);
        read_at(&mut self.reader, offset, buf)
    }
}

/// The FAT, from the sectors the header and the DIFAT chain list. Only the entries that
/// address the file's own sectors are kept, so a header claiming a huge FAT costs nothing.
fn read_fat<R: Read + Seek>(
    reader: &mut R,
    header: &[u8],
    sector_shift: u32,
    sectors: u64,
    taken: &mut Taken,
) -> Result<Vec<u32>, RfaError> {
    let sector_bytes = 1usize << sector_shift;
    let fat_sectors = u64::from(u32_at(header, 0x2C));
    if fat_sectors > sectors {
        return Err(refuse(format!(
            "the header names {fat_sectors} FAT sectors, more than the file's {sectors} sectors"
        )));
    }
    let mut fat = Fat {
        entries: Vec::new(),
        buf: vec![0u8; sector_bytes],
        sector_shift,
        sectors,
    };
    let mut listed = 0u64;
    for i in 0..(fat_sectors as usize).min(HEADER_FAT_IDS) {
        fat.add(reader, u32_at(header, 0x4C + i * 4), taken)?;
        listed += 1;
    }
    // The DIFAT chain: each sector lists FAT sectors and, last, the next DIFAT sector.
    let mut difat = u32_at(header, 0x44);
    let mut difat_buf = vec![0u8; sector_bytes];
    let ids_per_sector = sector_bytes / 4 - 1;
    while listed < fat_sectors {
        if difat > MAX_REGULAR_SECTOR || u64::from(difat) >= sectors {
            return Err(refuse(format!(
                "the DIFAT ends before listing the header's {fat_sectors} FAT sectors"
            )));
        }
        if !taken.take(difat) {
            return Err(refuse(format!(
                "the sector chain of the DIFAT loops back to sector {difat}"
            )));
        }
        read_at(
            reader,
            (u64::from(difat) + 1) << sector_shift,
            &mut difat_buf,
        )?;
        for i in 0..ids_per_sector {
            if listed == fat_sectors {
                break;
            }
            fat.add(reader, u32_at(&difat_buf, i * 4), taken)?;
            listed += 1;
        }
        difat = u32_at(&difat_buf, ids_per_sector * 4);
    }
    let mut fat = fat.entries;
    fat.truncate(sectors as usize);
    Ok(fat)
}

/// The FAT as its sectors are listed.
struct Fat {
    entries: Vec<u32>,
    buf: Vec<u8>,
    sector_shift: u32,
    sectors: u64,
}

impl Fat {
    fn add<R: Read + Seek>(
        &mut self,
        reader: &mut R,
        id: u32,
        taken: &mut Taken,
    ) -> Result<(), RfaError> {
        if u64::from(id) >= self.sectors {
            return Err(refuse(format!(
                "FAT sector {id} lies past the end of the file ({} sectors)",
                self.sectors
            )));
        }
        if !taken.take(id) {
            return Err(refuse(format!("FAT sector {id} is listed twice")));
        }
        if (self.entries.len() as u64) < self.sectors {
            read_at(
                reader,
                (u64::from(id) + 1) << self.sector_shift,
                &mut self.buf,
            )?;
            self.entries
                .extend(self.buf.chunks_exact(4).map(|c| u32_at(c, 0)));
        }
        Ok(())
    }
}

/// Fills `buf` from `offset`; what lies past the end of the file reads as zeros (a short
/// last sector).
fn read_at<R: Read + Seek>(reader: &mut R, offset: u64, buf: &mut [u8]) -> Result<(), RfaError> {
    reader.seek(SeekFrom::Start(offset)).map_err(io_error)?;
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(e)),
        }
    }
    buf[filled..].fill(0);
    Ok(())
}
