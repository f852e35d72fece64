//! Lambda entry point of the docs function: it needs no storage, so it builds nothing.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    pirros_shared::logging::init();
    pirros_shared::metrics::init()?;
    lambda_http::run(lambda_http::service_fn(|req| async move {
        Ok::<_, std::convert::Infallible>(pirros_docs::handle(req).await)
    }))
    .await
}
