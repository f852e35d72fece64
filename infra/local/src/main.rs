//! `pirros-local [--store memory|dynamodb] [--fixture FILE] [--addr 127.0.0.1:3000]`

use clap::Parser;
use pirros_local::start::{Options, StoreKind, start};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "pirros-local",
    about = "Every Pirros API route in one local process"
)]
struct Cli {
    /// Where data lives: the embedded store, or the DynamoDB table named by TABLE_NAME.
    #[arg(long, value_enum, default_value = "memory")]
    store: StoreKind,
    /// A fixture file to load (docs/fixture.md); the embedded store loads the demo by default.
    #[arg(long)]
    fixture: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
}

const DEMO_CLIENT: &str = "pirros-demo-client";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    pirros_shared::logging::init();
    let cli = Cli::parse();
    pirros_shared::metrics::init()?;
    let running = start(Options {
        store: cli.store,
        fixture: cli.fixture,
        addr: cli.addr,
        env: std::env::vars().collect(),
    })
    .await?;
    let base = format!("http://{}", running.addr);
    println!(
        "Pirros local API listening on {base} (store: {:?})",
        cli.store
    );
    if running.demo {
        let demo: serde_json::Value = serde_json::from_str(pirros_local::start::DEMO_FIXTURE)?;
        let cred = &demo["credentials"][0];
        let (id, secret) = (
            cred["client_id"].as_str().unwrap_or(DEMO_CLIENT),
            cred["client_secret"].as_str().unwrap_or_default(),
        );
        let ws = demo["workspaces"][0]["id"].as_str().unwrap_or_default();
        let state = &running.app.state;
        let signer = state
            .signer
            .as_ref()
            .expect("pirros-local holds the signing keys");
        let token = pirros_shared::auth::token::issue(
            signer,
            &pirros_shared::ids::ClientId::parse(id).expect("demo client id"),
            1,
            state.config.token_ttl_secs,
        )?;
        println!();
        println!("Demo client id:     {id}");
        println!("Demo client secret: {secret}");
        println!("Demo workspace id:  {ws}");
        println!();
        println!("1. Get an access token:");
        println!(
            "curl -X POST {base}/oauth/token -H \"Content-Type: application/json\" -d '{{\"grant_type\": \"client_credentials\", \"client_id\": \"{id}\", \"client_secret\": \"{secret}\"}}'"
        );
        println!();
        let ttl = state.config.token_ttl_secs;
        let lasts = match ttl {
            3600 => "one hour".to_owned(),
            s if s % 60 == 0 && s > 60 => format!("{} minutes", s / 60),
            s => format!("{s} seconds"),
        };
        println!("2. List tags with it (this token was issued at start-up and lasts {lasts}):");
        println!("curl {base}/v1/workspaces/{ws}/tags -H \"Authorization: Bearer {token}\"");
        println!();
        println!("API console: {base}/docs");
    }
    running.task.await??;
    Ok(())
}
