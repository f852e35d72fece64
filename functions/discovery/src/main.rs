//! Lambda entry point: state is built once per container, then every event is handled by
//! the library's `handle`, the same function `pirros-local` mounts.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    pirros_shared::lambda::run(pirros_shared::state::no_files, |state, req| async move {
        pirros_discovery::handle(&state, req).await
    })
    .await
}
