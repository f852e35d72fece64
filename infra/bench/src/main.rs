//! `pirros-bench`: figures anyone can re-run (see docs/performance.md). Needs the emulators
//! that `infra/scripts/bench.sh` starts.

mod cost;
mod delay;
mod delivery_cost;
mod emulator_cpu;
mod events;
mod init;
mod lambda_env;
mod routes;
mod scale;
mod shapes;
mod stamp;
mod tables;
mod tap;
mod uploads;
mod webhooks;
mod writes;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "pirros-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load N details into DynamoDB Local and measure search pages: items read, latency.
    SearchScale {
        /// Workspace sizes, comma-separated: one run (and table) each.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        details: Vec<usize>,
        /// Requests per scenario.
        #[arg(long, default_value_t = 25)]
        samples: usize,
        /// Write the figures as JSON here.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Cold start of each function binary through a local Lambda Runtime API.
    Init {
        /// Where the function binaries are (target/release).
        #[arg(long, default_value = "target/release")]
        bin_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 10)]
        runs: usize,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Cost per request: each route's function binary as Lambda runs it, plus the tags
    /// route in Python, with an in-region DynamoDB round trip added.
    Cost {
        /// Where the function binaries are (target/release).
        #[arg(long, default_value = "target/release")]
        bin_dir: std::path::PathBuf,
        /// Warm invocations per route.
        #[arg(long, default_value_t = 200)]
        samples: usize,
        /// Cold starts per route.
        #[arg(long, default_value_t = 5)]
        cold_runs: usize,
        /// A Python with awslambdaric, boto3 and PyJWT: measures python/tags_handler.py too.
        #[arg(long)]
        python: Option<std::path::PathBuf>,
        /// Milliseconds added to each DynamoDB round trip (DynamoDB Local answers in ~0.6).
        #[arg(long, default_value_t = 3.0)]
        dynamodb_rtt_ms: f64,
        /// Where to write the figures as JSON.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Family uploads through pirros-local (DynamoDB Local, s3rver): PUT-to-succeeded
    /// latency and storage calls per upload, per file size.
    Uploads {
        /// File sizes in MB (1,000,000 bytes), comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [1u64, 100])]
        sizes_mb: Vec<u64>,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Items and write units of one family upload's commit and one detail's import with a
    /// long description of distinct words (what the word index costs a write).
    IndexWrites {
        /// Characters of the description.
        #[arg(long, default_value_t = 2000)]
        chars: usize,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// What an event costs a write, what a feed page reads, and concurrent writers with a
    /// reader following the feed: events lost and seen twice.
    Events {
        #[arg(long, default_value_t = 10_000)]
        writes: usize,
        #[arg(long, default_value_t = 8)]
        writers: usize,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Webhook delivery through pirros-local on DynamoDB Local: commit → delivery latency,
    /// fan-out to many endpoints and many events to one, a receiver down then back.
    Webhooks {
        #[arg(long, default_value_t = 200)]
        samples: usize,
        #[arg(long, default_value_t = 1000)]
        endpoints: usize,
        #[arg(long, default_value_t = 1000)]
        events: usize,
        /// How long the receiver answers 503 (the retry schedule is scaled down 60 times).
        #[arg(long, default_value_t = 60)]
        down_secs: u64,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// p50/p99 per route over HTTP against DynamoDB Local, beside the raw DynamoDB floor.
    Routes {
        #[arg(long, default_value_t = 300)]
        samples: usize,
        /// Milliseconds a relay adds to each DynamoDB round trip (0: none).
        #[arg(long, default_value_t = 0.0)]
        dynamodb_rtt_ms: f64,
        /// Measures only the routes named (repeatable, as the table names them): to look
        /// into one route without a whole run. A partial run writes no JSON.
        #[arg(long, conflicts_with = "json")]
        only: Vec<String>,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Renders docs/performance.md's tables from the bench JSON; `--check` only compares.
    Tables {
        #[arg(long)]
        check: bool,
        #[arg(long, default_value = "docs/performance.md")]
        doc: std::path::PathBuf,
        #[arg(long, default_value = "docs/bench")]
        bench_dir: std::path::PathBuf,
    },
    /// Writes the commit measured into the JSON of a part `bench.sh` runs as a script.
    Stamp { json: std::path::PathBuf },
}

impl Command {
    /// The JSON a part writes, stamped here once it ran rather than by each part.
    fn json(&self) -> Option<&std::path::PathBuf> {
        match self {
            Command::SearchScale { json, .. }
            | Command::Init { json, .. }
            | Command::Cost { json, .. }
            | Command::Uploads { json, .. }
            | Command::IndexWrites { json, .. }
            | Command::Events { json, .. }
            | Command::Webhooks { json, .. }
            | Command::Routes { json, .. } => json.as_ref(),
            Command::Tables { .. } | Command::Stamp { .. } => None,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let command = Cli::parse().command;
    let json = command.json().cloned();
    // Taken before the run: the tree as built is what was measured.
    let stamp = json.as_ref().and_then(|_| stamp::Stamp::of_tree());
    match command {
        Command::SearchScale {
            details,
            samples,
            json,
        } => scale::run(details, samples, json).await,
        Command::Routes {
            samples,
            dynamodb_rtt_ms,
            only,
            json,
        } => routes::run(samples, dynamodb_rtt_ms, &only, json).await,
        Command::Events {
            writes,
            writers,
            json,
        } => events::run(writes, writers, json).await,
        Command::IndexWrites { chars, json } => writes::run(chars, json).await,
        Command::Webhooks {
            samples,
            endpoints,
            events,
            down_secs,
            json,
        } => webhooks::run(samples, endpoints, events, down_secs, json).await,
        Command::Cost {
            bin_dir,
            samples,
            cold_runs,
            python,
            dynamodb_rtt_ms,
            json,
        } => cost::run(bin_dir, samples, cold_runs, python, dynamodb_rtt_ms, json).await,
        Command::Uploads {
            sizes_mb,
            runs,
            json,
        } => uploads::run(sizes_mb, runs, json).await,
        Command::Init {
            bin_dir,
            runs,
            json,
        } => init::run(bin_dir, runs, json).await,
        Command::Tables {
            check,
            doc,
            bench_dir,
        } => tables::run(&doc, &bench_dir, check),
        Command::Stamp { json } => stamp::stamp_file(&json),
    }?;
    if let (Some(path), Some(stamp)) = (json, stamp) {
        stamp.apply_to_file(&path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_some_routes_writes_no_json() {
        let parse =
            |args: &[&str]| Cli::try_parse_from([&["pirros-bench", "routes"], args].concat());
        let only = ["--only", "token", "--only", "flag create"];
        match parse(&only).expect("--only alone").command {
            Command::Routes { only, json, .. } => {
                assert_eq!(only, ["token", "flag create"]);
                assert!(json.is_none());
            }
            _ => panic!("not the routes part"),
        }
        let err = parse(&["--only", "token", "--json", "x.json"])
            .err()
            .expect("--only with --json is refused");
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
