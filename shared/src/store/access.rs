//! Which DynamoDB actions each Lambda function uses, on which partition families
//! (`keys::Partition`): exactly what its IAM role in `template.yaml` allows, as
//! `dynamodb:LeadingKeys` conditions. `tests/tests/least_privilege.rs` checks the template
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
}

/// What every `/v1` function does before its handler: the credential, the kill switch and
/// the published token keys, and the credential's hourly counter (this window's is
/// counted, the previous one's read).
const V1_GUARD: Uses = &[
    (Op::GetItem, &[Credential, Config, ApiRate]),
    (Op::UpdateItem, &[ApiRate]),
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
            // Attempt counters: counted, and reset after a success. Never a credential.
            (Op::UpdateItem, &[TokenRate]),
            (Op::DeleteItem, &[TokenRate]),
            // Its public keys for the `/v1` functions, at cold start.
            (Op::PutItem, &[Config]),
        ]],
    },
    FunctionAccess {
        function: "tags",
        uses: &[V1_GUARD, SCOPE_AND_EXPANSIONS, &[(Op::Query, &[Workspace])]],
    },
    FunctionAccess {
        function: "details",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[(Op::GetItem, &[Workspace]), (Op::Query, &[DetailList])],
        ],
    },
    FunctionAccess {
        function: "families",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[(Op::GetItem, &[Workspace]), (Op::Query, &[Workspace])],
        ],
    },
    FunctionAccess {
        function: "stashes",
        uses: &[
            V1_GUARD,
            // Scope, and the details, families and project a stash write names.
            SCOPE_AND_EXPANSIONS,
            &[
                (Op::GetItem, &[Stash, Idempotency]),
                // A stash and its idempotency record, in one transaction.
                (Op::PutItem, &[Stash, Idempotency]),
            ],
        ],
    },
    FunctionAccess {
        function: "downloads",
        uses: &[
            V1_GUARD,
            SCOPE_AND_EXPANSIONS,
            &[(Op::GetItem, &[Workspace])],
        ],
    },
    FunctionAccess {
        function: "docs",
        uses: &[],
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
            .flat_map(|u| u.iter())
            .flat_map(|(op, parts)| parts.iter().map(move |p| (*op, *p)))
            .collect()
    }
}
