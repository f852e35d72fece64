//! Least privilege, three ways round: the IAM policies in `template.yaml` allow each
//! function exactly the DynamoDB actions and partition families that the code's table
//! (`pirros_shared::store::access`) names, and the table names exactly what each function's
//! handlers touch when every route of it is exercised against DynamoDB Local (the calls
//! read off the wire by `pirros_tests::ddb_recorder`). And since IAM sees partition keys
//! only, a function that may write a partition family writes every kind of item in it
//! (`Partition::holds`): no kind it never writes shares a family with what it does.
//!
//! A new function: its entry in `access::FUNCTIONS`, its role in the template, and (if a
//! route needs a body the generic exercise cannot guess) a line in
//! `pirros_tests::exercise::BODIES`.

use pirros_local::App;
use pirros_local::files::LocalFiles;
use pirros_shared::AppState;
use pirros_shared::auth::keys::SigningKeys;
use pirros_shared::config::Config;
use pirros_shared::files::FileSigner;
use pirros_shared::objects::local::LocalObjects;
use pirros_shared::store::StashStore;
use pirros_shared::store::access::{self, Op};
use pirros_shared::store::dynamo::DynamoStore;
use pirros_shared::store::keys::Partition;
use pirros_tests::ddb_recorder::{Recorder, recorded_client};
use pirros_tests::exercise::{CALLERS, exercise};
use pirros_tests::routes::ROUTES;
use pirros_tests::*;
use pirros_worker::inline::InlineQueue;
use pirros_worker::worker::Worker;
use serde_norway::Value as Yaml;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

const XRAY_WRITE: &str = "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess";

fn template() -> Yaml {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("template.yaml");
    serde_norway::from_str(&text).expect("template.yaml parses")
}

/// The operand of a CloudFormation short-form function (`!GetAtt X.Arn` → "X.Arn").
fn tagged<'a>(v: &'a Yaml, tag: &str) -> Option<&'a Yaml> {
    match v {
        Yaml::Tagged(t) if t.tag == tag => Some(&t.value),
        _ => None,
    }
}

fn strings(v: &Yaml) -> Vec<String> {
    match v {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Sequence(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// function name (binary `pirros-{name}`) → its role's (action, partition family) pairs on
/// the table, with every problem found on the way.
fn template_access(problems: &mut Vec<String>) -> BTreeMap<String, BTreeSet<(Op, Partition)>> {
    let doc = template();
    let resources = doc["Resources"].as_mapping().expect("Resources");
    let mut out = BTreeMap::new();
    for (name, res) in resources {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let name = name.as_str().unwrap_or_default();
        let Some(binary) = res["Metadata"]["BuildProperties"]["Binary"].as_str() else {
            problems.push(format!("{name}: no BuildProperties.Binary"));
            continue;
        };
        let function = binary.trim_start_matches("pirros-").to_owned();
        let role = tagged(&res["Properties"]["Role"], "!GetAtt")
            .and_then(Yaml::as_str)
            .and_then(|r| r.strip_suffix(".Arn"));
        let Some(role) = role.and_then(|r| resources.get(r)) else {
            problems.push(format!(
                "{name}: Role is not !GetAtt <a role in this template>.Arn"
            ));
            continue;
        };
        let mut pairs = BTreeSet::new();
        let mut batch_statements = BTreeMap::<String, usize>::new();
        for policy in role["Properties"]["Policies"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            for st in policy["PolicyDocument"]["Statement"]
                .as_sequence()
                .into_iter()
                .flatten()
            {
                statement_pairs(&function, st, &mut pairs, problems);
                for action in strings(&st["Action"]) {
                    if action.starts_with("dynamodb:Batch") {
                        *batch_statements.entry(action).or_default() += 1;
                    }
                }
            }
        }
        // One batch may name keys of several partition families (a record beside its
        // workspace), and IAM checks every leading key of a request against a single
        // statement: each batch action is allowed in one statement, with all its families.
        for (action, n) in batch_statements {
            if n > 1 {
                problems.push(format!(
                    "{function}: {action} is in {n} statements; put all its partition families in one"
                ));
            }
        }
        // The one managed policy allowed is X-Ray's segment upload for active tracing (no
        // DynamoDB, S3 or secret in it); any other could grant what this check cannot see.
        for arn in role["Properties"]["ManagedPolicyArns"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            let arn = tagged(arn, "!Sub")
                .and_then(Yaml::as_str)
                .unwrap_or_default();
            if arn != XRAY_WRITE {
                problems.push(format!(
                    "{function}: managed policy {arn:?} cannot be checked here"
                ));
            }
        }
        out.insert(function, pairs);
    }
    out
}

fn statement_pairs(
    function: &str,
    st: &Yaml,
    pairs: &mut BTreeSet<(Op, Partition)>,
    problems: &mut Vec<String>,
) {
    let sid = st["Sid"].as_str().unwrap_or("?");
    let at = format!("{function} statement {sid}");
    let actions = strings(&st["Action"]);
    let dynamo: Vec<&String> = actions
        .iter()
        .filter(|a| a.starts_with("dynamodb:") || a.as_str() == "*")
        .collect();
    if dynamo.is_empty() {
        return;
    }
    if st["Effect"].as_str() != Some("Allow") {
        problems.push(format!("{at}: only Allow statements name DynamoDB actions"));
        return;
    }
    // The stream's event source mapping reads the table's stream on the function's
    // behalf: stream actions, on the stream alone, reach no item.
    const STREAM_ACTIONS: [&str; 4] = [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ];
    if dynamo.iter().all(|a| STREAM_ACTIONS.contains(&a.as_str())) {
        let on_stream =
            tagged(&st["Resource"], "!GetAtt").and_then(Yaml::as_str) == Some("Table.StreamArn");
        if !on_stream {
            problems.push(format!(
                "{at}: stream actions go on !GetAtt Table.StreamArn alone"
            ));
        }
        return;
    }
    let table_only = tagged(&st["Resource"], "!GetAtt").and_then(Yaml::as_str) == Some("Table.Arn");
    if !table_only {
        problems.push(format!("{at}: Resource must be !GetAtt Table.Arn alone"));
    }
    let condition = st["Condition"].as_mapping();
    let leading = &st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"];
    if condition.map(|c| c.len()) != Some(1) || leading.is_null() {
        problems.push(format!(
            "{at}: needs exactly ForAllValues:StringLike on dynamodb:LeadingKeys"
        ));
        return;
    }
    let mut families = Vec::new();
    for pattern in strings(leading) {
        match Partition::ALL.iter().find(|p| p.pattern() == pattern) {
            Some(p) => families.push(*p),
            None => problems.push(format!("{at}: {pattern:?} is no partition family")),
        }
    }
    for a in dynamo {
        match Op::from_iam_action(a) {
            Some(op) => pairs.extend(families.iter().map(|p| (op, *p))),
            None => problems.push(format!("{at}: {a} is not an item action")),
        }
    }
}

#[test]
fn template_policies_allow_exactly_the_access_table() {
    let mut problems = Vec::new();
    let template = template_access(&mut problems);
    for f in access::FUNCTIONS {
        match template.get(f.function) {
            None => problems.push(format!("{}: no such function in the template", f.function)),
            Some(t) => {
                let code = f.pairs();
                for extra in t.difference(&code) {
                    problems.push(format!(
                        "{}: template allows {extra:?}, code does not use it",
                        f.function
                    ));
                }
                for missing in code.difference(t) {
                    problems.push(format!(
                        "{}: code uses {missing:?}, template does not allow it",
                        f.function
                    ));
                }
            }
        }
    }
    for function in template.keys() {
        if access::of(function).is_none() {
            problems.push(format!("{function}: in the template, not in store::access"));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// What the security review asked for, in the table (and so, by the test above, in IAM).
#[test]
fn the_access_table_keeps_the_promised_limits() {
    use Partition::*;
    let writes = [
        Op::PutItem,
        Op::UpdateItem,
        Op::DeleteItem,
        Op::BatchWriteItem,
    ];
    for f in access::FUNCTIONS {
        let pairs = f.pairs();
        let written: BTreeSet<Partition> = pairs
            .iter()
            .filter(|(op, _)| writes.contains(op))
            .map(|(_, p)| *p)
            .collect();
        // Nothing writes credentials, firms or the workspace's partition (its record,
        // projects, tags, filters, details, groups). Only the worker, behind the queue,
        // writes families (an upload's family and its version record, in a partition of
        // their own) and their search lists.
        assert!(!written.contains(&Credential), "{}", f.function);
        assert!(!written.contains(&Firm), "{}", f.function);
        assert!(
            !written.contains(&Workspace),
            "{} writes {Workspace:?}",
            f.function
        );
        if f.function != "worker" {
            for p in [Family, DetailList, FamilyList, ProjectList] {
                assert!(!written.contains(&p), "{} writes {p:?}", f.function);
            }
        }
        let expected: &[Partition] = match f.function {
            // The token function deletes attempt counters only, and writes the public keys.
            "oauth" => {
                assert!(!pairs.contains(&(Op::DeleteItem, Config)));
                &[TokenRate, Config]
            }
            // Stashes, their listing copies and their families' reference entries, and
            // their events.
            "stashes" => &[Stash, StashList, References, Idempotency, ApiRate, Events],
            // A detail's flags and open count, and their events.
            "details" => &[Flags, Idempotency, ApiRate, Events],
            // Jobs, in partitions of their own; the credential's wait and export slots.
            "jobs" => &[Job, Idempotency, ApiRate, Lease],
            // Jobs, an upload's family, version record and search-list copies, an ended
            // export's slot, and their events.
            "worker" => &[Job, Family, FamilyList, Lease, Events],
            // Endpoints, the workspaces that have them, deliveries (tests and replays), and
            // the idempotency records of creates and rolls.
            "webhooks" => &[
                Webhooks,
                WebhookWorkspaces,
                Deliveries,
                Idempotency,
                ApiRate,
            ],
            // Deliveries made; deliveries recorded and their endpoints' health.
            "webhook-fanout" => &[Deliveries],
            "webhook-delivery" => &[Deliveries, Webhooks],
            // Every other function is a reader: its rate counter is all it writes.
            "docs" => &[],
            _ => &[ApiRate],
        };
        assert_eq!(
            written,
            expected.iter().copied().collect(),
            "{} writes",
            f.function
        );
    }
}

// ----------------------------------------------------------- what handlers really do

/// The webhooks function's queue, which is SQS: nothing of the table.
struct Dropped;

#[async_trait::async_trait]
impl pirros_shared::webhooks::DeliveryQueue for Dropped {
    async fn enqueue(
        &self,
        _: &[(pirros_shared::webhooks::DeliveryRef, std::time::Duration)],
    ) -> Result<(), pirros_shared::jobs::QueueError> {
        Ok(())
    }
}

/// A server of all routes whose state (store, cold start) is `function`'s, on a recorded
/// client; returns its base URL. The jobs function's server hands its jobs to a worker in
/// the same process (as `pirros-local` does), whose calls go to `worker_recorder`.
async fn recorded_server(
    function: &str,
    table: &str,
    recorder: &Recorder,
    worker_recorder: &Recorder,
    material: &str,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let env = HashMap::from([
        ("TABLE_NAME".to_owned(), table.to_owned()),
        ("PDF_PUBLIC_BASE_URL".to_owned(), format!("{base}/public/")),
    ]);
    let config = Config::from_map(&env).unwrap();
    let store = Arc::new(DynamoStore::new(recorded_client(recorder).await, table));
    let files = FileSigner::Local {
        base_url: base.clone(),
        key: b"exercise".to_vec(),
    };
    let mut local_files = LocalFiles::default();
    // Each function's cold start, as its main.rs does it.
    let state = match function {
        "oauth" => {
            AppState::start_token_issuer(config, store, SigningKeys::parse(material).unwrap())
                .await
                .unwrap()
        }
        // Builds no state at all (functions/docs/src/main.rs); its handler takes none.
        "docs" => Arc::new(AppState::new(config, store, None, files)),
        // Its deliveries go to SQS, not to the table (functions/webhooks/src/main.rs).
        "webhooks" => {
            let kit = pirros_delivery::Kit {
                sealer: pirros_outbound::Sealer::new(material, None).unwrap(),
                policy: pirros_outbound::UrlPolicy::new(false),
                queue: Arc::new(Dropped),
                follower: None,
            };
            let state = AppState::new(config, store, None, files).with_webhooks(Arc::new(kit));
            AppState::warm_v1(state).await
        }
        "jobs" => {
            let dir = tempfile::tempdir().unwrap();
            let key = b"exercise".to_vec();
            let objects = Arc::new(LocalObjects::new(
                dir.path().to_path_buf(),
                base.clone(),
                key.clone(),
                HashMap::new(),
            ));
            let worker = Arc::new(Worker {
                store: Arc::new(DynamoStore::new(
                    recorded_client(worker_recorder).await,
                    table,
                )),
                objects: objects.clone(),
                max_upload_bytes: config.max_upload_bytes,
                max_export_bytes: config.max_export_bytes,
                scratch_dir: std::env::temp_dir(),
            });
            local_files = LocalFiles::new(key, &[]).with_objects(objects.clone(), dir);
            let state = AppState::new(config, store, None, files)
                .with_jobs(objects, Arc::new(InlineQueue::new(worker)));
            AppState::warm_v1(state).await
        }
        _ => AppState::start_v1(config, store, files).await,
    };
    let app = Arc::new(App {
        state,
        files: local_files,
        cors: Default::default(),
    });
    tokio::spawn(pirros_local::serve(listener, app));
    base
}

/// A stash write whose reference entries overflow one transaction, as the stashes
/// handler saves it, and its delete: the test world has too few families for a request to get there (the
/// handler refuses ids that do not exist), so its store call is made directly.
async fn large_stash_write(table: &str, recorder: &Recorder) {
    use pirros_shared::ids::{ResourceId, WorkspaceId};
    use pirros_shared::model::{ItemIds, Stash, StashRecord};
    use pirros_shared::store::{SaveOutcome, StashWrite};
    use pirros_shared::timestamp::Timestamp;
    let store = DynamoStore::new(recorded_client(recorder).await, table);
    let now = Timestamp::now();
    let family_ids = (0..120)
        .map(|i| ResourceId::parse(&format!("lp-f{i}")).unwrap())
        .collect();
    let write = StashWrite {
        events: Vec::new(),
        record: StashRecord {
            stash: Stash {
                id: ResourceId::parse("lp-large").unwrap(),
                workspace_id: WorkspaceId::parse(A1).unwrap(),
                name: "Large".into(),
                description: None,
                project_id: ResourceId::parse(PA).unwrap(),
                is_permanent: false,
                item_ids: ItemIds {
                    detail_ids: Vec::new(),
                    family_ids,
                },
                created_by: "full-a".into(),
                created_at: now,
                updated_at: now,
            },
            version: 1,
        },
        expected_version: None,
        idempotency: None,
    };
    assert_eq!(store.save_stash(&write).await.unwrap(), SaveOutcome::Saved);
    // And deleted, in steps too: its entries marked, the stash gone, the entries gone.
    let (ws, id) = (write.record.stash.workspace_id, &write.record.stash.id);
    assert_eq!(
        store.delete_stash(ws, id, 1, &[]).await.unwrap(),
        SaveOutcome::Saved
    );
}

/// Kinds of item a function's role may write (its partition family is writable) although
/// the function never writes them, each with why it stays so. IAM cannot separate them from
/// what the function does write without a partition family of their own.
const WRITABLE_UNWRITTEN: &[(&str, Partition, &str, &str)] = &[
    (
        "oauth",
        Partition::Config,
        "KILLSWITCH",
        "the token function publishes its keys under CONFIG, beside the kill switch",
    ),
    (
        "stashes",
        Partition::References,
        "detail#*",
        "a family's references sort details and stashes in one partition (its page)",
    ),
];

/// For every function and every partition family its role may write: each kind of item
/// the family holds is one the function wrote in the exercise (or a listed exception), and
/// each item it wrote is of a kind the family holds.
fn kinds_broader_than_writes(
    written: &[(
        &access::FunctionAccess,
        BTreeSet<pirros_tests::ddb_recorder::Written>,
    )],
) -> Vec<String> {
    let writes = [
        Op::PutItem,
        Op::UpdateItem,
        Op::DeleteItem,
        Op::BatchWriteItem,
    ];
    let mut problems = Vec::new();
    for (f, items) in written {
        let mut kinds: BTreeSet<(Partition, &str)> = BTreeSet::new();
        for (op, pk, sk) in items {
            match Partition::of(pk).and_then(|p| p.kind_of(sk).map(|k| (p, k))) {
                Some(pk) => {
                    kinds.insert(pk);
                }
                None => problems.push(format!(
                    "{}: {op} of ({pk:?}, {sk:?}), a kind no partition family holds",
                    f.function
                )),
            }
        }
        let writable: BTreeSet<Partition> = f
            .pairs()
            .into_iter()
            .filter(|(op, _)| writes.contains(op))
            .map(|(_, p)| p)
            .collect();
        for p in writable {
            for k in p.holds() {
                let excused = WRITABLE_UNWRITTEN
                    .iter()
                    .any(|(func, ep, ek, _)| *func == f.function && *ep == p && ek == k);
                match (kinds.contains(&(p, *k)), excused) {
                    (false, false) => problems.push(format!(
                        "{}: its role may write {k:?} items of {p:?} ({}), but it never does: give them a partition family of their own",
                        f.function,
                        p.pattern()
                    )),
                    (true, true) => problems.push(format!(
                        "{}: writes {k:?} of {p:?} now; drop its WRITABLE_UNWRITTEN entry",
                        f.function
                    )),
                    _ => {}
                }
            }
        }
    }
    problems
}

#[test]
fn the_kind_check_fails_a_role_broader_than_its_writes() {
    // The worker as it was: allowed to write the workspace's partition for an upload's
    // family and version record, which lived there beside filters and the workspace.
    let broad = access::FunctionAccess {
        function: "worker",
        uses: &[&[(Op::PutItem, &[Partition::Workspace])]],
        rare: &[],
    };
    let w = |pk: &str, sk: &str| ("PutItem".to_owned(), pk.to_owned(), sk.to_owned());
    let items = BTreeSet::from([w("WS#1", "FAMILY#f"), w("WS#1", "FAMVER#f#1")]);
    let problems = kinds_broader_than_writes(&[(&broad, items)]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"FILTER#*\" items of Workspace")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("\"WS\" items")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("a kind no partition family holds")),
        "families are no longer in WS#: {problems:?}"
    );
    // The worker as it is: families in a partition of their own, both kinds written.
    let narrow = access::FunctionAccess {
        function: "worker",
        uses: &[&[(Op::PutItem, &[Partition::Family])]],
        rare: &[],
    };
    let items = BTreeSet::from([w("FAM#1", "FAMILY#f"), w("FAM#1", "FAMVER#f#1")]);
    assert_eq!(
        kinds_broader_than_writes(&[(&narrow, items)]),
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_the_handlers_make_is_in_the_access_table_and_nothing_more() {
    let api = api(Backend::Dynamo).await;
    let table = api.running.app.state.config.table_name.clone();
    let mut tokens = Vec::new();
    for c in CALLERS {
        tokens.push((c.to_string(), api.token(c).await));
    }
    // A key rotation for the token function, so its cold start publishes (the previous key
    // stays published: the tokens above keep working).
    let rotated = format!(
        r#"{{"current": "least-privilege-key-0123456789abcdef0123", "previous": "{JWT_SECRET}"}}"#
    );
    let mut problems = Vec::new();
    // The worker has no routes: it does what the jobs function's uploads and exports hand it.
    let worker_recorder = Recorder::default();
    let mut seen = Vec::new();
    let mut written = Vec::new();
    for f in access::FUNCTIONS {
        if !ROUTES.iter().any(|r| r.function.name() == f.function) {
            continue;
        }
        let recorder = Recorder::default();
        let base = recorded_server(f.function, &table, &recorder, &worker_recorder, &rotated).await;
        let answers = exercise(&api.http, &base, Some(f.function), &tokens).await;
        // Each route did its work at least once (a refusal alone would leave its writes
        // unseen).
        for route in ROUTES.iter().filter(|r| r.function.name() == f.function) {
            let ok = answers.iter().any(|a| {
                let (method, url) = a.request.split_once(' ').unwrap_or_default();
                let path = url.trim_start_matches(&base);
                let path = path.split('?').next().unwrap_or_default();
                let method = http::Method::from_bytes(method.as_bytes()).unwrap();
                pirros_tests::routes::template_for(&method, path) == Some(route.path)
                    && method.as_str() == route.method
                    && (200..300).contains(&a.status)
            });
            if !ok {
                problems.push(format!(
                    "{}: {} {} never succeeded",
                    f.function, route.method, route.path
                ));
            }
        }
        if f.function == "stashes" {
            large_stash_write(&table, &recorder).await;
        }
        seen.push((f, recorder.seen()));
        written.push((f, recorder.written()));
    }
    let worker = access::of("worker").expect("the worker's entry");
    let worker_seen = worker_recorder.seen();
    assert!(!worker_seen.is_empty(), "the worker processed no job");
    seen.push((worker, worker_seen));
    written.push((worker, worker_recorder.written()));
    problems.extend(kinds_broader_than_writes(&written));
    for (f, calls) in seen {
        let allowed = f.pairs();
        let mut used = BTreeSet::new();
        for (op, pk) in calls {
            let pair = (
                Op::from_iam_action(&format!("dynamodb:{op}")),
                Partition::of(&pk),
            );
            match pair {
                (Some(op), Some(p)) if allowed.contains(&(op, p)) => {
                    used.insert((op, p));
                }
                _ => problems.push(format!(
                    "{}: {op} on {pk:?} is not in store::access",
                    f.function
                )),
            }
        }
        for unused in allowed.difference(&used) {
            if f.rare_pairs().contains(unused) {
                continue;
            }
            problems.push(format!(
                "{}: store::access allows {unused:?}, but no exercised call used it (drop it, or add the request that needs it to BODIES)",
                f.function
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
