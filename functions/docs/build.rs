//! Takes the three Swagger UI files `/docs` inlines out of the vendored Swagger UI archive,
//! so the binary carries them and nothing else of the distribution (no source maps).

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
    println!("cargo::rerun-if-changed=build.rs");
}
