//! The Content-Security-Policy of the HTML pages: their own inline scripts and styles run
//! (allowed by hash), nothing else does. The console needs its own origin besides
//! (`/openapi.json`, the token endpoint and the routes it tries) and `data:` images
//! (Swagger UI's icons).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

fn hash(block: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(block.as_bytes()))
    )
}

fn sources(blocks: &[&str]) -> String {
    if blocks.is_empty() {
        return "'none'".into();
    }
    blocks.iter().map(|b| hash(b)).collect::<Vec<_>>().join(" ")
}

/// The policy of a page whose inline `<script>` and `<style>` blocks hold exactly
/// `scripts` and `styles`.
pub fn policy(scripts: &[&str], styles: &[&str]) -> String {
    policy_with_style_hashes(scripts, styles, &[])
}

/// `policy`, also allowing styles known only by their hash (`'sha256-…'`): stylesheets a
/// page's script inserts at run time.
pub fn policy_with_style_hashes(scripts: &[&str], styles: &[&str], hashes: &[&str]) -> String {
    let mut style_src = sources(styles);
    for h in hashes {
        style_src.push(' ');
        style_src.push_str(h);
    }
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src 'self' data:; \
         font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'",
        sources(scripts),
        style_src
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_each_block_and_allows_nothing_else() {
        let p = policy(&["alert(1)"], &[]);
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert!(
            p.contains("script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{p}"
        );
        assert!(p.contains("style-src 'none'"), "{p}");
        assert!(p.starts_with("default-src 'none';"), "{p}");
        assert!(!p.contains("unsafe"), "{p}");
    }
}
