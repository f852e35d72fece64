//! API Gateway HTTP API, payload format 2.0: the event a request becomes, and the function's
//! answer back as an HTTP response.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde_json::{Map, Value, json};

/// Media types API Gateway passes as text; any other body arrives base64-encoded with
/// `isBase64Encoded: true` (form bodies included).
pub fn is_text(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let mt = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mt.starts_with("text/")
        || mt == "application/json"
        || mt.ends_with("+json")
        || mt == "application/xml"
        || mt.ends_with("+xml")
        || mt == "application/javascript"
}

pub struct HttpRequest<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub source_ip: &'a str,
    /// The matched route, `"GET /v1/workspaces/{ws}/tags"`, or `"$default"`.
    pub route_key: &'a str,
}

/// The event API Gateway would deliver for `r`, with a fresh request id.
pub fn apigw_v2_event(r: &HttpRequest) -> Value {
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for name in r.headers.keys() {
        let values: Vec<&str> = r
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if name == http::header::COOKIE {
            cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
            continue;
        }
        // Header names arrive lower-cased, repeated values joined by commas.
        headers.insert(name.as_str().to_owned(), json!(values.join(",")));
    }
    let raw_query = r.uri.query().unwrap_or("");
    let mut query = Map::new();
    for (k, v) in url::form_urlencoded::parse(raw_query.as_bytes()) {
        let (k, v) = (k.into_owned(), v.into_owned());
        match query.get_mut(&k) {
            Some(Value::String(prev)) => {
                prev.push(',');
                prev.push_str(&v);
            }
            _ => {
                query.insert(k, json!(v));
            }
        }
    }
    let content_type = r
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let (body, base64) = if r.body.is_empty() {
        (Value::Null, false)
    } else if is_text(content_type) && std::str::from_utf8(r.body).is_ok() {
        (json!(String::from_utf8_lossy(r.body)), false)
    } else {
        (json!(STANDARD.encode(r.body)), true)
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut event = json!({
        "version": "2.0",
        "routeKey": r.route_key,
        "rawPath": r.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": r.method.as_str(),
                "path": r.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": r.source_ip,
                "userAgent": r.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or(""),
            },
            // API Gateway's own ids look like this (base64-ish, not UUIDs).
            "requestId": format!("{}=", &uuid::Uuid::new_v4().simple().to_string()[..15]),
            "routeKey": r.route_key,
            "stage": "$default",
            "time": "",
            "timeEpoch": now.as_millis() as u64,
        },
        "isBase64Encoded": base64,
    });
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query);
    }
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !body.is_null() {
        event["body"] = body;
    }
    event
}

/// The HTTP response a function's payload-2.0 answer becomes.
pub fn http_response(payload: &Value) -> anyhow::Result<http::Response<Bytes>> {
    let status = payload["statusCode"]
        .as_u64()
        .ok_or_else(|| anyhow::anyhow!("response without statusCode: {payload}"))?;
    let mut resp = http::Response::new(Bytes::new());
    *resp.status_mut() = StatusCode::from_u16(status as u16)?;
    let h = resp.headers_mut();
    if let Some(m) = payload["headers"].as_object() {
        for (k, v) in m {
            if let Some(v) = v.as_str() {
                h.append(
                    http::HeaderName::from_bytes(k.as_bytes())?,
                    HeaderValue::from_str(v)?,
                );
            }
        }
    }
    if let Some(m) = payload["multiValueHeaders"].as_object() {
        for (k, vs) in m {
            let name = http::HeaderName::from_bytes(k.as_bytes())?;
            if h.contains_key(&name) {
                continue;
            }
            for v in vs
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                h.append(name.clone(), HeaderValue::from_str(v)?);
            }
        }
    }
    for c in payload["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        h.append(http::header::SET_COOKIE, HeaderValue::from_str(c)?);
    }
    let body = payload["body"].as_str().unwrap_or("");
    *resp.body_mut() = if payload["isBase64Encoded"].as_bool() == Some(true) {
        Bytes::from(STANDARD.decode(body)?)
    } else {
        Bytes::from(body.to_owned())
    };
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_travel_base64_encoded_and_json_as_text() {
        let uri: Uri = "/oauth/token?a=1&a=2&b=x%20y".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let ev = apigw_v2_event(&HttpRequest {
            method: &Method::POST,
            uri: &uri,
            headers: &headers,
            body: b"grant_type=client_credentials",
            source_ip: "127.0.0.1",
            route_key: "POST /oauth/token",
        });
        assert_eq!(ev["isBase64Encoded"], true);
        assert_eq!(
            STANDARD.decode(ev["body"].as_str().unwrap()).unwrap(),
            b"grant_type=client_credentials"
        );
        assert_eq!(ev["queryStringParameters"], json!({"a": "1,2", "b": "x y"}));
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        let ev = apigw_v2_event(&HttpRequest {
            method: &Method::POST,
            uri: &uri,
            headers: &headers,
            body: b"{}",
            source_ip: "127.0.0.1",
            route_key: "$default",
        });
        assert_eq!(ev["isBase64Encoded"], false);
        assert_eq!(ev["body"], "{}");
    }

    #[test]
    fn responses_come_back_with_headers_and_decoded_bodies() {
        let r = http_response(&json!({"statusCode": 201, "headers": {"x-a": "1"}, "multiValueHeaders": {"x-b": ["2", "3"]}, "body": "aGk=", "isBase64Encoded": true})).unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(r.headers()["x-a"], "1");
        assert_eq!(r.headers().get_all("x-b").iter().count(), 2);
        assert_eq!(r.body().as_ref(), b"hi");
        assert!(http_response(&json!({"body": "x"})).is_err());
    }
}
