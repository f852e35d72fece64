//! Why an uploaded family file is refused. The code is what a failed job's `error.code`
//! says, so the codes are part of the API.

/// A refusal of the file, or of its writer: retrying cannot help, so the job fails with
/// `code()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is not a Revit family (not an OLE compound file): {0}")]
    InvalidRfa(String),
    #[error("the file does not match its declared size and SHA-256 ({0})")]
    ChecksumMismatch(String),
    #[error("the file is larger than the {max_bytes} bytes an upload may have")]
    FileTooLarge { max_bytes: u64 },
    /// When the file arrived, the job's creator no longer held write on families covering
    /// the family (its credential revoked, or its grant removed).
    #[error(
        "the upload's credential no longer holds write on families covering this family \
         (revoked, or its grant removed); nothing was written"
    )]
    AccessRevoked,
}

/// The bounded reader's refusal names the broken part or the limit it passed.
impl From<pirros_rfa::RfaError> for UploadError {
    fn from(e: pirros_rfa::RfaError) -> Self {
        UploadError::InvalidRfa(e.message().to_owned())
    }
}

impl UploadError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRfa(_) => "invalid_rfa",
            Self::ChecksumMismatch(_) => "checksum_mismatch",
            Self::FileTooLarge { .. } => "file_too_large",
            Self::AccessRevoked => "access_revoked",
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
        assert_eq!(UploadError::AccessRevoked.code(), "access_revoked");
    }
}
