//! A function binary started as Lambda starts it: `AWS_LAMBDA_RUNTIME_API` pointing at its
//! own Runtime API, the usual `AWS_LAMBDA_*` variables, one event at a time. Its stdout
//! (metrics documents) and stderr (logs) are kept line by line.

use crate::runtime::{Invocation, Outcome, RuntimeApi};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

pub struct FunctionProcess {
    pub name: String,
    pub api: RuntimeApi,
    pub started: Instant,
    pid: Option<u32>,
    child: tokio::process::Child,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn collect(stream: impl AsyncRead + Unpin + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            into.lock().expect("lock").push(l);
        }
    });
}

impl FunctionProcess {
    /// Starts `bin` as the function `name` with `env` (plus what Lambda sets).
    pub async fn spawn(
        bin: &Path,
        name: &str,
        env: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(bin.exists(), "{} is not built", bin.display());
        Self::spawn_command(bin, &[], name, env).await
    }

    /// Starts `program args...` as the function `name`: an interpreter with its runtime
    /// client, say.
    pub async fn spawn_command(
        program: &Path,
        args: &[&str],
        name: &str,
        env: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        let api = RuntimeApi::start(name).await?;
        let started = Instant::now();
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .env_clear()
            .envs(env)
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(o) = child.stdout.take() {
            collect(o, stdout.clone());
        }
        if let Some(e) = child.stderr.take() {
            collect(e, stderr.clone());
        }
        Ok(Self {
            name: name.to_owned(),
            pid: child.id(),
            api,
            started,
            child,
            stdout,
            stderr,
        })
    }

    /// One invocation; a function that exits or reports an error fails it, with its last
    /// log lines.
    pub async fn invoke(&mut self, event: Value, timeout: Duration) -> anyhow::Result<Invocation> {
        let result = tokio::select! {
            r = self.api.invoke(event, timeout) => r,
            status = self.child.wait() => Err(anyhow::anyhow!("exited: {:?}", status.ok())),
        };
        match result {
            Ok(
                inv @ Invocation {
                    outcome: Outcome::Response(_),
                    ..
                },
            ) => Ok(inv),
            Ok(Invocation {
                outcome: Outcome::Error(e),
                ..
            }) => {
                anyhow::bail!("{} reported an error: {e}\n{}", self.name, self.log_tail())
            }
            Err(e) => anyhow::bail!("{}: {e}\n{}", self.name, self.log_tail()),
        }
    }

    /// Process start → first poll for an event: the init phase.
    pub fn init_duration(&self) -> Option<Duration> {
        self.api.first_poll().map(|t| t - self.started)
    }

    /// Lines the function printed on stdout so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().expect("lock").clone()
    }

    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().expect("lock").clone()
    }

    fn log_tail(&self) -> String {
        let lines = self.stderr_lines();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// CPU time (user + system) the process has used so far, from /proc (Linux only).
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid?)).ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(") ")?.1;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
        // USER_HZ is 100 on every Linux we run on.
        Some(Duration::from_millis(ticks * 10))
    }

    /// The most resident memory the process has held (`VmHWM`), in bytes (Linux only).
    pub fn peak_rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid?)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
