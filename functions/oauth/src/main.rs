//! Lambda entry point: state is built once per container (the only one that reads the
//! signing secret), then every event is handled by the library's `handle`, the same
//! function `pirros-local` mounts.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    pirros_shared::lambda::run_token_issuer(|state, req| async move {
        pirros_oauth::handle(&state, req).await
    })
    .await
}
