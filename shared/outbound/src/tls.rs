//! The TLS client configuration, built explicitly on the aws-lc-rs provider so that nothing
//! depends on which process-wide rustls provider (if any) another crate installed.

use std::sync::Arc;

use rustls::{ClientConfig, RootCertStore};

use crate::send::SendError;

/// Roots come from the system store, as for the AWS SDK clients in the same process: the
/// Lambda image keeps it current, and no root list is frozen into the binary.
pub(crate) fn client_config() -> Result<ClientConfig, SendError> {
    let loaded = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _unparsable) = roots.add_parsable_certificates(loaded.certs);
    if added == 0 {
        return Err(SendError::NoRootCertificates);
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(SendError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_without_a_process_default_provider() {
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        let config = client_config().expect("system roots load");
        assert!(!config.crypto_provider().cipher_suites.is_empty());
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    }
}
