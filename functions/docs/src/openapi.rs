//! The OpenAPI 3.1 document, generated from the handlers' annotations and the models.

use std::sync::OnceLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(title = "Pirros External API", version = "1.0.0"))]
pub struct ApiDoc;

/// The document as JSON, rendered once per container.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the document serialises")
    })
}
