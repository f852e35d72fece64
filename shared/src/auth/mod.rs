//! Authentication: client secrets, signing keys and their published public keys, bearer
//! tokens and their verification.

pub mod cache;
pub use pirros_domain::jwks;
pub mod keys;
pub use pirros_domain::secret;
pub mod token;
pub mod verifier;
