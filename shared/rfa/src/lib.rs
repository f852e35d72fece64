//! What the service learns from a family file (`.rfa`): it must be an OLE compound file, the
//! container every family is, and its `BasicFileInfo` stream may name the Revit release that
//! saved it. The container is judged from its header, FAT and directory, with explicit
//! limits, before any stream is read (`compound`), so a crafted file costs bounded memory
//! and time whatever its shape.

mod compound;
#[cfg(any(test, feature = "craft"))]
pub mod craft;
mod release;

use std::io::{Read, Seek};

pub use compound::{Compound, MAX_DIRECTORY_ENTRIES};

/// `BasicFileInfo` is a few kilobytes in real files; only this much of it is read.
pub const MAX_INFO_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RfaInfo {
    /// The Revit release year the file names, e.g. 2024; `None` when it names none.
    pub revit_version: Option<u16>,
}

/// Why a file is not a readable family container; the message names the broken part or the
/// limit it passed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RfaError(pub(crate) String);

impl RfaError {
    /// The code a refused upload's job fails with.
    pub fn code(&self) -> &'static str {
        "invalid_rfa"
    }

    pub fn message(&self) -> &str {
        &self.0
    }
}

/// Checks the container and reads the release year. Any input gives an answer, never a
/// panic or an unbounded allocation.
pub fn inspect<R: Read + Seek>(reader: R) -> Result<RfaInfo, RfaError> {
    let mut file = Compound::open(reader)?;
    let info = file.read_root_stream("BasicFileInfo", MAX_INFO_BYTES)?;
    Ok(RfaInfo {
        revit_version: info.as_deref().and_then(release::release_year),
    })
}

#[cfg(test)]
mod tests;
