//! Takes the three Swagger UI files `/docs` inlines out of the vendored Swagger UI archive,
//! so the binary carries them and nothing else of the distribution (no source maps), and
//! compacts the checked-in `openapi.json`, which `/openapi.json` serves: a container then
//! builds no document on its first request (generating it took about 15 ms of a cold start).

use std::io::Read;

const DIST: &str = "swagger-ui-5.17.14/dist/";
const FILES: [&str; 3] = [
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
];

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let reader = std::io::Cursor::new(utoipa_swagger_ui_vendored::SWAGGER_UI_VENDORED);
    let mut archive = zip::ZipArchive::new(reader).expect("the vendored archive opens");
    for name in FILES {
        let mut file = archive
            .by_name(&format!("{DIST}{name}"))
            .unwrap_or_else(|_| panic!("{name} is in the vendored archive"));
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 asset");
        // Inlined into <script>/<style>: a literal closing tag inside would end the element.
        let text = text
            .replace("</script", "<\\/script")
            .replace("</style", "<\\/style");
        std::fs::write(out.join(name), text).expect("OUT_DIR is writable");
    }
    // A test keeps the file equal to the document the code generates (`openapi::document`).
    let manifest = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("dir"));
    let file = manifest.join("../../openapi.json");
    let text = std::fs::read_to_string(&file).expect("openapi.json at the repository's top");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("openapi.json is JSON");
    std::fs::write(
        out.join("openapi.json"),
        serde_json::to_string(&doc).expect("a JSON value serialises"),
    )
    .expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed={}", file.display());
    println!("cargo::rerun-if-changed=build.rs");
}
