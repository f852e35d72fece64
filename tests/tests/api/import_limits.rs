//! What an import may put in a workspace, so that no request's work grows past a bound:
//! the tags list reads all of a workspace's tags, so a workspace holds at most 500, counting
//! what the store holds already. On both stores, through the loader that `pirros-admin
//! import` and `pirros-local --fixture` share.

use pirros_shared::model::MAX_TAGS_PER_WORKSPACE;
use pirros_tests::*;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(a_workspace_holds_at_most_500_tags);

const WZ: &str = "c1c1c1c1-0000-4000-8000-0000000000c1";

fn tags(range: std::ops::Range<usize>, name: &str) -> Value {
    json!({
        "firms": [{"id": "fz", "name": "Firm Z"}],
        "workspaces": [{"id": WZ, "firm_id": "fz", "name": "Z"}],
        "tags": range
            .map(|i| json!({"id": format!("t{i}"), "workspace_id": WZ, "name": format!("{name} {i}")}))
            .collect::<Vec<_>>(),
    })
}

async fn import(api: &Api, doc: &Value) -> Result<(), Vec<String>> {
    let dir = std::env::temp_dir();
    let fx = pirros_fixture::load(&doc.to_string(), &dir, api.store()).await?;
    pirros_fixture::write(&fx, api.store(), None)
        .await
        .map_err(|e| vec![e])?;
    Ok(())
}

#[track_caller]
fn assert_refused(result: Result<(), Vec<String>>, total: usize) {
    let problems = result.expect_err("over the limit");
    let want = format!("tags: workspace {WZ} would hold {total} tags; at most 500");
    assert!(problems.contains(&want), "{problems:#?}");
}

async fn a_workspace_holds_at_most_500_tags(b: Backend) {
    assert_eq!(MAX_TAGS_PER_WORKSPACE, 500);
    let api = api(b).await;
    // One fixture alone over the limit.
    assert_refused(import(&api, &tags(0..501, "tag")).await, 501);
    // Up to it, in two imports.
    import(&api, &tags(0..300, "tag")).await.unwrap();
    import(&api, &tags(300..500, "tag")).await.unwrap();
    // Renaming tags it holds adds none.
    import(&api, &tags(0..500, "renamed")).await.unwrap();
    // One more, counting what is stored, is refused, and nothing of it is written.
    assert_refused(import(&api, &tags(499..501, "tag")).await, 501);
    let ws = pirros_shared::ids::WorkspaceId::parse(WZ).unwrap();
    let stored = api.store().list_tags(ws).await.unwrap();
    assert_eq!(stored.len(), 500);
    assert!(stored.iter().all(|t| t.name.starts_with("renamed")));
}
