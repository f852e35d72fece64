//! A TCP relay that holds each request back by a fixed time before passing it on: DynamoDB
//! Local answers in ~0.6 ms, DynamoDB in the same region in a few ms, and a function's
//! duration (what Lambda bills) is mostly those waits, one per sequential round trip.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Relays 127.0.0.1:<returned port> to `upstream`, delaying each request the client sends.
pub async fn start(upstream: SocketAddr, delay: Duration) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                // Answers passed back so far: a request that follows one is a new request
                // (the SDK sends one at a time on a connection), while the pieces of one
                // request arrive before any answer to it, and are held back once.
                let answers = Arc::new(AtomicU64::new(0));
                let seen = answers.clone();
                let up = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut answered_at_last_write = None;
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let answered = seen.load(Ordering::Acquire);
                        if answered_at_last_write != Some(answered) {
                            tokio::time::sleep(delay).await;
                        }
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        answered_at_last_write = Some(answered);
                    }
                };
                let down = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match sr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        answers.fetch_add(1, Ordering::Release);
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                tokio::join!(up, down);
            });
        }
    });
    Ok(addr)
}
