//! Asynchronous work: family uploads (`POST .../families/uploads`), stash exports
//! (`POST .../stashes/{id}/exports`), snapshots (`POST .../snapshots`) and the jobs they
//! start (`GET .../jobs/{id}`). The
//! work itself is the worker's (functions/worker); this function creates jobs, hands them
//! over, and answers them, noticing an uploaded file on the way.

pub mod answer;
pub mod bulk;
pub mod export;
pub mod read;
pub mod snapshot;
pub mod sqs_queue;
pub mod upload;
pub mod upload_body;

use pirros_shared::ids::{ResourceId, WorkspaceId};

pirros_shared::declare_routes! {
    v1 JobsRoute for Jobs {
        Upload(ws: WorkspaceId) => upload::{upload} needs write(Family),
        Export(ws: WorkspaceId, id: ResourceId) => export::{export} needs read(Stash)
            ahead(pirros_shared::ahead::reads::stash),
        Get(ws: WorkspaceId, id: ResourceId) => read::{get} ahead(pirros_shared::ahead::reads::job_with_workspace),
        Snapshot(ws: WorkspaceId) => snapshot::{create} needs any_read("snapshot"),
    }
}
