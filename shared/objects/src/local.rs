//! `Objects` in a local directory, for `pirros-local` without a bucket. Upload URLs point at
//! its own file server (`/files/{key}`, signed like its download URLs and expiring the
//! same way); the fixture's files are read where they are.

use super::{ObjectError, ObjectInfo, ObjectReader, Objects, PresignedPut};
use crate::files::{enc, local_put_query};
use async_trait::async_trait;
use pirros_domain::timestamp::Timestamp;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub struct LocalObjects {
    dir: PathBuf,
    base_url: String,
    key: Vec<u8>,
    /// Fixture files by key: read in place, never written.
    fixture: HashMap<String, PathBuf>,
}

fn failed(operation: &'static str, key: &str, e: impl std::fmt::Display) -> ObjectError {
    ObjectError::Failed {
        operation,
        key: key.to_owned(),
        message: e.to_string(),
    }
}

/// Only plain relative paths: a key never leaves the directory.
fn relative(key: &str) -> Option<PathBuf> {
    let path = Path::new(key);
    (!key.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_))))
        .then(|| path.to_path_buf())
}

impl LocalObjects {
    /// `key` signs upload URLs; the local file server checks them with the same key.
    pub fn new(
        dir: PathBuf,
        base_url: String,
        key: Vec<u8>,
        fixture: HashMap<String, PathBuf>,
    ) -> Self {
        Self {
            dir,
            base_url,
            key,
            fixture,
        }
    }

    /// Where `key` is (or would be) on disk.
    pub fn path_of(&self, key: &str) -> Option<PathBuf> {
        if let Some(p) = self.fixture.get(key) {
            return Some(p.clone());
        }
        relative(key).map(|r| self.dir.join(r))
    }

    /// Where `key` is written: never over a fixture file.
    fn writable(&self, operation: &'static str, key: &str) -> Result<PathBuf, ObjectError> {
        if self.fixture.contains_key(key) {
            return Err(failed(operation, key, "fixture files are read-only"));
        }
        relative(key)
            .map(|r| self.dir.join(r))
            .ok_or_else(|| failed(operation, key, "not a plain relative key"))
    }

    /// Writes `reader` to `key` through a temporary name, so a failed write leaves nothing.
    pub async fn write_from<R: tokio::io::AsyncRead + Unpin + ?Sized>(
        &self,
        key: &str,
        reader: &mut R,
    ) -> Result<u64, ObjectError> {
        let path = self.writable("PutObject", key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| failed("PutObject", key, e))?;
        }
        let tmp = path.with_extension(format!("part-{}", uuid::Uuid::new_v4().simple()));
        let written = async {
            let mut file = tokio::fs::File::create(&tmp)
                .await
                .map_err(|e| failed("PutObject", key, e))?;
            let n = tokio::io::copy(reader, &mut file)
                .await
                .map_err(ObjectError::Read)?;
            file.flush()
                .await
                .map_err(|e| failed("PutObject", key, e))?;
            Ok::<_, ObjectError>(n)
        }
        .await;
        match written {
            Ok(n) => {
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(|e| failed("PutObject", key, e))?;
                Ok(n)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }
}

#[async_trait]
impl Objects for LocalObjects {
    async fn presign_put(
        &self,
        key: &str,
        size: u64,
        sha256_hex: &str,
        ttl_secs: u64,
    ) -> Result<PresignedPut, ObjectError> {
        self.writable("PresignPutObject", key)?;
        let expires_at = Timestamp::from_millis(Timestamp::now().secs() * 1000).plus_secs(ttl_secs);
        let path: Vec<String> = key.split('/').map(enc).collect();
        let url = format!(
            "{}/files/{}?{}",
            self.base_url.trim_end_matches('/'),
            path.join("/"),
            local_put_query(&self.key, key, expires_at.secs(), size, sha256_hex)
        );
        Ok(PresignedPut {
            url,
            headers: vec![("content-length".into(), size.to_string())],
            expires_at,
        })
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectError> {
        let Some(path) = self.path_of(key) else {
            return Ok(None);
        };
        match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => Ok(Some(ObjectInfo { size: m.len() })),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("HeadObject", key, e)),
        }
    }

    async fn open(&self, key: &str) -> Result<Option<ObjectReader>, ObjectError> {
        let Some(path) = self.path_of(key) else {
            return Ok(None);
        };
        match tokio::fs::File::open(&path).await {
            Ok(f) => Ok(Some(Box::new(tokio::io::BufReader::new(f)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("GetObject", key, e)),
        }
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), ObjectError> {
        let mut source = self
            .open(from)
            .await?
            .ok_or_else(|| failed("CopyObject", from, "no such object"))?;
        self.write_from(to, &mut source).await.map(drop)
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        let path = self.writable("DeleteObject", key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(failed("DeleteObject", key, e)),
        }
    }

    async fn put_stream(
        &self,
        key: &str,
        _content_type: &str,
        mut reader: ObjectReader,
    ) -> Result<u64, ObjectError> {
        self.write_from(key, &mut reader).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn objects(dir: &Path) -> LocalObjects {
        LocalObjects::new(
            dir.to_path_buf(),
            "http://127.0.0.1:1".into(),
            b"k".to_vec(),
            HashMap::new(),
        )
    }

    #[tokio::test]
    async fn stores_reads_copies_and_deletes() {
        let dir = std::env::temp_dir().join(format!("pirros-objects-{}", uuid::Uuid::new_v4()));
        let o = objects(&dir);
        assert_eq!(o.head("a/b").await.unwrap(), None);
        let n = o
            .put_stream("a/b", "x", Box::new(&b"hello"[..]))
            .await
            .unwrap();
        assert_eq!(n, 5);
        assert_eq!(o.head("a/b").await.unwrap(), Some(ObjectInfo { size: 5 }));
        o.copy("a/b", "c/d").await.unwrap();
        let mut text = String::new();
        o.open("c/d")
            .await
            .unwrap()
            .unwrap()
            .read_to_string(&mut text)
            .await
            .unwrap();
        assert_eq!(text, "hello");
        o.delete("a/b").await.unwrap();
        o.delete("a/b").await.unwrap();
        assert!(o.open("a/b").await.unwrap().is_none());
        // Keys never leave the directory.
        for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
            assert!(
                o.put_stream(bad, "x", Box::new(&b""[..])).await.is_err(),
                "{bad}"
            );
            assert_eq!(o.head(bad).await.unwrap(), None, "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn a_failing_reader_leaves_no_object() {
        struct Broken;
        impl tokio::io::AsyncRead for Broken {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
                _: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Err(std::io::ErrorKind::ConnectionReset.into()))
            }
        }
        let dir = std::env::temp_dir().join(format!("pirros-objects-{}", uuid::Uuid::new_v4()));
        let o = objects(&dir);
        let e = o
            .put_stream("x/y", "x", Box::new(Broken))
            .await
            .unwrap_err();
        assert!(matches!(e, ObjectError::Read(_)), "{e}");
        assert_eq!(o.head("x/y").await.unwrap(), None);
        assert_eq!(std::fs::read_dir(dir.join("x")).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
