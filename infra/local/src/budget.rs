//! What each route costs in storage per request: the calls it makes (the credential read
//! and the rate-limit update of every `/v1` request included). Declared here, once: `tests/tests/api/budgets.rs` makes each request on
//! both stores and fails when a route makes another number of calls, and the routes bench
//! (`infra/bench/src/routes.rs`) prints the declared figures beside what it measured. A
//! change that adds a call to a route has to change this table, in review.

/// One route's storage budget.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// The route as the bench and the tests name it.
    pub route: &'static str,
    /// Storage calls per request.
    pub calls: u64,
    /// Where they go.
    pub why: &'static str,
}

const fn budget(route: &'static str, calls: u64, why: &'static str) -> Budget {
    Budget { route, calls, why }
}

/// "auth": the credential read beside the rate-limit update (two calls, one round trip).
pub const BUDGETS: &[Budget] = &[
    budget(
        "token",
        2,
        "the credential beside one conditional update of the client's attempt item; a remembered right secret writes nothing, and resets only after wrong attempts",
    ),
    budget("tags", 3, "auth; one query"),
    budget(
        "details get",
        3,
        "auth; the detail and its open-flag count in one batch read",
    ),
    budget(
        "details search",
        4,
        "auth; one list query beside the workspace's open-flag counts (one query)",
    ),
    budget("families get", 3, "auth; the family"),
    budget(
        "families similar",
        5,
        "auth; the family beside its workspace's family count; then every family (the fixture's 6)",
    ),
    budget("stash get", 3, "auth; the stash"),
    budget(
        "stash create",
        6,
        "auth; the project beside the items' existence; one transaction",
    ),
    budget(
        "stash create with a key",
        7,
        "auth; the key's record; the project beside the items' existence; one transaction with the key's record",
    ),
    budget(
        "download rvt",
        3,
        "auth; the detail and the workspace's download switch in one batch read",
    ),
    budget("me", 3, "auth; the credential's workspaces in one batch"),
    budget("flags list", 4, "auth; the detail beside its flags"),
    budget("flag create", 4, "auth; the detail; the flag's transaction"),
    budget("references", 4, "auth; the family beside its references"),
    budget("versions", 4, "auth; the family beside its versions"),
    budget("upload start", 3, "auth; the job"),
    budget(
        "job get",
        3,
        "auth; the job beside its workspace (an export's link is signed only while downloads are on), in one batch read",
    ),
    budget(
        "export start",
        4,
        "auth; the stash; the job's transaction, which claims a bulk slot with it (one more transaction for each slot another job holds)",
    ),
    budget(
        "snapshot start",
        3,
        "auth; the job's transaction, which claims a bulk slot with it (one more transaction for each slot another job holds)",
    ),
    budget("events page", 3, "auth; one page of the feed"),
    budget(
        "webhook endpoint create",
        5,
        "auth; the credential's endpoints beside the feed's position; one transaction",
    ),
];

/// The budget of `route`; a route without one is a mistake of the caller.
pub fn of(route: &str) -> &'static Budget {
    BUDGETS
        .iter()
        .find(|b| b.route == route)
        .unwrap_or_else(|| panic!("no storage budget is declared for {route:?}"))
}
