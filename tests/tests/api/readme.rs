//! The README's quickstart and what `pirros-local` prints, run verbatim against the real
//! binary.

use pirros_tests::bin;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    lines: Vec<String>,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `pirros-local` with no store arguments on a free port and reads its banner.
fn start() -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin("pirros-local"))
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env_remove("JWT_SECRET")
        .env_remove("TABLE_NAME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pirros-local starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) => {
                let done = l.starts_with("API console");
                lines.push(l);
                if done {
                    break;
                }
            }
            Err(_) => continue,
        }
    }
    assert!(
        lines.iter().any(|l| l.starts_with("API console")),
        "banner incomplete: {lines:?}"
    );
    Server { child, lines, port }
}

fn sh(script: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn printed_curl_lines_work_verbatim() {
    let s = start();
    let curls: Vec<&String> = s.lines.iter().filter(|l| l.starts_with("curl ")).collect();
    assert_eq!(curls.len(), 2, "{:?}", s.lines);
    let token: serde_json::Value = serde_json::from_str(&sh(curls[0])).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    let tags: serde_json::Value = serde_json::from_str(&sh(curls[1])).unwrap();
    assert!(
        !tags["response"]["data"].as_array().unwrap().is_empty(),
        "{tags}"
    );
    for label in [
        "Demo client id:",
        "Demo client secret:",
        "Demo workspace id:",
    ] {
        assert!(s.lines.iter().any(|l| l.starts_with(label)), "{label}");
    }
}

#[test]
fn readme_quickstart_block_works() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let start_marker = "<!-- quickstart:begin -->";
    let block = readme
        .split(start_marker)
        .nth(1)
        .and_then(|r| r.split("<!-- quickstart:end -->").next())
        .expect("README has a quickstart block");
    let script: String = block
        .lines()
        .filter(|l| !l.starts_with("```"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        script.contains("127.0.0.1:3000"),
        "the README talks about the default address"
    );
    let s = start();
    let out = sh(&script.replace("127.0.0.1:3000", &format!("127.0.0.1:{}", s.port)));
    let last = out.lines().last().unwrap_or_default();
    let tags: serde_json::Value = serde_json::from_str(last).expect("last line is the tags JSON");
    assert_eq!(tags["response"]["data"][0]["name"], "concrete", "{out}");
}
