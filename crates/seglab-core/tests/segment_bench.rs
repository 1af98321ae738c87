//! Timings of segment evaluation at scale (1M users, 5M events). Ignored by default; run with
//! `cargo test --release -p seglab-core --test segment_bench -- --ignored --nocapture`.
//! Speed is reported, never asserted.

use seglab_core::segment::{self, SegmentSet};
use seglab_core::{Bitset, Column, ColumnData, ColumnType, Dataset, Dictionary, EventLog, Table};
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const AS_OF: i64 = 20_269 * 86_400;

fn dictionary(values: &[&str], codes: Vec<u32>) -> Dictionary {
    let mut dict = Dictionary {
        codes: codes.into(),
        ..Dictionary::default()
    };
    for v in values {
        dict.values.push(v);
    }
    dict
}

fn dataset(users: usize, events: usize) -> Dataset {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let valid = |rng: &mut Rng| Bitset::from_fn(users, |_| rng.below(50) != 0);
    let plans = ["free", "trial", "pro", "enterprise"];
    let countries = ["SE", "NO", "DK", "FI", "DE", "US", "GB", "FR"];
    let plan_codes = (0..users).map(|_| rng.below(4) as u32).collect();
    let country_codes = (0..users).map(|_| rng.below(8) as u32).collect();
    let columns = vec![
        Column::new(
            "key",
            ColumnType::Integer,
            ColumnData::Integer((0..users as i64).collect()),
            Bitset::full(users),
        ),
        Column::new(
            "plan",
            ColumnType::Category,
            ColumnData::Dictionary(dictionary(&plans, plan_codes)),
            valid(&mut rng),
        ),
        Column::new(
            "country",
            ColumnType::Category,
            ColumnData::Dictionary(dictionary(&countries, country_codes)),
            valid(&mut rng),
        ),
        Column::new(
            "seats",
            ColumnType::Integer,
            ColumnData::Integer((0..users).map(|_| rng.below(50) as i64).collect()),
            valid(&mut rng),
        ),
        Column::new(
            "converted",
            ColumnType::Boolean,
            ColumnData::Boolean(Bitset::from_fn(users, |_| rng.below(3) == 0)),
            valid(&mut rng),
        ),
        Column::new(
            "signup_date",
            ColumnType::Date,
            ColumnData::Date((0..users).map(|_| 20_269 - rng.below(700) as i32).collect()),
            valid(&mut rng),
        ),
    ];
    let population = Table::new(columns).unwrap();
    // Events spread over users, sorted by time within each user.
    let mut per_user = vec![0u32; users];
    for _ in 0..events {
        per_user[rng.below(users as u64) as usize] += 1;
    }
    let mut offsets = Vec::with_capacity(users + 1);
    offsets.push(0u32);
    let mut times = Vec::with_capacity(events);
    let mut codes = Vec::with_capacity(events);
    let mut amounts = Vec::with_capacity(events);
    for &n in &per_user {
        let start = times.len();
        for _ in 0..n {
            times.push(AS_OF - rng.below(180 * 86_400) as i64);
            codes.push(rng.below(6) as u32);
            amounts.push(rng.below(200) as i64);
        }
        times[start..].sort_unstable();
        offsets.push(times.len() as u32);
    }
    let names = [
        "Login",
        "Export report",
        "Purchase",
        "Signup",
        "Upgrade",
        "Invite",
    ]
    .map(str::to_owned)
    .to_vec();
    let amount = Column::new(
        "amount",
        ColumnType::Integer,
        ColumnData::Integer(amounts),
        Bitset::full(events),
    );
    let log = EventLog {
        offsets,
        times,
        events: codes,
        names,
        properties: vec![amount],
        ..EventLog::default()
    };
    Dataset {
        population,
        key: Some("key".to_owned()),
        events: Some(log),
        linked: Vec::new(),
        as_of: Some(AS_OF),
    }
}

/// Nanoseconds this thread has spent on a CPU (Linux), so that timings on a busy machine count only our
/// own work; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn time(data: &Dataset, text: &str) {
    let expr = segment::parse(text).unwrap();
    let segments = SegmentSet::new();
    let members = segment::evaluate(&expr, data, &segments).unwrap();
    let runs = 20;
    let cpu = cpu_ns();
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(segment::evaluate(&expr, data, &segments).unwrap());
    }
    let wall = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    let cpu = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) => format!("{:8.2}", (b - a) as f64 / 1e6 / f64::from(runs)),
        _ => "       ?".to_owned(),
    };
    println!(
        "{cpu} ms cpu {wall:8.2} ms wall {:>7} members  {text}",
        members.count()
    );
}

#[test]
#[ignore = "a timing run over a million users; run with --release -- --ignored --nocapture"]
fn evaluation_at_a_million_users() {
    let data = dataset(1_000_000, 5_000_000);
    println!("1M users, 5M events");
    time(&data, r#"plan = "trial""#);
    time(&data, r#"plan = "trial" and seats > 5 and converted = no"#);
    time(
        &data,
        r#"plan = "trial" and converted = no and country in ("SE", "NO")"#,
    );
    time(
        &data,
        r#"plan = "trial" and seats > 5 and converted = no and country in ("SE", "NO") and signup_date in last 90 days"#,
    );
    time(
        &data,
        r#"plan in ("Trial", "PRO") ignoring case or seats between 10 and 20"#,
    );
    time(
        &data,
        r#"did "Export report" at least 3 times in last 30 days"#,
    );
    time(&data, r#"not did "Login" in last 60 days"#);
    time(&data, r#"did "Signup" then "Upgrade" within 14 days"#);
    time(&data, r#"first did "Signup" in last 30 days"#);
    time(&data, r#"sum(amount) of "Purchase" > 100"#);
    time(&data, r#"distinct(amount) of "Purchase" >= 2"#);
}
