//! Project automation: `cargo xtask serve|test|bench|dist|gen-data`.
//!
//! Each command installs what it needs when it is missing, so that a fresh machine with rustup's Rust and
//! access to the package registries needs nothing else.

mod gen_data;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "gen-data" => gen_data::run(rest),
        _ => {
            eprintln!("usage: cargo xtask <serve|test|bench|dist|gen-data>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask {command}: {error}");
            ExitCode::FAILURE
        }
    }
}
