//! Checks an uploaded file against the size and SHA-256 its upload declared, reading it
//! once, in bounded chunks, and never past the upload limit.

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::upload_error::UploadError;

pub use pirros_config::DEFAULT_MAX_UPLOAD_BYTES;

const CHUNK_BYTES: usize = 64 * 1024;

/// What the client declared when it asked for the upload URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared<'a> {
    pub size_bytes: u64,
    /// 64 hex digits, either case.
    pub sha256: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The file is refused; the job fails with this code.
    #[error(transparent)]
    Rejected(#[from] UploadError),
    /// Reading the file (or writing the copy) failed: nothing is known about the file, so
    /// the work is retried rather than the job failed.
    #[error("reading the uploaded file failed: {0}")]
    Io(#[source] std::io::Error),
}

/// Reads `reader` to its end (or just past `max_bytes`) and answers the file's SHA-256 as
/// lowercase hex when size and digest are the declared ones.
pub async fn verify<R>(
    reader: R,
    declared: &Declared<'_>,
    max_bytes: u64,
) -> Result<String, CheckError>
where
    R: AsyncRead + Unpin,
{
    verify_into(reader, tokio::io::sink(), declared, max_bytes).await
}

/// `verify`, also writing the file's bytes to `copy` (the OLE check needs random access, so
/// the worker keeps a local copy). Bytes past the declared size are counted, not copied.
pub async fn verify_into<R, W>(
    mut reader: R,
    mut copy: W,
    declared: &Declared<'_>,
    max_bytes: u64,
) -> Result<String, CheckError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let too_large = UploadError::FileTooLarge { max_bytes };
    if declared.size_bytes > max_bytes {
        return Err(too_large.into());
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut total: u64 = 0;
    loop {
        let n = reader.read(&mut buf).await.map_err(CheckError::Io)?;
        if n == 0 {
            break;
        }
        let before = total;
        total += n as u64;
        if total > max_bytes {
            return Err(too_large.into());
        }
        // Past the declared size the answer is a mismatch whatever follows; reading on
        // only tells whether the file is also too large.
        if before < declared.size_bytes {
            let keep = n.min((declared.size_bytes - before) as usize);
            hasher.update(&buf[..keep]);
            copy.write_all(&buf[..keep]).await.map_err(CheckError::Io)?;
        }
    }
    copy.flush().await.map_err(CheckError::Io)?;
    if total != declared.size_bytes {
        return Err(UploadError::ChecksumMismatch(format!(
            "{total} bytes arrived, {} were declared",
            declared.size_bytes
        ))
        .into());
    }
    let digest = format!("{:x}", hasher.finalize());
    if !digest.eq_ignore_ascii_case(declared.sha256) {
        return Err(UploadError::ChecksumMismatch(format!(
            "SHA-256 is {digest}, {} was declared",
            declared.sha256
        ))
        .into());
    }
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::ReadBuf;

    fn sha256_hex(data: &[u8]) -> String {
        format!("{:x}", Sha256::digest(data))
    }

    fn code(result: Result<String, CheckError>) -> &'static str {
        match result {
            Err(CheckError::Rejected(e)) => e.code(),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    /// Hands out its data a few bytes at a time, then fails or ends.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        fail_at_end: bool,
    }

    impl AsyncRead for Trickle {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            if self.at == self.data.len() && self.fail_at_end {
                return Poll::Ready(Err(std::io::ErrorKind::ConnectionReset.into()));
            }
            let end = (self.at + 7)
                .min(self.data.len())
                .min(self.at + buf.remaining());
            buf.put_slice(&self.data[self.at..end]);
            self.at = end;
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn a_matching_file_answers_its_digest_and_copy() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let hex = sha256_hex(&data);
        let declared = Declared {
            size_bytes: data.len() as u64,
            sha256: &hex.to_uppercase(),
        };
        let mut copy = Vec::new();
        let digest = verify_into(&data[..], &mut copy, &declared, DEFAULT_MAX_UPLOAD_BYTES)
            .await
            .unwrap();
        assert_eq!(digest, hex);
        assert_eq!(copy, data);

        let trickle = Trickle {
            data: data.clone(),
            at: 0,
            fail_at_end: false,
        };
        assert_eq!(
            verify(trickle, &declared, data.len() as u64).await.unwrap(),
            hex
        );
    }

    #[tokio::test]
    async fn a_wrong_digest_or_size_is_a_checksum_mismatch() {
        let data = b"family bytes".to_vec();
        let hex = sha256_hex(&data);
        let other = sha256_hex(b"other bytes");
        let max = DEFAULT_MAX_UPLOAD_BYTES;
        let wrong_digest = Declared {
            size_bytes: 12,
            sha256: &other,
        };
        assert_eq!(
            code(verify(&data[..], &wrong_digest, max).await),
            "checksum_mismatch"
        );
        for size_bytes in [11, 13, 0, 1000] {
            let wrong_size = Declared {
                size_bytes,
                sha256: &hex,
            };
            assert_eq!(
                code(verify(&data[..], &wrong_size, max).await),
                "checksum_mismatch"
            );
        }
        // The declared digest of a shorter prefix does not match a longer file.
        let prefix = sha256_hex(&data[..5]);
        let longer = Declared {
            size_bytes: 5,
            sha256: &prefix,
        };
        assert_eq!(
            code(verify(&data[..], &longer, max).await),
            "checksum_mismatch"
        );
        let empty = Declared {
            size_bytes: 0,
            sha256: &sha256_hex(b""),
        };
        assert!(verify(&b""[..], &empty, max).await.is_ok());
        assert_eq!(
            code(verify(&data[..], &empty, max).await),
            "checksum_mismatch"
        );
    }

    #[tokio::test]
    async fn reading_stops_just_past_the_limit() {
        let max = 1024 * 1024;
        let hex = sha256_hex(b"");
        let declared = Declared {
            size_bytes: 10,
            sha256: &hex,
        };
        // An endless file ends the check at the limit instead of hanging.
        let endless = tokio::io::repeat(0x41);
        assert_eq!(
            code(verify(endless, &declared, max).await),
            "file_too_large"
        );
        // Exactly the limit is allowed.
        let data = vec![3u8; max as usize];
        let at_limit = Declared {
            size_bytes: max,
            sha256: &sha256_hex(&data),
        };
        assert!(verify(&data[..], &at_limit, max).await.is_ok());
        let over = [&data[..], b"!"].concat();
        assert_eq!(
            code(verify(&over[..], &at_limit, max).await),
            "file_too_large"
        );
    }

    #[tokio::test]
    async fn a_declared_size_over_the_limit_is_refused_before_reading() {
        let hex = sha256_hex(b"");
        let declared = Declared {
            size_bytes: 101,
            sha256: &hex,
        };
        let broken = Trickle {
            data: Vec::new(),
            at: 0,
            fail_at_end: true,
        };
        assert_eq!(code(verify(broken, &declared, 100).await), "file_too_large");
    }

    #[tokio::test]
    async fn a_failed_read_is_not_a_rejection() {
        let data = vec![1u8; 1000];
        let hex = sha256_hex(&data);
        let declared = Declared {
            size_bytes: 1000,
            sha256: &hex,
        };
        let broken = Trickle {
            data,
            at: 0,
            fail_at_end: true,
        };
        match verify(broken, &declared, DEFAULT_MAX_UPLOAD_BYTES).await {
            Err(CheckError::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
            other => panic!("{other:?}"),
        }
    }
}
