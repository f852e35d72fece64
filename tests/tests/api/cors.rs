//! CORS for listed origins only (`CORS_ALLOWED_ORIGINS`): preflights answered, answers
//! readable by the listed origin's page, and nothing at all for any other origin or when
//! no origin is listed.

use pirros_tests::*;
use reqwest::Method;

const APP: &str = "https://app.example.com";

async fn cors_api() -> Api {
    Setup::new(Backend::Memory)
        .env(
            "CORS_ALLOWED_ORIGINS",
            &format!("{APP}, http://localhost:5173"),
        )
        .start()
        .await
}

async fn preflight(api: &Api, path: &str, origin: &str) -> Reply {
    api.send(
        api.http
            .request(Method::OPTIONS, api.url(path))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, idempotency-key",
            ),
    )
    .await
}

fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_origins_get_preflights_and_readable_answers() {
    let api = cors_api().await;
    for path in [
        format!("/v1/workspaces/{A1}/stashes"),
        format!("/v1/workspaces/{A1}/details/d1"),
        "/oauth/token".to_owned(),
        "/.well-known/jwks.json".to_owned(),
    ] {
        let r = preflight(&api, &path, APP).await;
        assert_eq!(r.status, 204, "{path}: {}", r.text);
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            Some(APP),
            "{path}"
        );
        let methods = header(&r, "access-control-allow-methods").unwrap();
        for m in ["GET", "POST", "PATCH", "DELETE"] {
            assert!(methods.contains(m), "{methods}");
        }
        let allowed = header(&r, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        for h in [
            "authorization",
            "content-type",
            "idempotency-key",
            "if-match",
            "if-none-match",
        ] {
            assert!(allowed.contains(h), "{allowed}");
        }
        assert!(header(&r, "access-control-max-age").is_some());
        let id = header(&r, "x-request-id").unwrap_or_default();
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "{path}: request id {id:?}"
        );
        assert!(r.text.is_empty());
    }
    // Every answer to a listed origin, errors included, says what its page may read.
    let token = api.token("full-a").await;
    for (req, status) in [
        (
            api.http
                .get(api.url(&format!("/v1/workspaces/{A1}/tags")))
                .bearer_auth(&token),
            200,
        ),
        (
            api.http.get(api.url(&format!("/v1/workspaces/{A1}/tags"))),
            401,
        ),
    ] {
        let r = api
            .send(req.header("origin", "http://localhost:5173"))
            .await;
        assert_eq!(r.status, status);
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            Some("http://localhost:5173")
        );
        let exposed = header(&r, "access-control-expose-headers").unwrap();
        for h in [
            "ETag",
            "X-Request-Id",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Retry-After",
            "Idempotent-Replayed",
        ] {
            assert!(exposed.contains(h), "{exposed}");
        }
        assert!(header(&r, "vary").unwrap_or_default().contains("Origin"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_and_other_paths_get_nothing() {
    let api = cors_api().await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    // An origin not listed (a prefix or suffix of a listed one is another origin).
    for origin in [
        "https://evil.example.com",
        "https://app.example.com.evil.com",
        "http://app.example.com",
    ] {
        let r = preflight(&api, &tags, origin).await;
        assert_eq!(r.status, 405, "{origin}");
        assert!(header(&r, "access-control-allow-origin").is_none());
        let r = api
            .send(api.http.get(api.url(&tags)).header("origin", origin))
            .await;
        assert!(
            header(&r, "access-control-allow-origin").is_none(),
            "{origin}"
        );
        assert!(header(&r, "access-control-expose-headers").is_none());
    }
    // A path with no route is not preflighted.
    let r = preflight(&api, "/v1/nothing/here", APP).await;
    assert_eq!(r.status, 404);
    assert!(header(&r, "access-control-allow-methods").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_listed_origin_means_no_cors_at_all() {
    let api = api(Backend::Memory).await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    let r = preflight(&api, &tags, APP).await;
    assert_eq!(r.status, 405);
    let token = api.token("full-a").await;
    let r = api
        .send(
            api.http
                .get(api.url(&tags))
                .bearer_auth(&token)
                .header("origin", APP),
        )
        .await;
    assert_eq!(r.status, 200);
    for h in [
        "access-control-allow-origin",
        "access-control-expose-headers",
        "vary",
    ] {
        assert!(header(&r, h).is_none(), "{h}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_origin_list_stops_the_server_naming_it() {
    let err = refused_start(&[("CORS_ALLOWED_ORIGINS", "https://app.example.com/path")]).await;
    assert!(err.to_string().contains("CORS_ALLOWED_ORIGINS"), "{err}");
}
