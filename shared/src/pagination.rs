//! Opaque, signed cursors (`pirros_auth::cursors`): a cursor that is not genuine, or not
//! bound to its query, is a 400 on the `cursor` field.

pub use pirros_auth::cursors::{BadCursor, Cursors, binding};
