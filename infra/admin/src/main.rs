//! `pirros-admin`: operate the DynamoDB table named by `TABLE_NAME`.

mod delete;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use pirros_config::aws::{operator_timeouts, sdk_config};
use pirros_domain::grants::{Action, EntityType, Filter, FilterId, FilterMatch};
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_domain::model::{Credential, CredentialStatus, Grant};
use pirros_domain::secret::{self, SecretHash};
use pirros_domain::timestamp::Timestamp;
use pirros_objects::s3::client as s3_client;
use pirros_store::AccessStore;
use pirros_store::dynamo::DynamoStore;
use pirros_store::{
    AdminStore, ContentStore, EventStore, Item, StashStore, StopPoint, credential_update,
};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "pirros-admin",
    about = "Administer the Pirros table named by TABLE_NAME"
)]
struct Cli {
    #[command(subcommand)]
    command: TopCommand,
}

#[derive(Subcommand)]
enum TopCommand {
    /// The fixture file's format.
    Fixture {
        #[command(subcommand)]
        command: FixtureCommand,
    },
    #[command(flatten)]
    OnTable(Command),
}

/// Commands that work on the table.
#[derive(Subcommand)]
enum Command {
    /// The table itself.
    Table {
        #[command(subcommand)]
        command: TableCommand,
    },
    /// Import a fixture file (docs/fixture.md): checked whole, nothing is written if any
    /// entry is wrong; credentials that exist already are left as they are.
    Import { file: PathBuf },
    /// API credentials.
    Credentials {
        #[command(subcommand)]
        command: CredentialsCommand,
    },
    /// Scope grants of a credential.
    Grants {
        #[command(subcommand)]
        command: GrantsCommand,
    },
    /// Custom resource filters.
    Filters {
        #[command(subcommand)]
        command: FiltersCommand,
    },
    /// Turn every /v1 route off (503) or back on, within 10 seconds.
    Killswitch { state: OnOff },
    /// Remove one resource from wherever it is held; prints what changed.
    Delete {
        #[command(subcommand)]
        command: DeleteCommand,
    },
}

#[derive(Subcommand)]
enum DeleteCommand {
    /// A stash: it leaves every stash list and every family's references (as
    /// `DELETE /v1/workspaces/{ws}/stashes/{id}` does).
    Stash {
        id: String,
        /// The stash's workspace, when the id is in more than one.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// A detail: it leaves every stash that holds it (each at a new version), its search
    /// lists, its families' references; its flags go with it.
    Detail {
        id: String,
        /// The detail's workspace, when the id is in more than one.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// A family: it leaves every stash that holds it, the details that place it, its
    /// group and its search lists; its versions go with it.
    Family {
        id: String,
        /// The family's workspace, when the id is in more than one.
        #[arg(long)]
        workspace: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Subcommand)]
enum TableCommand {
    /// Create the table (pk/sk, on demand, TTL on `ttl`); a no-op when it exists.
    Create,
    /// Move what an earlier release wrote to where this one reads it (families and their
    /// versions: from their workspace's partition to their own; details' open-flag counts:
    /// from each detail's flags partition to its workspace's counts). Run it once after
    /// deploying over an older stack; running it again is harmless. Prints what it moved.
    Migrate,
}

#[derive(Subcommand)]
enum FixtureCommand {
    /// Print the fixture file's JSON Schema (docs/fixture.schema.json).
    Schema,
}

#[derive(Subcommand)]
enum CredentialsCommand {
    /// Create a credential; prints {client_id, client_secret} (the secret is shown once).
    Create {
        #[arg(long)]
        firm: String,
        #[arg(long)]
        name: String,
    },
    /// Revoke a credential: every token it holds fails on the next call.
    Revoke { id: String },
    /// Issue a new secret; prints {client_id, client_secret}. Old tokens fail at once.
    Regenerate { id: String },
    /// Issue a new secret for a zero-downtime rotation; prints {client_id, client_secret}.
    /// The old secret, and tokens of either, keep working until the old one expires.
    Roll {
        id: String,
        /// How long the old secret keeps working, in seconds (0: it stops at once).
        #[arg(long = "old-secret-valid-for", default_value_t = 86_400)]
        old_secret_valid_for: u64,
    },
}

#[derive(clap::Args)]
struct GrantArgs {
    /// Client id of the credential.
    id: String,
    #[arg(long)]
    workspace: String,
    /// `default:details|families|stashes|tags` or a custom filter id.
    #[arg(long)]
    filter: String,
    /// read, write or download.
    #[arg(long)]
    action: String,
}

#[derive(Subcommand)]
enum GrantsCommand {
    Add(GrantArgs),
    Remove(GrantArgs),
}

#[derive(Subcommand)]
enum FiltersCommand {
    /// Create (or replace) a custom filter; prints it as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        name: String,
        /// detail, family, stash or tag.
        #[arg(long = "entity-type")]
        entity_type: String,
        /// The match object, e.g. '{"tag_ids_any":["t1"],"library":"typical"}'.
        #[arg(long = "match")]
        rule: String,
        /// Id of the filter; a new UUID when absent.
        #[arg(long)]
        id: Option<String>,
    },
    /// List a workspace's custom filters as JSON.
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Delete a custom filter.
    Delete {
        id: String,
        #[arg(long)]
        workspace: String,
    },
}

fn print(v: serde_json::Value) {
    emit(&format!("{v:#}\n"));
}

/// Writes `text` to stdout. A reader that went away (`| head`) is no failure of the command,
/// whose work is done by then; `println!` would panic on it. Any other failure to write
/// (a full disk) is one.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("pirros-admin: cannot write the output: {e}");
            std::process::exit(1);
        }
    }
}

/// A new secret of a revoked credential is stored, but it gets no token: revoking is for
/// good. Said, so that an operator does not hand it out.
fn warn_if_revoked(c: &Credential) {
    if !c.is_active() {
        eprintln!(
            "pirros-admin: credential {} is revoked: no secret of it gets a token, the new one included",
            c.client_id
        );
    }
}

fn workspace(s: &str) -> anyhow::Result<WorkspaceId> {
    WorkspaceId::parse(s).with_context(|| format!("--workspace {s:?} is not a workspace UUID"))
}

fn client(s: &str) -> anyhow::Result<ClientId> {
    ClientId::parse(s).with_context(|| format!("{s:?} is not a valid client id"))
}

async fn credential(store: &DynamoStore, id: &str) -> anyhow::Result<Credential> {
    store
        .get_credential(&client(id)?)
        .await?
        .with_context(|| format!("no credential {id:?}"))
}

/// One change to a stored credential, as a write conditional on the version it read
/// (retried when another operator wrote first).
async fn change<T>(
    store: &DynamoStore,
    id: &str,
    f: impl FnMut(&mut Credential) -> Result<T, String>,
) -> anyhow::Result<(Credential, T)> {
    credential_update::update(store, &client(id)?, f)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// After custom filter `filter` of `ws` changed what it matches, or went: an
/// `access.changed` event for each credential holding a grant on it, appended after the
/// filter's write (a run killed between the two loses them; run the command again).
async fn tell_holders(
    store: &DynamoStore,
    ws: WorkspaceId,
    filter: &ResourceId,
) -> anyhow::Result<()> {
    let events = credential_update::filters_changed(store, &[(ws, filter.clone())]).await?;
    store.append_events(&events).await?;
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run(Cli::parse()).await {
        let said = format!("{e:#}");
        eprintln!("pirros-admin: {said}");
        if said.contains("ResourceNotFoundException") {
            let table = std::env::var("TABLE_NAME").unwrap_or_default();
            eprintln!(
                "pirros-admin: there is no table {table:?} here: check TABLE_NAME and the region, or make it with `pirros-admin table create`"
            );
        }
        std::process::exit(1);
    }
}

/// Checks the fixture whole, uploads its files, writes its records; prints what it did.
async fn import(
    store: &DynamoStore,
    sdk: &aws_config::SdkConfig,
    file: &Path,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let fx = match pirros_fixture::load(&text, &dir, store).await {
        Ok(fx) => fx,
        Err(problems) => {
            bail!(
                "fixture refused, nothing written:\n  {}",
                problems.join("\n  ")
            )
        }
    };
    let bucket = std::env::var("FILES_BUCKET").ok().filter(|b| !b.is_empty());
    if !fx.files.is_empty() && bucket.is_none() {
        bail!("the fixture has files: set FILES_BUCKET to the bucket to upload them to");
    }
    let s3 = s3_client(sdk);
    let written = pirros_fixture::import(&fx, store, bucket.as_deref().map(|b| (&s3, b)))
        .await
        .map_err(anyhow::Error::msg)?;
    for id in &written.kept_credentials {
        eprintln!(
            "pirros-admin: credential {id} exists already: left as it is (status, secret and grants unchanged)"
        );
    }
    print(json!({
        "imported_items": written.items,
        "uploaded_files": written.uploaded_files,
        "kept_credentials": written.kept_credentials,
        "events": written.events,
    }));
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        TopCommand::Fixture {
            command: FixtureCommand::Schema,
        } => {
            emit(&pirros_fixture::schema_json());
            Ok(())
        }
        TopCommand::OnTable(command) => on_table(command).await,
    }
}

async fn on_table(command: Command) -> anyhow::Result<()> {
    let table = std::env::var("TABLE_NAME")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .context("TABLE_NAME is not set")?;
    let sdk = sdk_config().await;
    // Every command here is an operator's: no request waits on it.
    let ddb = aws_sdk_dynamodb::config::Builder::from(&sdk).timeout_config(operator_timeouts());
    // `STORE_STOP_AFTER=unlisted` stops a detail's or family's delete before its record
    // goes, as a crash would (tests of what a stopped delete leaves).
    let stop = std::env::var("STORE_STOP_AFTER").ok();
    let stop = StopPoint::from_setting(stop.as_deref()).map_err(anyhow::Error::msg)?;
    let store = DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(ddb.build()),
        table.clone(),
    )
    .with_stop(stop);
    match command {
        Command::Table {
            command: TableCommand::Create,
        } => {
            let created = store.create_table().await?;
            print(json!({ "table": table, "created": created }));
        }
        Command::Table {
            command: TableCommand::Migrate,
        } => {
            let done = store.move_families_to_their_partition().await?;
            let counts = store.move_open_flag_counts().await?;
            print(json!({
                "table": table,
                "families_and_versions_moved": done.moved,
                "superseded_by_newer": done.superseded,
                "open_flag_counts_moved": counts.moved,
                "open_flag_counts_changed_meanwhile": counts.superseded,
            }));
        }
        Command::Import { file } => import(&store, &sdk, &file).await?,
        Command::Credentials { command } => match command {
            CredentialsCommand::Create { firm, name } => {
                let firm_id = ResourceId::parse(&firm).context("--firm is not a valid id")?;
                if store.get_firm(&firm_id).await?.is_none() {
                    bail!("no firm {firm:?}");
                }
                if name.trim().is_empty() || name.chars().count() > 200 {
                    bail!("--name must be 1 to 200 characters");
                }
                let client_id = ClientId::generate();
                let plain = secret::generate();
                let created = store
                    .insert_credential(&Credential {
                        client_id: client_id.clone(),
                        name,
                        firm_id,
                        status: CredentialStatus::Active,
                        secret: SecretHash::of(&plain),
                        secret_version: 1,
                        previous_secret: None,
                        grants: Vec::new(),
                        created_at: Timestamp::now(),
                        version: 1,
                    })
                    .await?;
                if !created {
                    bail!("client id {client_id} exists already; run the command again");
                }
                print(json!({ "client_id": client_id, "client_secret": plain }));
            }
            CredentialsCommand::Revoke { id } => {
                let (c, ()) = change(&store, &id, |c| {
                    c.status = CredentialStatus::Revoked;
                    Ok(())
                })
                .await?;
                print(json!({ "client_id": c.client_id, "status": "revoked" }));
            }
            CredentialsCommand::Regenerate { id } => {
                let plain = secret::generate();
                let (c, ()) = change(&store, &id, |c| {
                    c.regenerate(&plain);
                    Ok(())
                })
                .await?;
                warn_if_revoked(&c);
                print(json!({ "client_id": c.client_id, "client_secret": plain }));
            }
            CredentialsCommand::Roll {
                id,
                old_secret_valid_for,
            } => {
                let secs = i64::try_from(old_secret_valid_for)
                    .ok()
                    .filter(|s| *s <= 366 * 86_400)
                    .context("--old-secret-valid-for must be at most 366 days in seconds")?;
                let plain = secret::generate();
                let (c, ()) = change(&store, &id, |c| {
                    let until = Timestamp::from_millis(Timestamp::now().millis() + secs * 1000);
                    c.roll(&plain, until);
                    Ok(())
                })
                .await?;
                let until = c.previous_secret.as_ref().map(|p| p.valid_until);
                if c.is_active() {
                    eprintln!(
                        "pirros-admin: the old secret of {} keeps working until {}",
                        c.client_id,
                        until.map(|t| t.to_string()).unwrap_or_default()
                    );
                }
                warn_if_revoked(&c);
                print(json!({ "client_id": c.client_id, "client_secret": plain }));
            }
        },
        Command::Grants { command } => {
            let (args, add) = match command {
                GrantsCommand::Add(a) => (a, true),
                GrantsCommand::Remove(a) => (a, false),
            };
            let c = credential(&store, &args.id).await?;
            let ws = workspace(&args.workspace)?;
            let filter_id = FilterId::parse(&args.filter)
                .with_context(|| format!("--filter {:?} is not a filter id", args.filter))?;
            let action = Action::parse(&args.action).with_context(|| {
                format!(
                    "--action {:?}: expected read, write or download",
                    args.action
                )
            })?;
            let grant = Grant {
                workspace_id: ws,
                filter_id: filter_id.clone(),
                action,
            };
            if add {
                let w = store
                    .get_workspace(ws)
                    .await?
                    .with_context(|| format!("no workspace {ws}"))?;
                if w.firm_id != c.firm_id {
                    bail!("workspace {ws} belongs to another firm than the credential");
                }
                if let FilterId::Custom(fid) = &filter_id
                    && store
                        .get_filters(ws, std::slice::from_ref(fid))
                        .await?
                        .is_empty()
                {
                    bail!("no filter {:?} in workspace {ws}", fid.as_str());
                }
            }
            // The checks above hold for any version of the credential (its firm never
            // changes); the grant list itself is changed on the version the write expects.
            let (c, ()) = change(&store, &args.id, |c| {
                if add {
                    if !c.grants.contains(&grant) {
                        c.grants.push(grant.clone());
                    }
                    return Ok(());
                }
                let before = c.grants.len();
                c.grants.retain(|g| g != &grant);
                if c.grants.len() == before {
                    return Err("the credential holds no such grant".to_owned());
                }
                Ok(())
            })
            .await?;
            print(json!({ "client_id": c.client_id, "grants": c.grants }));
        }
        Command::Filters { command } => match command {
            FiltersCommand::Create {
                workspace: w,
                name,
                entity_type,
                rule,
                id,
            } => {
                let ws = workspace(&w)?;
                if store.get_workspace(ws).await?.is_none() {
                    bail!("no workspace {ws}");
                }
                let entity = EntityType::parse(&entity_type).with_context(|| {
                    format!("--entity-type {entity_type:?}: expected detail, family, stash or tag")
                })?;
                let rule: FilterMatch = serde_json::from_str(&rule)
                    .map_err(|e| anyhow::anyhow!("--match is not a valid match object: {e}"))?;
                let foreign = rule.foreign_keys(entity);
                if !foreign.is_empty() {
                    bail!("--match keys {foreign:?} do not apply to {entity_type}");
                }
                if name.trim().is_empty() || name.chars().count() > 200 {
                    bail!("--name must be 1 to 200 characters");
                }
                let id = match id {
                    Some(i) => ResourceId::parse(&i).context("--id is not a valid id")?,
                    None => ResourceId::new_uuid(),
                };
                if id.as_str().starts_with("default:") {
                    bail!("default:* ids are reserved for system filters");
                }
                let f = Filter {
                    id,
                    workspace_id: ws,
                    name,
                    entity_type: entity,
                    rule,
                };
                let before = store.get_filters(ws, std::slice::from_ref(&f.id)).await?;
                let reach_changed = before
                    .first()
                    .is_none_or(|b| b.entity_type != f.entity_type || b.rule != f.rule);
                store.put_items(&[Item::Filter(f.clone())]).await?;
                if reach_changed {
                    tell_holders(&store, ws, &f.id).await?;
                }
                print(serde_json::to_value(&f)?);
            }
            FiltersCommand::List { workspace: w } => {
                let ws = workspace(&w)?;
                if store.get_workspace(ws).await?.is_none() {
                    bail!("no workspace {ws}");
                }
                let filters = store.list_filters(ws).await?;
                print(serde_json::to_value(&filters)?);
            }
            FiltersCommand::Delete { id, workspace: w } => {
                let fid = ResourceId::parse(&id).context("not a filter id")?;
                let ws = workspace(&w)?;
                if !store.delete_filter(ws, &fid).await? {
                    bail!("no filter {id:?} in workspace {w}");
                }
                tell_holders(&store, ws, &fid).await?;
                print(json!({ "deleted": id }));
            }
        },
        Command::Delete { command } => {
            let deleted = match command {
                DeleteCommand::Stash { id, workspace: w } => {
                    let sid = delete::id("stash", &id)?;
                    let named = w.as_deref().map(workspace).transpose()?;
                    let (ws, record) = delete::locate(&store, "stash", &sid, named, |ws| {
                        let (store, sid) = (&store, &sid);
                        async move {
                            Ok(match store.get_stash(ws, sid).await? {
                                Some(r) => Some(r),
                                // A delete that stopped half-way: this one finishes it.
                                None => store.pending_stash_delete(ws, sid).await?,
                            })
                        }
                    })
                    .await?;
                    delete::stash(&store, ws, &sid, record).await?
                }
                DeleteCommand::Detail { id, workspace: w } => {
                    let did = delete::id("detail", &id)?;
                    let named = w.as_deref().map(workspace).transpose()?;
                    let (ws, ()) = delete::locate(&store, "detail", &did, named, |ws| {
                        let (store, did) = (&store, &did);
                        async move { Ok(store.get_detail(ws, did).await?.map(drop)) }
                    })
                    .await?;
                    delete::detail(&store, ws, &did).await?
                }
                DeleteCommand::Family { id, workspace: w } => {
                    let fid = delete::id("family", &id)?;
                    let named = w.as_deref().map(workspace).transpose()?;
                    let (ws, ()) = delete::locate(&store, "family", &fid, named, |ws| {
                        let (store, fid) = (&store, &fid);
                        async move { Ok(store.get_family(ws, fid).await?.map(drop)) }
                    })
                    .await?;
                    delete::family(&store, ws, &fid).await?
                }
            };
            print(deleted.json());
        }
        Command::Killswitch { state } => {
            let on = matches!(state, OnOff::On);
            store.set_kill_switch(on).await?;
            print(json!({ "killswitch": if on { "on" } else { "off" } }));
        }
    }
    Ok(())
}
