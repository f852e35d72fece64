//! Authentication: client secrets, signing keys and their published public keys, bearer
//! tokens and their verification, and the keys that sign list cursors (published with the
//! public keys, so every container agrees on them).

pub mod cache;
pub mod cursors;
pub use pirros_domain::jwks;
pub mod keys;
pub use pirros_domain::secret;
pub mod token;
pub mod verifier;
