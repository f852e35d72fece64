//! Authentication: client secrets, signing keys and bearer tokens.

pub mod keys;
pub mod secret;
pub mod token;
