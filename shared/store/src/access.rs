//! Which DynamoDB actions each Lambda function uses, on which partition families
//! (`keys::Partition`): exactly what its IAM role in `template.yaml` allows, as
//! `dynamodb:LeadingKeys` conditions. `tests/tests/deploy/least_privilege.rs` checks the template
//! against this table, and this table against the calls each function's handlers make.
//! A new function is one `FunctionAccess` entry here plus its role in the template; a new
//! partition family is one `Partition` variant in `keys.rs`.

use super::keys::Partition::{self, *};
use std::collections::BTreeSet;

/// A DynamoDB action as IAM names it. `TransactWriteItems` has none of its own: IAM
/// authorises each of its items as the put, update, delete or condition check it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    GetItem,
    BatchGetItem,
    Query,
    PutItem,
    UpdateItem,
    DeleteItem,
    ConditionCheckItem,
    BatchWriteItem,
}

impl Op {
    pub const ALL: &[Op] = &[
        Op::GetItem,
        Op::BatchGetItem,
        Op::Query,
        Op::PutItem,
        Op::UpdateItem,
        Op::DeleteItem,
        Op::ConditionCheckItem,
        Op::BatchWriteItem,
    ];

    /// `dynamodb:GetItem`, ...
    pub fn iam_action(self) -> String {
        format!("dynamodb:{self:?}")
    }

    pub fn from_iam_action(action: &str) -> Option<Op> {
        Self::ALL.iter().copied().find(|o| o.iam_action() == action)
    }
}

/// Some actions on some partition families.
pub type Uses = &'static [(Op, &'static [Partition])];

pub struct FunctionAccess {
    /// The function's name: its binary is `pirros-{function}`.
    pub function: &'static str,
    pub uses: &'static [Uses],
    /// Uses on paths that no exercise of the routes reaches (each says why), allowed all
    /// the same: without them those paths would fail in production.
    pub rare: Uses,
}

/// What every `/v1` function does before its handler: the credential, the kill switch and
/// the published token keys, and the credential's hourly counter (this window's is
/// counted, the previous one's read).
const V1_GUARD: Uses = &[
    (Op::GetItem, &[Credential, Config, ApiRate]),
    (Op::UpdateItem, &[ApiRate]),
];

/// A write's events, in its own transaction: the workspace's sequence counter read (once
/// per container) and moved, and the events put.
const EVENTS_WRITTEN: Uses = &[
    (Op::GetItem, &[Events]),
    (Op::UpdateItem, &[Events]),
    (Op::PutItem, &[Events]),
];

/// Custom filters named by a credential's grants, and the tags and projects an `include`
/// expands, all in the workspace's partition.
const SCOPE_AND_EXPANSIONS: Uses = &[(Op::BatchGetItem, &[Workspace])];

pub const FUNCTIONS: &[FunctionAccess] = &[
    FunctionAccess {
        function: "oauth",
        uses: &[&[
            // The credential; the published keys, compared before they are written.
            (Op::GetItem, &[Credential, Config]),
            // The client's attempt item: counted, reset after a success. Never a
            // credential.
            (Op::UpdateItem, &[TokenRate]),
            // Its public keys for the `/v1` functions, at cold start.
            (Op::PutItem, &[Config]),
        ]],
        rare: &[],
    },
    FunctionAccess {
        function: "tags",
        uses: &[V1_GUARD, SCOPE_AND_EXPANSIONS, &[(Op::Query, &[Workspace])]],
        rare: &[],
    },
    FunctionAccess {
        function: "details",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[
                // A detail; a flag being resolved; a retried flag write's answer.
                (Op::GetItem, &[Workspace, Flags, Idempotency]),
                // Search lists, a detail's flags, the workspace's open-flag counts.
                (Op::Query, &[DetailList, Flags]),
                // List sizes (the search plan) and open-flag counts of a page.
                (Op::BatchGetItem, &[DetailList, Flags]),
                // A flag, its detail's open count and its idempotency record, in one
                // transaction.
                (Op::PutItem, &[Flags, Idempotency]),
                (Op::UpdateItem, &[Flags]),
                // A detail's open count once it is back at zero.
                (Op::DeleteItem, &[Flags]),
            ],
            EVENTS_WRITTEN,
        ],
        rare: &[],
    },
    FunctionAccess {
        function: "families",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[
                // A family, one of its versions; its group.
                (Op::GetItem, &[Family, Workspace]),
                // Search lists, `similar`'s candidates, references, versions.
                (Op::Query, &[FamilyList, References, Family]),
                // List sizes (the search plan); a group's members.
                (Op::BatchGetItem, &[FamilyList, Family]),
            ],
        ],
        rare: &[
            // Stashes whose reference entries are still unverified (a stash write in
            // steps that stopped half-way), checked against the stash as stored.
            (Op::BatchGetItem, &[Stash]),
        ],
    },
    FunctionAccess {
        function: "stashes",
        uses: &[
            V1_GUARD,
            // Scope, and the details, families and project a stash write names.
            SCOPE_AND_EXPANSIONS,
            &[
                (Op::BatchGetItem, &[Family]),
                (Op::GetItem, &[Stash, Idempotency]),
                // The stashes listing, all, per project or per creator.
                (Op::Query, &[StashList]),
                // A stash, its idempotency record, its listing copies and its families'
                // reference entries, in one transaction.
                (Op::PutItem, &[Stash, Idempotency, StashList, References]),
                (Op::DeleteItem, &[References]),
                // A stash deleted, with its listing copies (and its entries, above).
                (Op::DeleteItem, &[Stash, StashList]),
                // A stash write whose reference changes overflow one transaction
                // (`write_stash_in_steps`): the changed entries marked first, then applied
                // in transactions that each check the stash is still at its version.
                (Op::BatchWriteItem, &[References]),
                (Op::ConditionCheckItem, &[Stash]),
            ],
            EVENTS_WRITTEN,
        ],
        rare: &[],
    },
    FunctionAccess {
        function: "downloads",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            // The detail or family beside its workspace, in one batch read.
            &[(Op::BatchGetItem, &[Workspace, Family])],
        ],
        // An earlier version's record (`?version=N`), which the exercise doesn't ask for.
        rare: &[(Op::GetItem, &[Family])],
    },
    FunctionAccess {
        function: "docs",
        uses: &[],
        rare: &[],
    },
    FunctionAccess {
        function: "discovery",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[
                // The caller's firm, workspaces and grants' filters (`/v1/me`); its rate
                // windows (`/v1/me/usage`).
                (Op::BatchGetItem, &[Firm, ApiRate]),
                // The projects list; the events feed.
                (Op::Query, &[ProjectList, Events]),
            ],
        ],
        rare: &[],
    },
    FunctionAccess {
        function: "webhooks",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[
                // An endpoint; the events sequence a new one starts after; a create's or a
                // roll's idempotency record.
                (Op::GetItem, &[Webhooks, Events, Idempotency]),
                // A workspace's endpoints; an endpoint's deliveries; a replay's events.
                (Op::Query, &[Webhooks, Deliveries, Events]),
                // An endpoint made or changed (with its idempotency record); a test's
                // delivery.
                (Op::PutItem, &[Webhooks, Deliveries, Idempotency]),
                // The workspace noted among those with endpoints; the credential's creates
                // a new endpoint moves on.
                (Op::UpdateItem, &[WebhookWorkspaces, Webhooks]),
                (Op::DeleteItem, &[Webhooks]),
            ],
        ],
        // A replay of two events or more writes their deliveries in batches.
        rare: &[(Op::BatchWriteItem, &[Deliveries])],
    },
    FunctionAccess {
        function: "webhook-fanout",
        uses: &[&[
            // The workspace's endpoints; each one's credential and its grants' filters.
            (Op::Query, &[Webhooks]),
            (Op::GetItem, &[Credential]),
            (Op::BatchGetItem, &[Workspace]),
            // The deliveries an event makes.
            (Op::PutItem, &[Deliveries]),
            (Op::BatchWriteItem, &[Deliveries]),
        ]],
        rare: &[],
    },
    FunctionAccess {
        function: "webhook-delivery",
        uses: &[&[
            // The delivery, its endpoint, and the endpoint's credential and filters now.
            (Op::GetItem, &[Deliveries, Webhooks, Credential]),
            (Op::BatchGetItem, &[Workspace]),
            // The event, read again at each attempt.
            (Op::Query, &[Events]),
            // The attempt recorded; the endpoint's health.
            (Op::PutItem, &[Deliveries, Webhooks]),
        ]],
        rare: &[],
    },
    FunctionAccess {
        function: "jobs",
        uses: &[
            V1_GUARD,
            // Scope; the family, tags and project an upload names; a stash to export.
            SCOPE_AND_EXPANSIONS,
            &[
                // The family an upload names, a stash to export, a retried write's answer.
                (Op::GetItem, &[Family, Stash, Idempotency]),
                // A job beside its workspace (are downloads on?), in one batch read.
                (Op::BatchGetItem, &[Job]),
                // A new job and its idempotency record in one transaction; a job moving
                // on (an upload's file arrived, or never did).
                (Op::PutItem, &[Job, Idempotency]),
                // The credential's wait and export slots: claimed slot by slot by a
                // conditional update, given back the same way.
                (Op::UpdateItem, &[Lease]),
            ],
        ],
        // A job read again while a request waits for it, and the workspace's switch
        // after that wait (`wait_for_completion`), which the exercise doesn't ask for.
        rare: &[(Op::GetItem, &[Job, Workspace])],
    },
    FunctionAccess {
        function: "worker",
        uses: &[
            EVENTS_WRITTEN,
            &[
                // The job; an upload's family as stored; an export's workspace, details,
                // families and stash, and the credential of the job's creator (whose grants
                // decide what an export holds and whether an upload may still be written).
                (Op::GetItem, &[Job, Family, Workspace, Stash, Credential]),
                // The creator's filters; the sizes of the search lists a new family joins.
                (Op::BatchGetItem, &[Workspace, FamilyList]),
                // A job moving on; an upload's family, version record and job in one
                // transaction, with the family's search-list copies (and deletes of those it
                // left). Never anything else of a workspace: families have a partition of
                // their own.
                (Op::PutItem, &[Job, Family, FamilyList]),
                (Op::DeleteItem, &[FamilyList]),
                // The moved list sizes.
                (Op::BatchWriteItem, &[FamilyList]),
                // An ended export's slot, given back.
                (Op::GetItem, &[Lease]),
                (Op::UpdateItem, &[Lease]),
            ],
            &[
                // A snapshot: the workspace's tags, its projects, details, families and
                // stashes a page at a time, and the open-flag counts of each page's
                // details.
                (
                    Op::Query,
                    &[Workspace, ProjectList, DetailList, FamilyList, StashList],
                ),
                (Op::BatchGetItem, &[Flags]),
            ],
        ],
        rare: &[],
    },
];

/// The entry of `function`.
pub fn of(function: &str) -> Option<&'static FunctionAccess> {
    FUNCTIONS.iter().find(|f| f.function == function)
}

impl FunctionAccess {
    /// Every (action, partition family) pair it may use.
    pub fn pairs(&self) -> BTreeSet<(Op, Partition)> {
        self.uses
            .iter()
            .copied()
            .chain([self.rare])
            .flat_map(|u| u.iter())
            .flat_map(|(op, parts)| parts.iter().map(move |p| (*op, *p)))
            .collect()
    }

    /// The pairs only `rare` names.
    pub fn rare_pairs(&self) -> BTreeSet<(Op, Partition)> {
        let common: BTreeSet<_> = self
            .uses
            .iter()
            .flat_map(|u| u.iter())
            .flat_map(|(op, parts)| parts.iter().map(move |p| (*op, *p)))
            .collect();
        self.rare
            .iter()
            .flat_map(|(op, parts)| parts.iter().map(move |p| (*op, *p)))
            .filter(|pair| !common.contains(pair))
            .collect()
    }
}
