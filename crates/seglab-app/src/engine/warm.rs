//! Warming the engine up: loading and joining a small pair of generated files once, before the user's
//! next file, so that the browser's WebAssembly engine has compiled the loops that loading
//! runs with its optimising tier.
//!
//! V8 first compiles every function with its baseline compiler and compiles a function again, optimised,
//! once it has run for a while; the optimised code takes over at the function's next call, never in the
//! middle of one. Loading a file calls its longest loops (typing a column, grouping a million users'
//! events, their measures) once each, so the first file would run them in baseline code from start to
//! end: in a V8 harness, the first load of the benchmark's event log took 0.6 s longer than the next.
//! The files here have the shapes that select those loops (ids and emails distinct enough to be stored
//! as plain text, numbers with thousands of values, dates, times, categories, an event log that joins).

use super::Engine;
use std::fmt::Write as _;

/// Users in the generated users file: past the 4,096 distinct values after which the reader stores a
/// column's cells as plain text, and past the 10,000 rows after which typing counts distinct values by
/// their hashes.
const USERS: usize = 12_000;
/// Events per user in the generated event log.
const EVENTS_PER_USER: usize = 8;

const COUNTRIES: [&str; 7] = [
    "United States",
    "Germany",
    "France",
    "Sweden",
    "Japan",
    "Brazil",
    "India",
];
const PLANS: [&str; 4] = ["free", "basic", "pro", "enterprise"];
const EVENTS: [&str; 6] = [
    "Login",
    "Search",
    "View page",
    "Export report",
    "Invite teammate",
    "Upgrade",
];

/// Loads the generated files into an engine of its own, and drops it. Requests (comparisons, segments)
/// are left out: each calls its loops once per column or segment, so they are compiled optimised within
/// the first request anyway, and compiled from generated data they ran slower on real data.
pub fn warm_up() {
    let (users, events) = files(USERS, EVENTS_PER_USER);
    let mut engine = Engine::default();
    engine.load_bytes("users.csv", &users);
    engine.load_bytes("events.csv", &events);
}

/// A users file of `users` rows and an event log of about `events_per_user` events per user, over the
/// same ids.
pub(crate) fn files(users: usize, events_per_user: usize) -> (Vec<u8>, Vec<u8>) {
    let mut text = String::with_capacity(users * 110);
    text.push_str("user_id,email,signup_date,country,plan,company,employees,arr,converted\n");
    for i in 0..users {
        let _ = writeln!(
            text,
            "U{i:07},user{i}@company{}.example,2024-{:02}-{:02},{},{},Company {} Inc,{},{}.{:02},{}",
            i * 2 / 3,
            1 + i % 12,
            1 + i % 28,
            COUNTRIES[i % COUNTRIES.len()],
            PLANS[i * 3 % PLANS.len()],
            i * 2 / 3,
            1 + i * 7919 % 9000,
            i * 37 % 5000,
            i % 100,
            if i % 3 == 0 { "yes" } else { "no" },
        );
    }
    let users_csv = text.into_bytes();
    let rows = users * events_per_user;
    let mut text = String::with_capacity(rows * 60);
    text.push_str("user_id,event,timestamp,duration_s,amount\n");
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for row in 0..rows {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let user = state as usize % users;
        // Times rise through the file, over about two months.
        let seconds = row * 5_000_000 / rows;
        let _ = write!(
            text,
            "U{user:07},{},2024-{:02}-{:02}T{:02}:{:02}:{:02}Z,",
            EVENTS[(state >> 32) as usize % EVENTS.len()],
            3 + seconds / 2_419_200,
            1 + seconds / 86_400 % 28,
            seconds / 3600 % 24,
            seconds / 60 % 60,
            seconds % 60,
        );
        match row % 4 {
            0 => text.push_str(",\n"),
            1 => {
                let _ = writeln!(text, "{},", (state >> 40) % 600);
            }
            _ => {
                let _ = writeln!(
                    text,
                    "{},{}.{:02}",
                    (state >> 40) % 600,
                    row % 90,
                    row % 100
                );
            }
        }
    }
    (users_csv, text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::{Engine, files};
    use crate::protocol::Response;

    /// The generated files load without a warning and join completely, with the column types that make
    /// loading take its longest paths.
    #[test]
    fn the_generated_files_load_and_join() {
        let (users, events) = files(12_000, 8);
        let mut engine = Engine::default();
        let Response::Loaded { file, .. } = engine.load_bytes("users.csv", &users) else {
            panic!("users.csv did not load");
        };
        assert_eq!(file.rows, 12_000);
        assert!(file.warnings.is_empty(), "{:?}", file.warnings);
        let types: Vec<(&str, &str)> = file
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("user_id", "id"),
                ("email", "id"),
                ("signup_date", "date"),
                ("country", "category"),
                ("plan", "category"),
                ("company", "text"),
                ("employees", "integer"),
                ("arr", "decimal"),
                ("converted", "boolean"),
            ]
        );
        let Response::Loaded { file, dataset } = engine.load_bytes("events.csv", &events) else {
            panic!("events.csv did not load");
        };
        assert_eq!(file.rows, 96_000);
        assert!(file.warnings.is_empty(), "{:?}", file.warnings);
        assert_eq!(dataset.population, 12_000);
        assert_eq!(dataset.coverage.len(), 1);
        assert_eq!(dataset.coverage[0].matched_rows, 96_000);
    }

    #[test]
    fn warming_up_runs() {
        super::warm_up();
    }
}
