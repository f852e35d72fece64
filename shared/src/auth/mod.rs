//! Authentication: client secrets, signing keys and bearer tokens.

pub mod cache;
pub mod keys;
pub mod secret;
pub mod token;
