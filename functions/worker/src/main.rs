//! Lambda entry point of the upload and export worker. The SQS event source (the
//! `lambda_runtime` wiring around `batch::handle_batch`) is added together with the jobs it
//! completes; until then the binary only builds.

fn main() {
    eprintln!("pirros-worker: not wired to an event source yet");
    std::process::exit(2);
}
