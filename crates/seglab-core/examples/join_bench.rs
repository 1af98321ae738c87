//! Times the join and the default measures on a million users and ten million events, in memory.
//!
//! `cargo run --release -p seglab-core --example join_bench [users] [events]`

use seglab_core::Bitset;
use seglab_core::join::{self, MeasureSpec, Source};
use seglab_core::table::{Column, ColumnData, ColumnType, Dictionary, StringColumn, Table};
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn strings(name: &str, ty: ColumnType, values: impl Iterator<Item = String>) -> Column {
    let mut column = StringColumn::default();
    for v in values {
        column.push(&v);
    }
    let rows = column.len();
    Column::new(name, ty, ColumnData::Strings(column), Bitset::full(rows))
}

fn dictionary(name: &str, values: &[String], codes: Vec<u32>) -> Column {
    let mut dict = StringColumn::default();
    for v in values {
        dict.push(v);
    }
    let rows = codes.len();
    Column::new(
        name,
        ColumnType::Category,
        ColumnData::Dictionary(Dictionary {
            values: dict,
            codes: codes.into(),
        }),
        Bitset::full(rows),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let users: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let events: usize = args.next().map_or(Ok(10_000_000), |a| a.parse())?;
    let mut rng = Rng(0x5EED);

    let start = Instant::now();
    let ids: Vec<String> = (0..users).map(|i| format!("user-{i:07}")).collect();
    let plans = ["free", "pro", "team", "enterprise"].map(str::to_owned);
    let users_table = Table::new(vec![
        strings("user_id", ColumnType::Id, ids.iter().cloned()),
        dictionary(
            "plan",
            &plans,
            (0..users).map(|_| (rng.next() % 4) as u32).collect(),
        ),
    ])?;
    let names: Vec<String> = (0..60).map(|i| format!("Event {i}")).collect();
    let base = 1_735_689_600i64;
    let mut user_codes = Vec::with_capacity(events);
    let mut name_codes = Vec::with_capacity(events);
    let mut times = Vec::with_capacity(events);
    let mut amounts = Vec::with_capacity(events);
    for _ in 0..events {
        let r = rng.next();
        user_codes.push((r % users as u64) as u32);
        // Skewed event names: a few are frequent, most are rare.
        let n = (r >> 32) % 1000;
        name_codes.push(((n * n) / 16_667) as u32);
        times.push(base + ((r >> 20) % (180 * 86_400)) as i64);
        amounts.push(((r >> 40) % 10_000) as f64 / 100.0);
    }
    let events_table = Table::new(vec![
        // Ids repeat over ten million rows, so the reader stores them dictionary-encoded.
        Column::new(
            "user_id",
            ColumnType::Id,
            ColumnData::Dictionary(Dictionary {
                values: {
                    let mut v = StringColumn::default();
                    for id in &ids {
                        v.push(id);
                    }
                    v
                },
                codes: user_codes.into(),
            }),
            Bitset::full(events),
        ),
        dictionary("event", &names, name_codes),
        Column::new(
            "timestamp",
            ColumnType::DateTime,
            ColumnData::DateTime(times),
            Bitset::full(events),
        ),
        Column::new(
            "amount",
            ColumnType::Decimal,
            ColumnData::Decimal(amounts),
            Bitset::full(events),
        ),
    ])?;
    println!(
        "generated {users} users and {events} events in {:.2?}",
        start.elapsed()
    );

    let sources = [
        Source::new("users.csv", &users_table),
        Source::new("events.csv", &events_table),
    ];
    let t = Instant::now();
    let proposal = join::propose(&sources);
    println!(
        "propose: {:.2?} ({} links, {} problems)",
        t.elapsed(),
        proposal.plan.links.len(),
        proposal.problems.len()
    );

    let t = Instant::now();
    let joined = join::build(&sources, &proposal.plan)?;
    let build = t.elapsed();
    let log = joined.dataset.events.as_ref().ok_or("no event log")?;
    println!(
        "build: {build:.2?} ({} events kept, {} unmatched)",
        log.len(),
        log.unmatched
    );

    let t = Instant::now();
    let spec = MeasureSpec::default_for(&joined.dataset);
    let columns = join::measures(&joined.dataset, &spec);
    let measures = t.elapsed();
    let bytes: usize = columns.iter().map(Column::heap_bytes).sum();
    println!(
        "default measures: {measures:.2?} ({} columns, {} MB)",
        columns.len(),
        bytes >> 20
    );
    println!("join + measures: {:.2?}", build + measures);
    Ok(())
}
