use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = attune::cli::Cli::parse();
    match attune::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("attune: {err:#}");
            ExitCode::FAILURE
        }
    }
}
