//! `pirros-bench`: figures anyone can re-run (see docs/performance.md). Needs the emulators
//! that `infra/scripts/bench.sh` starts.

mod init;
mod routes;
mod scale;
mod uploads;

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
        #[arg(long, default_value_t = 100_000)]
        details: usize,
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
    /// p50/p99 per route over HTTP against DynamoDB Local, beside the raw DynamoDB floor.
    Routes {
        #[arg(long, default_value_t = 300)]
        samples: usize,
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::SearchScale {
            details,
            samples,
            json,
        } => scale::run(details, samples, json).await,
        Command::Routes { samples, json } => routes::run(samples, json).await,
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
    }
}
