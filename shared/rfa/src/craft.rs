//! Compound files laid out by hand, for tests and the memory probe: FAT sectors first, then
//! DIFAT sectors (when the FAT needs more than the header's 109), the directory, then each
//! regular stream's sectors in order. Every part stays editable before `bytes()` so a test
//! can break exactly one thing (a loop in the FAT, a size past the file, ...).

/// A directory entry as written.
#[derive(Debug, Clone)]
pub struct Dir {
    pub name: String,
    /// 1 storage, 2 stream, 5 root.
    pub kind: u8,
    pub left: u32,
    pub right: u32,
    pub child: u32,
    pub start: u32,
    pub size: u64,
}

pub const NO_ENTRY: u32 = 0xFFFF_FFFF;
pub const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
pub const FREE: u32 = 0xFFFF_FFFF;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
const SECTOR: usize = 512;
const IDS: usize = SECTOR / 4;

impl Dir {
    pub fn new(name: &str, kind: u8) -> Self {
        Self {
            name: name.to_owned(),
            kind,
            left: NO_ENTRY,
            right: NO_ENTRY,
            child: NO_ENTRY,
            start: END_OF_CHAIN,
            size: 0,
        }
    }

    pub fn root() -> Self {
        Self::new("Root Entry", 5)
    }

    fn write(&self, out: &mut [u8]) {
        let units: Vec<u16> = self.name.encode_utf16().take(31).collect();
        for (i, u) in units.iter().enumerate() {
            out[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
        }
        let name_bytes = if self.kind == 0 {
            0
        } else {
            (units.len() + 1) * 2
        };
        out[64..66].copy_from_slice(&(name_bytes as u16).to_le_bytes());
        out[66] = self.kind;
        out[67] = 1; // black
        out[68..72].copy_from_slice(&self.left.to_le_bytes());
        out[72..76].copy_from_slice(&self.right.to_le_bytes());
        out[76..80].copy_from_slice(&self.child.to_le_bytes());
        out[116..120].copy_from_slice(&self.start.to_le_bytes());
        out[120..128].copy_from_slice(&self.size.to_le_bytes());
    }
}

/// A laid-out version-3 file (512-byte sectors), every stream in regular sectors.
#[derive(Debug, Clone)]
pub struct Layout {
    pub fat: Vec<u32>,
    pub dirs: Vec<Dir>,
    pub fat_sectors: Vec<u32>,
    pub difat_sectors: Vec<u32>,
    pub directory_start: u32,
    /// Each regular stream's sectors and bytes, by directory entry.
    pub streams: Vec<(usize, Vec<u32>, Vec<u8>)>,
    /// Sectors in the file after the header.
    pub sectors: usize,
}

impl Layout {
    /// `streams` pairs a directory entry with its bytes; their starts and sizes are set
    /// here. The root's children are chained through `right` unless a test set them.
    pub fn new(mut dirs: Vec<Dir>, streams: Vec<(usize, Vec<u8>)>) -> Self {
        let dir_sectors = dirs.len().div_ceil(SECTOR / 128).max(1);
        let data_sectors: usize = streams.iter().map(|(_, d)| d.len().div_ceil(SECTOR)).sum();
        // The FAT must number every sector, its own and the DIFAT's included.
        let (mut fat_count, mut difat_count) = (1, 0);
        loop {
            let total = fat_count + difat_count + dir_sectors + data_sectors;
            let need = total.div_ceil(IDS);
            let need_difat = need.saturating_sub(109).div_ceil(IDS - 1);
            if need == fat_count && need_difat == difat_count {
                break;
            }
            (fat_count, difat_count) = (need, need_difat);
        }
        let mut fat = vec![FREE; fat_count * IDS];
        let mut next = 0u32;
        let mut take = |n: usize| -> Vec<u32> {
            let ids = (next..next + n as u32).collect();
            next += n as u32;
            ids
        };
        let fat_sectors = take(fat_count);
        let difat_sectors = take(difat_count);
        for &s in &fat_sectors {
            fat[s as usize] = FAT_SECTOR;
        }
        for &s in &difat_sectors {
            fat[s as usize] = DIFAT_SECTOR;
        }
        let directory = take(dir_sectors);
        chain(&mut fat, &directory);
        let mut laid = Vec::new();
        for (entry, data) in streams {
            let ids = take(data.len().div_ceil(SECTOR));
            chain(&mut fat, &ids);
            dirs[entry].start = ids.first().copied().unwrap_or(END_OF_CHAIN);
            dirs[entry].size = data.len() as u64;
            laid.push((entry, ids, data));
        }
        if dirs.len() > 1 && dirs[0].child == NO_ENTRY {
            dirs[0].child = 1;
            for i in 1..dirs.len() - 1 {
                dirs[i].right = i as u32 + 1;
            }
        }
        Self {
            fat,
            dirs,
            fat_sectors,
            difat_sectors,
            directory_start: directory[0],
            streams: laid,
            sectors: next as usize,
        }
    }

    /// The file's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; SECTOR * (self.sectors + 1)];
        let h = &mut out[..SECTOR];
        h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        h[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
        h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
        h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        h[0x2C..0x30].copy_from_slice(&(self.fat_sectors.len() as u32).to_le_bytes());
        h[0x30..0x34].copy_from_slice(&self.directory_start.to_le_bytes());
        h[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        h[0x3C..0x40].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        let first_difat = self.difat_sectors.first().copied().unwrap_or(END_OF_CHAIN);
        h[0x44..0x48].copy_from_slice(&first_difat.to_le_bytes());
        h[0x48..0x4C].copy_from_slice(&(self.difat_sectors.len() as u32).to_le_bytes());
        for i in 0..109 {
            let id = self.fat_sectors.get(i).copied().unwrap_or(FREE);
            h[0x4C + i * 4..0x50 + i * 4].copy_from_slice(&id.to_le_bytes());
        }
        let sector = |id: u32| {
            let at = (id as usize + 1) * SECTOR;
            at..at + SECTOR
        };
        for (k, &id) in self.fat_sectors.iter().enumerate() {
            let range = sector(id);
            for (i, v) in self.fat[k * IDS..(k + 1) * IDS].iter().enumerate() {
                out[range.start + i * 4..range.start + i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
        }
        let rest: Vec<u32> = self.fat_sectors.iter().skip(109).copied().collect();
        for (k, &id) in self.difat_sectors.iter().enumerate() {
            let range = sector(id);
            let ids = rest.iter().skip(k * (IDS - 1)).take(IDS - 1);
            for i in 0..IDS - 1 {
                out[range.start + i * 4..range.start + i * 4 + 4]
                    .copy_from_slice(&FREE.to_le_bytes());
            }
            for (i, v) in ids.enumerate() {
                out[range.start + i * 4..range.start + i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            let next = self
                .difat_sectors
                .get(k + 1)
                .copied()
                .unwrap_or(END_OF_CHAIN);
            out[range.end - 4..range.end].copy_from_slice(&next.to_le_bytes());
        }
        let mut id = self.directory_start;
        for chunk in self.dirs.chunks(SECTOR / 128) {
            let range = sector(id);
            for (i, d) in chunk.iter().enumerate() {
                d.write(&mut out[range.start + i * 128..range.start + (i + 1) * 128]);
            }
            id = match self.fat.get(id as usize) {
                Some(&n) if n != END_OF_CHAIN && (n as usize) < self.sectors => n,
                _ => break,
            };
        }
        for (_, ids, data) in &self.streams {
            for (id, piece) in ids.iter().zip(data.chunks(SECTOR)) {
                let range = sector(*id);
                out[range.start..range.start + piece.len()].copy_from_slice(piece);
            }
        }
        out
    }
}

fn chain(fat: &mut [u32], ids: &[u32]) {
    for pair in ids.windows(2) {
        fat[pair[0] as usize] = pair[1];
    }
    if let Some(&last) = ids.last() {
        fat[last as usize] = END_OF_CHAIN;
    }
}

/// The shape of the attack: a directory of `entries` stream entries with distinct
/// 31-character CJK names, chained one after another in name order (a valid file, and one
/// general-purpose readers expand whole).
pub fn long_directory(entries: usize) -> Layout {
    let mut dirs = vec![Dir::root()];
    dirs.extend((1..entries).map(|i| Dir::new(&cjk_name(i), 2)));
    Layout::new(dirs, Vec::new())
}

/// 27 times '族', then `i` in four base-256 digits written as CJK characters, so names
/// compare in the order of `i`.
fn cjk_name(i: usize) -> String {
    let digits = (0..4)
        .rev()
        .map(|k| char::from_u32(0x4E00 + ((i >> (k * 8)) & 0xFF) as u32).expect("a CJK character"));
    std::iter::repeat_n('族', 27).chain(digits).collect()
}

/// A sound family of about `bytes`: one large stream and a `BasicFileInfo` naming 2024.
pub fn large_family(bytes: usize) -> Layout {
    let text = "Format: 2024\r\n";
    let mut info = vec![0x0d, 0, 0, 0, 1, 0, 0, 0, 0x2a];
    info.extend_from_slice(&(text.encode_utf16().count() as u32).to_le_bytes());
    info.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    info.resize(4096, 0);
    Layout::new(
        // In name order (shorter first), as the format's tree wants.
        vec![
            Dir::root(),
            Dir::new("Partitions", 2),
            Dir::new("BasicFileInfo", 2),
        ],
        vec![(1, vec![0x5A; bytes]), (2, info)],
    )
}
