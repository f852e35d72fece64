//! Why an uploaded family file is refused. The code is what a failed job's `error.code`
//! says, so the three codes are part of the API.

/// A refusal of the file itself: retrying cannot help, so the job fails with `code()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is not a Revit family (not an OLE compound file): {0}")]
    InvalidRfa(String),
    #[error("the file does not match its declared size and SHA-256 ({0})")]
    ChecksumMismatch(String),
    #[error("the file is larger than the {max_bytes} bytes an upload may have")]
    FileTooLarge { max_bytes: u64 },
}

impl UploadError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRfa(_) => "invalid_rfa",
            Self::ChecksumMismatch(_) => "checksum_mismatch",
            Self::FileTooLarge { .. } => "file_too_large",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(UploadError::InvalidRfa("x".into()).code(), "invalid_rfa");
        assert_eq!(
            UploadError::ChecksumMismatch("x".into()).code(),
            "checksum_mismatch"
        );
        assert_eq!(
            UploadError::FileTooLarge { max_bytes: 1 }.code(),
            "file_too_large"
        );
    }
}
