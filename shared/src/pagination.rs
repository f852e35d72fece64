//! List pages: where a page starts, what its next cursor is, and what a cursor is bound to.
//!
//! Every cursor of every list is bound to the same three things: the list (the request's
//! path, so the route, the workspace and any resource id in it), the credential that walks
//! it (its client id), and the list's normalised query (filters and order; not `limit`,
//! `cursor` or `include`, which may change between pages). A cursor replayed on another
//! list, workspace, query or credential is 400 `invalid_request` on `cursor`.
//!
//! A cursor is not bound to the caller's grants: each page applies the grants the caller
//! holds when it is read, so a grant taken away mid-walk hides what it covered from the next
//! page on, and a walk (a copy kept in step, an export in progress) survives a grant
//! change instead of starting over. What a cursor holds is a position in the list's order,
//! the same for every caller; it reveals nothing the next page would not.
//!
//! The cursors are signed with the keys in `pirros_auth::cursors`.

pub use pirros_auth::cursors::{BadCursor, Cursors, binding};

use crate::api::{Asking, V1Call};
use crate::error::ApiError;
use crate::payload::ListPage;
use std::str::FromStr;
use std::sync::OnceLock;

/// The cursors of one list for one caller and query.
pub struct Pager<'a> {
    cursors: &'a Cursors,
    /// What its cursors are bound to: the path, the client, the query.
    parts: Vec<String>,
    /// Their digest, made only once a cursor is read or written: a first page read ahead
    /// and then by its handler would otherwise hash it twice.
    bound: OnceLock<String>,
}

/// The path a cursor is bound to: a workspace's id as the API writes it (a UUID is the same
/// whatever the case of its hex digits; resource ids are not, and stay as sent), without a
/// trailing `/`.
fn canonical_path(path: &str) -> String {
    let path = path.trim_end_matches('/');
    match path.strip_prefix("/v1/workspaces/") {
        Some(rest) => {
            let (ws, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!("/v1/workspaces/{}{tail}", ws.to_ascii_lowercase())
        }
        None => path.to_owned(),
    }
}

impl<'a> Pager<'a> {
    /// The pager of the list `call` reads, its normalised query being `query`.
    pub fn new(cursors: &'a Cursors, call: &V1Call, query: &[&str]) -> Self {
        Self::asked(cursors, call.asking(), query)
    }

    /// `new`, for a list read ahead of its call (`crate::ahead`).
    pub fn asked(cursors: &'a Cursors, asking: Asking<'_>, query: &[&str]) -> Self {
        let mut parts = Vec::with_capacity(query.len() + 2);
        parts.push(canonical_path(asking.request.uri().path()));
        parts.push(asking.client.to_string());
        parts.extend(query.iter().map(|q| (*q).to_owned()));
        Self {
            cursors,
            parts,
            bound: OnceLock::new(),
        }
    }

    fn bound(&self) -> &str {
        self.bound.get_or_init(|| {
            let parts: Vec<&str> = self.parts.iter().map(String::as_str).collect();
            binding(&parts)
        })
    }

    /// The position the page starts after: `None` for the first page.
    pub fn start(&self, cursor: Option<&str>) -> Result<Option<String>, ApiError> {
        Ok(cursor
            .map(|c| self.cursors.decode(c, self.bound()))
            .transpose()?)
    }

    /// `start` for a list whose positions are typed (a version number).
    pub fn start_at<K: FromStr>(&self, cursor: Option<&str>) -> Result<Option<K>, ApiError> {
        self.start(cursor)?
            .map(|k| k.parse::<K>().map_err(|_| BadCursor.into()))
            .transpose()
    }

    /// The cursor of the page after the one ending at `position` (none: the last page).
    pub fn next(&self, position: Option<&str>) -> Option<String> {
        position.map(|k| self.cursors.encode(k, self.bound()))
    }

    /// The page: `data`, and the cursor after `position`.
    pub fn page<T, E>(&self, data: Vec<T>, position: Option<&str>, expanded: E) -> ListPage<T, E> {
        ListPage {
            data,
            next_cursor: self.next(position),
            expanded,
        }
    }
}

/// The events feed's cursors (`GET .../events`, a snapshot's `events_cursor`): a position
/// in a workspace's sequence and when the cursor was made, bound to the workspace and the
/// credential, not to a query, so that one cursor serves the feed with any `types`, a
/// snapshot and a replay.
pub mod feed {
    use super::{BadCursor, Cursors, binding};
    use crate::api::{Asking, V1Call};
    use crate::error::ApiError;
    use crate::ids::WorkspaceId;
    use crate::timestamp::Timestamp;

    /// A feed position: the last sequence passed, and when its cursor was made.
    pub struct Position {
        pub sequence: u64,
        pub issued: Timestamp,
    }

    fn bound(asking: Asking<'_>, ws: WorkspaceId) -> String {
        binding(&["events", &ws.to_string(), asking.client.as_str()])
    }

    /// The cursor of the position after `sequence`, for `call`'s credential in `ws`.
    pub fn encode(cursors: &Cursors, call: &V1Call, ws: WorkspaceId, sequence: u64) -> String {
        encode_at(cursors, call, ws, sequence, Timestamp::now())
    }

    /// The same, of a position taken at `issued` (a snapshot's, when it was read): its age
    /// is counted from then, and the cursor is the same at every read.
    pub fn encode_at(
        cursors: &Cursors,
        call: &V1Call,
        ws: WorkspaceId,
        sequence: u64,
        issued: Timestamp,
    ) -> String {
        let key = format!("{sequence}.{}", issued.millis());
        cursors.encode(&key, &bound(call.asking(), ws))
    }

    /// The position of a cursor of `ws`'s feed made for `call`'s credential: anything else
    /// is 400 `invalid_request` on `after`.
    pub fn decode(
        cursors: &Cursors,
        call: &V1Call,
        ws: WorkspaceId,
        cursor: &str,
    ) -> Result<Position, ApiError> {
        decode_asked(cursors, call.asking(), ws, cursor)
    }

    /// `decode`, for a page read ahead of its call (`crate::ahead`).
    pub fn decode_asked(
        cursors: &Cursors,
        asking: Asking<'_>,
        ws: WorkspaceId,
        cursor: &str,
    ) -> Result<Position, ApiError> {
        let bad = || {
            ApiError::invalid_field(
                "after",
                "after is not a cursor of this workspace's feed for this credential",
            )
        };
        let key = cursors
            .decode(cursor, &bound(asking, ws))
            .map_err(|BadCursor| bad())?;
        let (sequence, issued) = key.split_once('.').ok_or_else(bad)?;
        Ok(Position {
            sequence: sequence.parse().map_err(|_| bad())?,
            issued: Timestamp::from_millis(issued.parse().map_err(|_| bad())?),
        })
    }
}
