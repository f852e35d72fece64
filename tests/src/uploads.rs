//! Helpers of the upload, job and export tests: real Revit-shaped files (OLE compound
//! files with a `BasicFileInfo` stream), and the client's side of an upload.

use crate::{Api, Reply};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};

/// A compound file as Revit writes one (512-byte sectors), naming `year` in its
/// `BasicFileInfo` the way recent releases do, padded with a stream to about `size` bytes.
pub fn rfa(size: usize, year: Option<u16>) -> Vec<u8> {
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .expect("in-memory compound file");
    if let Some(year) = year {
        let text =
            format!("Worksharing: Not enabled\r\nFormat: {year}\r\nBuild: 20230308_1635(x64)\r\n");
        let mut info = vec![0x0d, 0, 0, 0, 1, 0, 0, 0, 0x2a];
        info.extend_from_slice(&(text.encode_utf16().count() as u32).to_le_bytes());
        info.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        file.create_stream("/BasicFileInfo")
            .unwrap()
            .write_all(&info)
            .unwrap();
    }
    file.create_storage("/Global").unwrap();
    let pad = size.saturating_sub(4096);
    if pad > 0 {
        let mut stream = file.create_stream("/Global/Latest").unwrap();
        let chunk: Vec<u8> = (0..65536u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut left = pad;
        while left > 0 {
            let n = left.min(chunk.len());
            stream.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

pub fn sha256_hex(data: &[u8]) -> String {
    format!("{:x}", Sha256::digest(data))
}

/// The body of an upload request for `data` (a new family unless `family_id`).
pub fn upload_body(data: &[u8], family_id: Option<&str>) -> Value {
    let mut b = json!({
        "file_name": "Door Single Flush.rfa",
        "size_bytes": data.len(),
        "sha256": sha256_hex(data),
    });
    match family_id {
        Some(id) => b["family_id"] = json!(id),
        None => {
            b["name"] = json!("Uploaded door");
            b["category"] = json!("Doors");
        }
    }
    b
}

impl Api {
    /// `POST .../families/uploads`.
    pub async fn start_upload(&self, ws: &str, token: &str, body: &Value) -> Reply {
        self.write(
            reqwest::Method::POST,
            &format!("/v1/workspaces/{ws}/families/uploads"),
            token,
            body,
            None,
        )
        .await
    }

    /// PUTs `data` where an upload answer says, with the headers it names (all but
    /// `content-length` when `honest` is false: a client that sends another size than it
    /// declared). Answers the status.
    pub async fn put_upload(&self, answer: &Reply, data: Vec<u8>, honest: bool) -> u16 {
        let upload = &answer.body["response"]["upload"];
        assert_eq!(upload["method"], "PUT", "{}", answer.text);
        let url = upload["url"].as_str().expect("upload url");
        let mut req = self.http.put(url).body(data);
        for (k, v) in upload["headers"].as_object().expect("headers") {
            if !honest && k.eq_ignore_ascii_case("content-length") {
                continue;
            }
            req = req.header(k, v.as_str().expect("header value"));
        }
        req.send().await.expect("PUT sent").status().as_u16()
    }

    /// `GET .../jobs/{id}?wait_for_completion=true`.
    pub async fn wait_job(&self, ws: &str, token: &str, id: &str) -> Reply {
        self.get(
            &format!("/v1/workspaces/{ws}/jobs/{id}?wait_for_completion=true"),
            token,
        )
        .await
    }

    /// Starts an upload of `data`, PUTs it and waits for its job: the job.
    pub async fn upload(&self, ws: &str, token: &str, body: &Value, data: Vec<u8>) -> Value {
        let r = self.start_upload(ws, token, body).await;
        assert_eq!(r.status, 202, "{}", r.text);
        assert_eq!(self.put_upload(&r, data, true).await, 200);
        let id = r.body["response"]["job"]["id"].as_str().unwrap();
        let done = self.wait_job(ws, token, id).await;
        assert_eq!(done.status, 200, "{}", done.text);
        done.body["response"].clone()
    }
}

/// The bytes at a download URL.
pub async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let resp = reqwest::get(url).await.expect("GET sent");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("body").to_vec())
}
