//! The integration-test harness: a real `pirros-local` server per test, on the embedded
//! store or on a fresh table of the DynamoDB Local that `infra/scripts/test.sh` starts,
//! driven over HTTP; or, on the Lambda path, the function binaries behind a local API
//! Gateway and Runtime API (`lambda`) on such a table.

pub mod emf;
pub mod lambda;
pub mod routes;

pub mod ddb_proxy;
pub mod ddb_recorder;
pub mod exercise;
pub mod receiver;
pub mod sqs;
pub mod uploads;

use pirros_local::start::{Options, Running, StoreKind, start};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

pub const A1: &str = "a1a1a1a1-0000-4000-8000-000000000001";
pub const A2: &str = "a2a2a2a2-0000-4000-8000-000000000002";
pub const B1: &str = "b1b1b1b1-0000-4000-8000-000000000003";
pub const PA: &str = "11111111-0000-4000-8000-0000000000a1";
pub const PB: &str = "11111111-0000-4000-8000-0000000000a2";
pub const JWT_SECRET: &str = "integration-test-signing-key-0123456789abcdef";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Dynamo,
    /// DynamoDB, through the function binaries as Lambda runs them.
    Lambda,
}

/// Runs each named `async fn(Backend)` on both stores and on the Lambda path.
#[macro_export]
macro_rules! on_every_path {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_stores!($($name),*);
        mod lambda {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Lambda).await
                }
            )*
        }
    };
}

/// Runs each named `async fn(Backend)` as two tests, one per store.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Memory).await
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Dynamo).await
                }
            )*
        }
    };
}

/// A typical detail of workspace `ws` for `put_items`, created on `created_at`.
pub fn detail_item(
    ws: &str,
    id: &str,
    created_at: pirros_shared::timestamp::Timestamp,
    tags: &[&str],
    project: Option<&str>,
) -> pirros_shared::store::Item {
    use pirros_shared::ids::{ResourceId, WorkspaceId};
    use pirros_shared::model::{Detail, DetailRecord, Library};
    let id_of = |s: &str| ResourceId::parse(s).expect("plain id");
    pirros_shared::store::Item::Detail(DetailRecord {
        detail: Detail {
            id: id_of(id),
            workspace_id: WorkspaceId::parse(ws).expect("workspace uuid"),
            name: format!("inserted {id}"),
            description: String::new(),
            library: Library::Typical,
            tag_ids: tags.iter().map(|t| id_of(t)).collect(),
            project_id: project.map(id_of),
            has_pdf: false,
            has_rvt: false,
            created_at,
            updated_at: created_at,
            open_flags: 0,
        },
        files: Default::default(),
        family_ids: Vec::new(),
    })
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The environment a DynamoDB-backed server gets: the emulator's endpoint from
/// `infra/scripts/test.sh`, and a table of its own.
pub fn dynamo_env() -> HashMap<String, String> {
    assert!(
        std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB").is_some(),
        "DynamoDB tests need DynamoDB Local: run them with `bash infra/scripts/test.sh`"
    );
    let mut env: HashMap<String, String> = std::env::vars().collect();
    env.insert(
        "TABLE_NAME".into(),
        format!("t-{}", uuid::Uuid::new_v4().simple()),
    );
    // Files come from the local signer unless a test asks for S3.
    env.remove("FILES_BUCKET");
    env
}

pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub running: Running,
    pub backend: Backend,
    /// The Lambda path's gateway (`base` points at it).
    pub gateway: Option<pirros_runtime_api::gateway::Gateway>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The request id must be the same in the header and the body.
    pub fn request_id(&self) -> String {
        let header = self
            .header("x-request-id")
            .expect("X-Request-Id")
            .to_owned();
        let body = self
            .body
            .pointer("/meta/request_id")
            .or_else(|| self.body.get("request_id"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no request id in body: {}", self.text));
        assert_eq!(
            header, body,
            "X-Request-Id differs from the body's request id"
        );
        header
    }

    /// Asserts a `/v1` error envelope with `code` and status.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.body["error"]["code"], code, "body: {}", self.text);
        assert!(self.body["error"]["message"].is_string(), "{}", self.text);
        self.request_id();
    }

    /// Asserts RFC 6749's flat shape.
    #[track_caller]
    pub fn assert_oauth_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.body["error"], code, "body: {}", self.text);
        assert!(self.body["error_description"].is_string(), "{}", self.text);
        self.request_id();
    }
}

pub struct Setup {
    pub backend: Backend,
    pub fixture: Option<PathBuf>,
    pub env: Vec<(String, String)>,
}

impl Setup {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            fixture: Some(fixture_path("world.json")),
            env: vec![("JWT_SECRET".into(), JWT_SECRET.into())],
        }
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.retain(|(ek, _)| ek != k);
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn fixture(mut self, f: Option<PathBuf>) -> Self {
        self.fixture = f;
        self
    }

    pub async fn start(self) -> Api {
        let (store, mut env) = match self.backend {
            Backend::Memory => (StoreKind::Memory, HashMap::new()),
            Backend::Dynamo | Backend::Lambda => (StoreKind::Dynamodb, dynamo_env()),
        };
        for (k, v) in self.env {
            env.insert(k, v);
        }
        // On the Lambda path the server only loads the fixture and lends the test its store.
        let gateway = match self.backend {
            Backend::Lambda => Some(lambda::gateway(env.clone()).await),
            _ => None,
        };
        let running = start(Options {
            store,
            fixture: self.fixture,
            addr: "127.0.0.1:0".parse().expect("addr"),
            env,
        })
        .await
        .expect("server starts");
        let base = match &gateway {
            Some(g) => format!("http://{}", g.addr),
            None => format!("http://{}", running.addr),
        };
        Api {
            base,
            gateway,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            running,
            backend: self.backend,
        }
    }
}

/// What `pirros-local` (embedded store, no fixture) says when `extra` keeps it from
/// starting, with every cause in the chain; panics if it starts.
pub async fn refused_start(extra: &[(&str, &str)]) -> String {
    let mut env = HashMap::from([
        ("TABLE_NAME".to_owned(), "refused".to_owned()),
        ("JWT_SECRET".to_owned(), JWT_SECRET.to_owned()),
    ]);
    for (k, v) in extra {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let started = start(Options {
        store: StoreKind::Memory,
        fixture: None,
        addr: "127.0.0.1:0".parse().expect("addr"),
        env,
    })
    .await;
    match started {
        Ok(_) => panic!("started with {extra:?}"),
        Err(e) => format!("{e:#}"),
    }
}

pub async fn api(backend: Backend) -> Api {
    Setup::new(backend).start().await
}

pub fn secret_of(client: &str) -> String {
    format!("{client}-secret-0123456789")
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn token_request(&self, body: Value) -> Reply {
        self.send(self.http.post(self.url("/oauth/token")).json(&body))
            .await
    }

    /// A token for one of the fixture's credentials (secret `<id>-secret-0123456789`).
    pub async fn token(&self, client: &str) -> String {
        self.token_with(client, &secret_of(client)).await
    }

    pub async fn token_with(&self, client: &str, secret: &str) -> String {
        let r = self
            .token_request(json!({
                "grant_type": "client_credentials",
                "client_id": client,
                "client_secret": secret,
            }))
            .await;
        assert_eq!(r.status, 200, "token for {client}: {}", r.text);
        r.body["access_token"].as_str().expect("token").to_owned()
    }

    pub async fn call(&self, method: Method, path: &str, token: &str) -> Reply {
        self.send(self.http.request(method, self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, token).await
    }

    pub async fn write(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &Value,
        key: Option<&str>,
    ) -> Reply {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        self.send(req).await
    }

    /// The server's store, with the operator's writes too (the handlers hold it as a
    /// plain `Store`).
    pub fn store(&self) -> &dyn pirros_shared::store::AdminStore {
        self.running.admin.as_ref()
    }

    /// Points every write grant of `client` in `ws` at `filter`, as an operator's grant
    /// change does (one write conditional on the credential's version).
    pub async fn set_write_filter(
        &self,
        client: &str,
        ws: &str,
        filter: pirros_shared::grants::FilterId,
    ) {
        let store = self.store();
        let client = pirros_shared::ids::ClientId::parse(client).expect("client id");
        let ws = pirros_shared::ids::WorkspaceId::parse(ws).expect("workspace id");
        let mut c = store.get_credential(&client).await.unwrap().unwrap();
        let v = c.version;
        for g in c.grants.iter_mut() {
            if g.workspace_id == ws && g.action == pirros_shared::grants::Action::Write {
                g.filter_id = filter.clone();
            }
        }
        c.version += 1;
        assert!(store.replace_credential(&c, v, &[]).await.unwrap());
    }

    /// The same table with operator timeouts, for seeding many items at once.
    pub fn operator(&self) -> &dyn pirros_shared::store::AdminStore {
        self.running.operator.as_ref()
    }
}

/// A token as the token function would sign it (EdDSA with the key derived from
/// `material`), but with any `kid` header and claims: for tests that forge tokens.
pub fn sign_eddsa(material: &str, kid: Option<&str>, claims: &Value) -> String {
    let key = pirros_shared::auth::keys::SigningKey::from_material(material).expect("key");
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    h.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&h, claims, key.encoding_key()).expect("signs")
}

/// The `kid` of the key derived from `material`.
pub fn kid_of(material: &str) -> String {
    pirros_shared::auth::keys::SigningKey::from_material(material)
        .expect("key")
        .kid
}

/// Valid claims for `sub`, expiring `exp_offset` seconds from now and valid from
/// `nbf_offset` seconds from now.
pub fn claims(sub: &str, exp_offset: i64, nbf_offset: i64) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    json!({
        "iss": pirros_shared::auth::token::ISSUER,
        "aud": pirros_shared::auth::token::AUDIENCE,
        "sub": sub, "exp": now + exp_offset, "iat": now, "nbf": now + nbf_offset,
        "jti": "t", "sv": 1,
    })
}

/// Ids of `response.data`.
pub fn ids(r: &Reply) -> Vec<String> {
    r.body["response"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data: {}", r.text))
        .iter()
        .map(|d| d["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A binary of the workspace, built by the same `cargo test` run.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; run the workspace's tests",
        path.display()
    );
    path
}

/// Runs `pirros-admin` against `table`; returns (exit ok, stdout JSON or Null, stderr).
pub fn admin(table: &str, args: &[&str], extra_env: &[(&str, &str)]) -> (bool, Value, String) {
    let mut cmd = std::process::Command::new(bin("pirros-admin"));
    cmd.args(args).env("TABLE_NAME", table);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("pirros-admin runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (
        out.status.success(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
