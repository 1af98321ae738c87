//! `cargo xtask gen-data`: the seeded generator of the sample B2B `SaaS` dataset.
//!
//! Writes three files in the shapes real exports have: `users.csv` (a CRM export, one row per user),
//! `events.csv` (a product-analytics export, one row per event, sorted by time) and `nps.csv` (a survey
//! export). Every user has hidden traits (engagement, friction, whether the trial will convert) that drive
//! both the CRM columns and the behaviour, so comparisons in the sample show true, documented effects
//! (see `web/sample/README.md`). All dates are relative to a fixed as-of date so the files do not drift.
//!
//! The output depends only on the options: every user and every user-day draws from its own random
//! stream keyed by the seed, so the files are reproducible. Memory holds one small profile per user and
//! the events of one 30-day chunk at a time, so a million users and ten million events stream to disk.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The last day covered by the data: 2025-06-30.
const AS_OF: (i32, u32, u32) = (2025, 6, 30);
/// Signups span the two years before the as-of date.
const HISTORY_DAYS: i32 = 730;
const TRIAL_DAYS: i32 = 14;
/// Events are generated and sorted one chunk of days at a time.
const CHUNK_DAYS: i32 = 30;
/// The default average events per user; the activity constants below give about this many at scale 1.
const DEFAULT_EVENTS_PER_USER: f64 = 20.0;
/// Users simulated (without writing) to calibrate the activity scale to the requested events per user.
const PILOT_USERS: usize = 5000;
/// Non-converted users stop showing up this long after their trial ended.
const LINGER_DAYS: i32 = 60;
/// First survey 30 days after signup, then every 90 days.
const SURVEY_FIRST: i32 = 30;
const SURVEY_EVERY: i32 = 90;
const SURVEY_RESPONSE_RATE: f64 = 0.35;

const USAGE: &str = "usage: cargo xtask gen-data [--users N] [--events-per-user M] [--seed S] [--out DIR]

  --users N            users to generate (default 3000)
  --events-per-user M  average events per user (default 20; at least about 5: every user has a first session)
  --seed S             random seed (default 42)
  --out DIR            output folder (default web/sample; use bench-data/ for big runs)";

struct Options {
    users: usize,
    events_per_user: f64,
    seed: u64,
    out: PathBuf,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        users: 3000,
        events_per_user: DEFAULT_EVENTS_PER_USER,
        seed: 42,
        out: PathBuf::from("web/sample"),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |what: &str| format!("{flag} {value}: expected {what}\n{USAGE}");
        match flag.as_str() {
            "--users" => {
                options.users = value
                    .replace('_', "")
                    .parse()
                    .map_err(|_| bad("a whole number"))?;
            }
            "--events-per-user" => {
                options.events_per_user = value.parse().map_err(|_| bad("a number"))?;
                if !(options.events_per_user > 0.0 && options.events_per_user <= 1000.0) {
                    return Err(bad("a number between 0 and 1000"));
                }
            }
            "--seed" => options.seed = value.parse().map_err(|_| bad("a whole number"))?,
            "--out" => options.out = PathBuf::from(value),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    if options.users == 0 || options.users > 50_000_000 {
        return Err(format!(
            "--users {}: expected 1 to 50,000,000",
            options.users
        ));
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    std::fs::create_dir_all(&options.out)
        .map_err(|e| format!("cannot create {}: {e}", options.out.display()))?;
    let started = Instant::now();
    let profiles = write_users(&options)?;
    eprintln!(
        "users.csv: {} rows ({:.1} s)",
        options.users,
        started.elapsed().as_secs_f64()
    );
    let counts = write_activity(&options, &profiles)?;
    let size = |name: &str| std::fs::metadata(options.out.join(name)).map_or(0, |m| m.len());
    eprintln!(
        "done in {:.1} s: users.csv {} rows {:.1} MB, events.csv {} rows {:.1} MB ({:.1} per user), nps.csv {} rows {:.1} MB",
        started.elapsed().as_secs_f64(),
        options.users,
        size("users.csv") as f64 / 1e6,
        counts.events,
        size("events.csv") as f64 / 1e6,
        counts.events as f64 / options.users as f64,
        counts.responses,
        size("nps.csv") as f64 / 1e6,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Random numbers: SplitMix64, keyed per stream so that any user or user-day can be drawn independently.

#[derive(Clone)]
struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Stream identifiers, so that the user, company and day streams never share a key.
const STREAM_SIGNUPS: u64 = 1;
const STREAM_USER: u64 = 2;
const STREAM_COMPANY: u64 = 3;
const STREAM_DAY: u64 = 4;

impl Rng {
    fn keyed(seed: u64, stream: u64, a: u64, b: u64) -> Self {
        let key = mix(seed
            ^ mix(stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ^ mix(a ^ mix(b.wrapping_add(0x632b_e59b)))));
        Self(key)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as usize) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.f64();
        let v = self.f64();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// An index into `weights`, with probability proportional to the weight.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------------------------------------
// Calendar arithmetic (days since 1970-01-01), after Howard Hinnant's civil-from-days algorithms.

fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

fn write_date(out: &mut impl Write, day: i32) -> std::io::Result<()> {
    let (y, m, d) = civil_from_days(day);
    write!(out, "{y:04}-{m:02}-{d:02}")
}

fn write_timestamp(out: &mut impl Write, seconds: i64) -> std::io::Result<()> {
    let day = seconds.div_euclid(86_400);
    let s = seconds.rem_euclid(86_400);
    write_date(out, day as i32)?;
    write!(out, "T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Writes a CSV field, quoted when it holds a delimiter, a quote or a line break.
fn write_field(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    if text.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", text.replace('"', "\"\""))
    } else {
        out.write_all(text.as_bytes())
    }
}

// ---------------------------------------------------------------------------------------------------------
// The world: countries, industries, companies and people.

struct Country {
    name: &'static str,
    weight: f64,
    language: &'static str,
    utc_offset: i8,
    tld: &'static str,
    legal: &'static str,
    owner: &'static str,
}

#[rustfmt::skip]
const COUNTRIES: &[Country] = &[
    Country { name: "United States", weight: 30.0, language: "en", utc_offset: -6, tld: "com", legal: "Inc", owner: "Olivia Brown" },
    Country { name: "United Kingdom", weight: 10.0, language: "en", utc_offset: 0, tld: "co.uk", legal: "Ltd", owner: "James Carter" },
    Country { name: "Germany", weight: 10.0, language: "de", utc_offset: 1, tld: "de", legal: "GmbH", owner: "Jonas Weber" },
    Country { name: "Sweden", weight: 8.0, language: "sv", utc_offset: 1, tld: "se", legal: "AB", owner: "Emma Larsson" },
    Country { name: "France", weight: 6.0, language: "fr", utc_offset: 1, tld: "fr", legal: "SAS", owner: "Sophie Martin" },
    Country { name: "Netherlands", weight: 5.0, language: "nl", utc_offset: 1, tld: "nl", legal: "BV", owner: "Sophie Martin" },
    Country { name: "Canada", weight: 6.0, language: "en", utc_offset: -5, tld: "ca", legal: "Inc", owner: "Michael Chen" },
    Country { name: "Australia", weight: 5.0, language: "en", utc_offset: 10, tld: "com.au", legal: "Pty Ltd", owner: "Michael Chen" },
    Country { name: "Spain", weight: 4.0, language: "es", utc_offset: 1, tld: "es", legal: "SL", owner: "Sophie Martin" },
    Country { name: "Brazil", weight: 4.0, language: "pt", utc_offset: -3, tld: "com.br", legal: "Ltda", owner: "Lucas Silva" },
    Country { name: "India", weight: 6.0, language: "en", utc_offset: 5, tld: "in", legal: "Pvt Ltd", owner: "Priya Nair" },
    Country { name: "Japan", weight: 3.0, language: "ja", utc_offset: 9, tld: "jp", legal: "KK", owner: "Kenji Sato" },
];

struct Industry {
    name: &'static str,
    weight: f64,
    /// Trial-to-paid conversion rate of an average-engagement user.
    conversion: f64,
    words: [&'static str; 3],
}

#[rustfmt::skip]
const INDUSTRIES: &[Industry] = &[
    Industry { name: "Software", weight: 22.0, conversion: 0.28, words: ["Software", "Labs", "Systems"] },
    Industry { name: "Finance", weight: 12.0, conversion: 0.27, words: ["Capital", "Financial", "Partners"] },
    Industry { name: "Retail", weight: 12.0, conversion: 0.14, words: ["Stores", "Retail", "Market"] },
    Industry { name: "Healthcare", weight: 10.0, conversion: 0.20, words: ["Health", "Care", "Medical"] },
    Industry { name: "Manufacturing", weight: 10.0, conversion: 0.18, words: ["Industries", "Manufacturing", "Works"] },
    Industry { name: "Education", weight: 8.0, conversion: 0.17, words: ["Learning", "Academy", "Education"] },
    Industry { name: "Media", weight: 7.0, conversion: 0.22, words: ["Media", "Studios", "Publishing"] },
    Industry { name: "Logistics", weight: 7.0, conversion: 0.19, words: ["Logistics", "Freight", "Transport"] },
    Industry { name: "Consulting", weight: 7.0, conversion: 0.24, words: ["Consulting", "Advisors", "Group"] },
    Industry { name: "Public sector", weight: 5.0, conversion: 0.13, words: ["Agency", "Services", "Authority"] },
];

const NAME_HEADS: &[&str] = &[
    "North", "Blue", "Silver", "Bright", "Iron", "Green", "Red", "Clear", "Swift", "Nova", "Atlas",
    "Cedar", "Pine", "Harbor", "Summit", "Delta", "Apex", "Lumen", "Vertex", "Quantum", "Oak",
    "Stone", "Sun", "Star", "River", "Cloud", "Maple", "Falcon", "Granite", "Copper", "Orbit",
    "Polar", "Coral", "Echo", "Zenith", "Amber", "Birch", "Crest", "Frost", "Golden",
];
const NAME_TAILS: &[&str] = &[
    "wind", "peak", "stone", "field", "path", "bridge", "works", "line", "gate", "point", "wave",
    "forge", "leaf", "mark", "scale", "light", "ridge", "brook", "vale", "haven", "wood", "port",
    "crest", "shore", "view", "spring", "fort", "side", "land", "way",
];
const CITIES: &[&str] = &[
    "Boston",
    "Austin",
    "Denver",
    "Seattle",
    "Chicago",
    "Atlanta",
    "Toronto",
    "Vancouver",
    "London",
    "Leeds",
    "Berlin",
    "Munich",
    "Hamburg",
    "Stockholm",
    "Malmo",
    "Gothenburg",
    "Paris",
    "Lyon",
    "Amsterdam",
    "Utrecht",
    "Madrid",
    "Sydney",
    "Melbourne",
    "Sao Paulo",
    "Bangalore",
    "Pune",
    "Tokyo",
    "Osaka",
    "Dublin",
    "Oslo",
];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Erik", "Maria", "Johan", "Sara", "Lars", "Emma", "Oskar", "Laura", "Lukas", "Sophie",
    "Thomas", "Julia", "David", "Sarah", "Michael", "Jennifer", "Daniel", "Jessica", "Chris",
    "Emily", "Ryan", "Hannah", "Kevin", "Priya", "Arjun", "Yuki", "Haruto", "Camille", "Louis",
    "Lucia", "Pablo", "Ana", "Pedro", "Fatima", "Omar", "Noah", "Olivia", "Liam", "Mia",
];
const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martin",
    "Bernard",
    "Dubois",
    "de Vries",
    "Jansen",
    "Rossi",
    "Lopez",
    "Gonzalez",
    "Silva",
    "Santos",
    "Patel",
    "Sharma",
    "Kumar",
    "Tanaka",
    "Suzuki",
    "Kim",
    "Nguyen",
    "O'Brien",
    "Murphy",
    "Taylor",
    "Wilson",
    "Clark",
    "Lewis",
    "Walker",
];
const ROLES: &[&str] = &[
    "Product Manager",
    "Engineer",
    "Marketing Manager",
    "Sales Rep",
    "Customer Success",
    "Executive",
    "Data Analyst",
    "Operations",
];
const ROLE_WEIGHTS: &[f64] = &[22.0, 14.0, 14.0, 10.0, 12.0, 6.0, 14.0, 8.0];
const CRM_VENDORS: &[&str] = &[
    "Salesforce",
    "HubSpot",
    "Pipedrive",
    "Microsoft Dynamics",
    "Zoho",
    "Other",
    "",
];
const CRM_WEIGHTS: &[f64] = &[34.0, 28.0, 10.0, 9.0, 6.0, 7.0, 6.0];

/// A company, drawn from its own stream so that its users agree on it without storing it.
struct Company {
    name: String,
    domain: String,
    country: &'static Country,
    industry: &'static Industry,
    employees: u32,
    revenue_band: &'static str,
    crm_vendor: &'static str,
}

impl Company {
    fn new(seed: u64, index: usize) -> Self {
        let mut rng = Rng::keyed(seed, STREAM_COMPANY, index as u64, 0);
        let country =
            &COUNTRIES[rng.weighted(&COUNTRIES.iter().map(|c| c.weight).collect::<Vec<_>>())];
        let industry =
            &INDUSTRIES[rng.weighted(&INDUSTRIES.iter().map(|i| i.weight).collect::<Vec<_>>())];
        // Distinct names for up to 1.08M companies: head × tail × industry word × city, each digit permuted
        // so that a small sample does not start with the same head.
        let head = NAME_HEADS[(index % NAME_HEADS.len() * 17 + 3) % NAME_HEADS.len()];
        let rest = index / NAME_HEADS.len();
        let tail = NAME_TAILS[(rest % NAME_TAILS.len() * 7 + 11) % NAME_TAILS.len()];
        let rest = rest / NAME_TAILS.len();
        let word = industry.words[rest % 3];
        let city = (rest / 3 % (CITIES.len() + 1))
            .checked_sub(1)
            .map(|i| CITIES[i]);
        let base = format!("{head}{tail}");
        let name = match city {
            Some(city) => format!("{base} {word} {city} {}", country.legal),
            None => format!("{base} {word} {}", country.legal),
        };
        let domain = match city {
            Some(city) => format!(
                "{}-{}.{}",
                base.to_lowercase(),
                city.to_lowercase().replace(' ', ""),
                country.tld
            ),
            None => format!(
                "{}{}.{}",
                base.to_lowercase(),
                word.to_lowercase(),
                country.tld
            ),
        };
        let employees = (80.0 * (1.6 * rng.normal()).exp())
            .clamp(2.0, 250_000.0)
            .round() as u32;
        let revenue = f64::from(employees) * 150_000.0 * (0.6 * rng.normal()).exp();
        let revenue_band = match revenue {
            r if r < 1e6 => "<1M",
            r if r < 1e7 => "1M-10M",
            r if r < 5e7 => "10M-50M",
            r if r < 2.5e8 => "50M-250M",
            r if r < 1e9 => "250M-1B",
            _ => ">1B",
        };
        let crm_vendor = CRM_VENDORS[rng.weighted(CRM_WEIGHTS)];
        Self {
            name,
            domain,
            country,
            industry,
            employees,
            revenue_band,
            crm_vendor,
        }
    }
}

/// What the activity pass needs to know about a user.
struct Profile {
    signup: i32,
    trial_end: i32,
    /// The day the user paid, when that happened on or before the as-of date.
    converted_on: Option<i32>,
    /// Whether the trial converts (or will: trials still running keep behaving like it).
    converts: bool,
    engagement: f32,
    friction: f32,
    arr: u32,
    utc_offset: i8,
    language: &'static str,
}

fn as_of_day() -> i32 {
    days_from_civil(AS_OF.0, AS_OF.1, AS_OF.2)
}

/// Signup days for all users, sorted so that user ids follow signup order, with signups growing over time.
fn signup_days(options: &Options) -> Vec<i32> {
    let mut rng = Rng::keyed(options.seed, STREAM_SIGNUPS, 0, 0);
    let first = as_of_day() - HISTORY_DAYS + 1;
    // Density ∝ exp(t / 365) over t in [0, 730): inverse-CDF sampling.
    let span = f64::from(HISTORY_DAYS) / 365.0;
    let mut days: Vec<i32> = (0..options.users)
        .map(|_| {
            let u = rng.f64();
            let t = 365.0 * (1.0 + u * (span.exp() - 1.0)).ln();
            first + (t.floor() as i32).min(HISTORY_DAYS - 1)
        })
        .collect();
    days.sort_unstable();
    days
}

fn create(options: &Options, name: &str) -> Result<BufWriter<File>, String> {
    let path = options.out.join(name);
    File::create(&path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("cannot write {}: {e}", path.display())
}

fn write_users(options: &Options) -> Result<Vec<Profile>, String> {
    let path = options.out.join("users.csv");
    let mut out = create(options, "users.csv")?;
    let err = io_error(&path);
    writeln!(
        out,
        "user_id,email,signup_date,country,language,role,company,industry,employees,annual_revenue_band,crm_vendor,\
         plan,trial_start,trial_end,converted,arr,renewal_date,account_owner"
    )
    .map_err(&err)?;
    let signups = signup_days(options);
    // About 1.6 users per company that has any: enough to share a company, few enough that comparisons of
    // company attributes are not dominated by a handful of big accounts.
    let companies = options.users.max(1);
    let id_width = options.users.to_string().len().max(6);
    let as_of = as_of_day();
    let mut profiles = Vec::with_capacity(options.users);
    for (i, &signup) in signups.iter().enumerate() {
        let mut rng = Rng::keyed(options.seed, STREAM_USER, i as u64, 0);
        let company = Company::new(options.seed, rng.below(companies));
        let engagement = rng.normal();
        let friction = rng.normal();
        let converts = rng.chance(
            (company.industry.conversion
                * (0.7 * engagement - 0.245).exp()
                * (0.25 * -friction).exp())
            .min(0.95),
        );
        let trial_end = signup + TRIAL_DAYS;
        let paid_on = signup + rng.range(2, i64::from(TRIAL_DAYS)) as i32;
        let converted_on = (converts && paid_on <= as_of).then_some(paid_on);
        let converted = match converted_on {
            Some(_) => "yes",
            None if trial_end <= as_of => "no",
            None => "",
        };
        let size = f64::from(company.employees);
        // Bigger companies buy bigger plans.
        let plan = if converted_on.is_some() {
            let weights: [f64; 3] = if size < 50.0 {
                [60.0, 35.0, 5.0]
            } else if size < 500.0 {
                [25.0, 55.0, 20.0]
            } else {
                [10.0, 40.0, 50.0]
            };
            ["basic", "pro", "enterprise"][rng.weighted(&weights)]
        } else {
            "trial"
        };
        let arr = match plan {
            "basic" => 1_800.0 * (0.4 * rng.normal()).exp(),
            "pro" => 9_000.0 * (0.45 * rng.normal()).exp(),
            "enterprise" => {
                60_000.0 * (0.5 * rng.normal()).exp() * (size / 1000.0).max(1.0).powf(0.15)
            }
            _ => 0.0,
        };
        let arr = (arr / 10.0).round() as u32 * 10;
        let renewal = converted_on.map(|day| {
            let years = (as_of - day) / 365 + 1;
            day + 365 * years
        });

        let first = rng.pick(FIRST_NAMES);
        let last = rng.pick(LAST_NAMES);
        let local = format!("{}.{}", ascii_fold(first), ascii_fold(last)).to_lowercase();
        let email = if rng.chance(0.04) {
            // Mixed case, as CRMs keep whatever the user typed.
            format!(
                "{}.{}@{}",
                ascii_fold(first),
                ascii_fold(last).replace(' ', ""),
                company.domain.to_uppercase()
            )
        } else {
            format!("{}@{}", local.replace(' ', ""), company.domain)
        };
        let language = if company.country.language != "en" && rng.chance(0.12) {
            "en"
        } else {
            company.country.language
        };
        let role = ROLES[rng.weighted(ROLE_WEIGHTS)];

        write!(out, "U{:0id_width$},", i + 1).map_err(&err)?;
        write_field(&mut out, &email).map_err(&err)?;
        out.write_all(b",").map_err(&err)?;
        write_date(&mut out, signup).map_err(&err)?;
        let missing =
            |rng: &mut Rng, p: f64, value: &'static str| if rng.chance(p) { "" } else { value };
        let country = missing(&mut rng, 0.01, company.country.name);
        let language_cell = missing(&mut rng, 0.015, language);
        let industry = missing(&mut rng, 0.01, company.industry.name);
        write!(out, ",{country},{language_cell},{role},").map_err(&err)?;
        write_field(&mut out, &company.name).map_err(&err)?;
        write!(out, ",{industry},").map_err(&err)?;
        if !rng.chance(0.02) {
            write!(out, "{}", company.employees).map_err(&err)?;
        }
        write!(
            out,
            ",{},{},{plan},",
            company.revenue_band, company.crm_vendor
        )
        .map_err(&err)?;
        write_date(&mut out, signup).map_err(&err)?;
        out.write_all(b",").map_err(&err)?;
        write_date(&mut out, trial_end).map_err(&err)?;
        write!(out, ",{converted},{arr},").map_err(&err)?;
        if let Some(day) = renewal {
            write_date(&mut out, day).map_err(&err)?;
        }
        let owner = missing(&mut rng, 0.03, company.country.owner);
        writeln!(out, ",{owner}").map_err(&err)?;

        profiles.push(Profile {
            signup,
            trial_end,
            converted_on,
            converts,
            engagement: engagement as f32,
            friction: friction as f32,
            arr,
            utc_offset: company.country.utc_offset,
            language: company.country.language,
        });
    }
    out.flush().map_err(&err)?;
    Ok(profiles)
}

/// Email addresses in exports are ASCII; names are not.
fn ascii_fold(name: &str) -> String {
    name.replace('ü', "u").replace('\'', "")
}

// ---------------------------------------------------------------------------------------------------------
// Activity: sessions of events, and survey answers.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Login,
    ViewDashboard,
    CreateReport,
    ExportReport,
    InviteTeammate,
    UseIntegration,
    Search,
    EditSettings,
    OpenSupportTicket,
    Upgrade,
    Purchase,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Login => "Login",
            Kind::ViewDashboard => "View dashboard",
            Kind::CreateReport => "Create report",
            Kind::ExportReport => "Export report",
            Kind::InviteTeammate => "Invite teammate",
            Kind::UseIntegration => "Use integration",
            Kind::Search => "Search",
            Kind::EditSettings => "Edit settings",
            Kind::OpenSupportTicket => "Open support ticket",
            Kind::Upgrade => "Upgrade",
            Kind::Purchase => "Purchase",
        }
    }
}

/// The features a session picks from, and their weights in each phase of a user's life.
const FEATURES: [Kind; 7] = [
    Kind::ViewDashboard,
    Kind::CreateReport,
    Kind::ExportReport,
    Kind::InviteTeammate,
    Kind::UseIntegration,
    Kind::Search,
    Kind::EditSettings,
];
const TRIAL_CONVERTS: [f64; 7] = [30.0, 20.0, 12.0, 6.0, 8.0, 10.0, 5.0];
const TRIAL_LEAVES: [f64; 7] = [40.0, 5.0, 3.0, 1.5, 3.0, 15.0, 8.0];
const PAYING: [f64; 7] = [35.0, 18.0, 12.0, 2.0, 8.0, 12.0, 4.0];

struct Event {
    time: i64,
    user: u32,
    kind: Kind,
    /// Seconds spent, 0 when the event has no duration.
    duration: u32,
    /// Amount in cents, 0 when the event has no amount.
    amount: u64,
}

struct Response {
    day: i32,
    user: u32,
    score: u8,
    comment: &'static str,
}

#[derive(Default)]
struct Counts {
    events: u64,
    responses: u64,
}

/// Hours of the (local) day at which sessions start: office hours, a little in the evening.
const HOUR_WEIGHTS: [f64; 24] = [
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4.0, 7.0, 8.0, 8.0, 6.0, 7.0, 8.0, 7.5, 6.0, 4.0, 2.0,
    1.5, 1.5, 1.2, 0.8, 0.4,
];

struct Activity {
    seed: u64,
    scale: f64,
    as_of_end: i64,
}

impl Activity {
    /// The expected sessions of the user on a day `age` days after signup (a chance while below 1).
    fn session_chance(&self, p: &Profile, age: i32, day: i32) -> f64 {
        let z = f64::from(p.engagement);
        let chance = if age < TRIAL_DAYS {
            0.15 * (0.5 * z).exp() * if p.converts { 1.4 } else { 1.0 }
        } else if p.converted_on.is_some_and(|paid| paid <= day) {
            0.03 * (0.6 * z).exp()
        } else {
            0.06 * (0.5 * z).exp() * (-f64::from(age - TRIAL_DAYS) / 10.0).exp()
        };
        chance * self.scale
    }

    /// The user's events on one day, from the stream of that user-day.
    fn day(
        &self,
        user: usize,
        p: &Profile,
        day: i32,
        events: &mut Vec<Event>,
        responses: &mut Vec<Response>,
    ) {
        let mut rng = Rng::keyed(self.seed, STREAM_DAY, user as u64, day as u64);
        let age = day - p.signup;
        let upgrade = p.converted_on == Some(day);
        if age >= SURVEY_FIRST
            && (age - SURVEY_FIRST) % SURVEY_EVERY == 0
            && rng.chance(SURVEY_RESPONSE_RATE)
        {
            responses.push(survey(&mut rng, user, p, day));
        }
        let expected = self.session_chance(p, age, day);
        if !(age == 0 || upgrade || rng.chance(expected.min(0.95))) {
            return;
        }
        // Once a user has a session nearly every day, more volume means longer sessions.
        let stretch = (expected / 0.95).max(1.0);
        let sessions = 1 + usize::from(rng.chance(0.08));
        for session in 0..sessions {
            let local_hour = rng.weighted(&HOUR_WEIGHTS) as i64;
            let mut t = i64::from(day) * 86_400
                + (local_hour - i64::from(p.utc_offset)) * 3600
                + rng.range(0, 3599);
            let mut push = |t: i64, kind: Kind, duration: u32, amount: u64| {
                if t <= self.as_of_end {
                    events.push(Event {
                        time: t,
                        user: user as u32,
                        kind,
                        duration,
                        amount,
                    });
                }
            };
            push(t, Kind::Login, 0, 0);
            let weights = if age < TRIAL_DAYS {
                if p.converts {
                    &TRIAL_CONVERTS
                } else {
                    &TRIAL_LEAVES
                }
            } else if p.converted_on.is_some() {
                &PAYING
            } else {
                &TRIAL_LEAVES
            };
            let mut features = 1 + geometric(&mut rng, 0.45 / stretch);
            // Users who go on to pay create their first report on day one far more often.
            if age == 0 && session == 0 && rng.chance(if p.converts { 0.6 } else { 0.1 }) {
                t += rng.range(20, 240);
                push(t, Kind::CreateReport, rng.range(60, 1200) as u32, 0);
                features = features.saturating_sub(1);
            }
            for _ in 0..features {
                t += rng.range(10, 600);
                let kind = FEATURES[rng.weighted(weights)];
                let duration = match kind {
                    Kind::ViewDashboard => (30.0 * (0.9 * rng.normal()).exp()).round() as u32 + 1,
                    Kind::CreateReport => (300.0 * (0.7 * rng.normal()).exp()).round() as u32 + 10,
                    Kind::Search => rng.range(2, 60) as u32,
                    _ => 0,
                };
                push(t, kind, duration, 0);
            }
            if rng.chance((0.02 * (1.4 * f64::from(p.friction)).exp()).min(0.9)) {
                t += rng.range(30, 900);
                push(t, Kind::OpenSupportTicket, 0, 0);
            }
            if upgrade && session == 0 {
                t += rng.range(30, 900);
                push(t, Kind::Upgrade, 0, u64::from(p.arr) * 100);
            } else if p.converted_on.is_some_and(|paid| paid < day) && rng.chance(0.01) {
                t += rng.range(30, 900);
                let price = [4_900, 9_900, 19_900, 49_900][rng.below(4)];
                push(t, Kind::Purchase, 0, price);
            }
        }
    }
}

/// Number of failures before the first success, success chance `p`.
fn geometric(rng: &mut Rng, p: f64) -> usize {
    let mut n = 0;
    while n < 200 && !rng.chance(p) {
        n += 1;
    }
    n
}

const PROMOTER_COMMENTS: &[&str] = &[
    "Love the reporting!",
    "Exports save me hours every week",
    "Great product, easy to set up",
    "The Salesforce integration just works",
    "Support was quick and friendly",
    "Best analytics tool we've tried, and we've tried a few",
    "\"Game changer\" for our weekly business review",
    "Simple, fast, reliable.",
    "Great tool.\nWould recommend to any product team.",
];
const PASSIVE_COMMENTS: &[&str] = &[
    "Good, but dashboards could load faster",
    "Does the job",
    "Pricing is a bit steep for a small team",
    "Would like more chart types",
    "OK overall; export to Excel is clunky",
    "Decent, though the learning curve is real",
];
const DETRACTOR_COMMENTS: &[&str] = &[
    "Too slow, dashboards time out",
    "Support took 5 days to answer my ticket",
    "Missing the integration we need",
    "Confusing UI, hard to find \"Export\"",
    "Too expensive for what it does",
    "Reports keep breaking after updates, very frustrating",
    "Not what we were \"promised\" in the demo",
];
const LOCAL_COMMENTS: &[(&str, [&str; 3])] = &[
    (
        "sv",
        [
            "Bra verktyg, sparar mycket tid",
            "Helt okej, men lite dyrt",
            "För långsamt, och supporten svarar inte",
        ],
    ),
    (
        "de",
        [
            "Sehr gut, spart uns viel Zeit",
            "Gut, aber etwas teuer",
            "Zu langsam, \"Export\" funktioniert nicht",
        ],
    ),
];

fn survey(rng: &mut Rng, user: usize, p: &Profile, day: i32) -> Response {
    let raw =
        7.1 + 1.0 * f64::from(p.engagement) + if p.converted_on.is_some() { 0.8 } else { 0.0 }
            - 1.6 * f64::from(p.friction)
            + 1.5 * rng.normal();
    let score = raw.round().clamp(0.0, 10.0) as u8;
    let group = match score {
        9..=10 => 0,
        7..=8 => 1,
        _ => 2,
    };
    let comment = if rng.chance(0.45) {
        ""
    } else if let Some((_, local)) = LOCAL_COMMENTS
        .iter()
        .find(|(lang, _)| *lang == p.language)
        .filter(|_| rng.chance(0.5))
    {
        local[group]
    } else {
        let pool = [PROMOTER_COMMENTS, PASSIVE_COMMENTS, DETRACTOR_COMMENTS][group];
        // The multi-line comment is rare, as in real survey exports.
        let pick = rng.below(pool.len());
        if pool[pick].contains('\n') && !rng.chance(0.2) {
            pool[0]
        } else {
            pool[pick]
        }
    };
    Response {
        day,
        user: user as u32,
        score,
        comment,
    }
}

fn last_active_day(p: &Profile) -> i32 {
    let as_of = as_of_day();
    if p.converted_on.is_some() {
        as_of
    } else {
        (p.trial_end + LINGER_DAYS).min(as_of)
    }
}

/// Finds the activity scale that gives the requested events per user, by simulating an evenly spaced sample
/// of users: fixed events (the signup session, the upgrade) keep the volume from being proportional to it.
fn calibrate(options: &Options, profiles: &[Profile]) -> Activity {
    let mut activity = Activity {
        seed: options.seed,
        scale: options.events_per_user / DEFAULT_EVENTS_PER_USER,
        as_of_end: i64::from(as_of_day()) * 86_400 + 86_399,
    };
    let step = profiles.len().div_ceil(PILOT_USERS);
    let pilot = profiles.len().div_ceil(step);
    let mut events = Vec::new();
    let mut responses = Vec::new();
    for _ in 0..8 {
        let mut total = 0;
        for (user, p) in profiles.iter().enumerate().step_by(step) {
            for day in p.signup..=last_active_day(p) {
                activity.day(user, p, day, &mut events, &mut responses);
            }
            total += events.len();
            events.clear();
            responses.clear();
        }
        let per_user = total as f64 / pilot as f64;
        let ratio = options.events_per_user / per_user.max(0.01);
        if (ratio - 1.0).abs() < 0.005 {
            break;
        }
        activity.scale *= ratio;
    }
    activity
}

fn write_activity(options: &Options, profiles: &[Profile]) -> Result<Counts, String> {
    let events_path = options.out.join("events.csv");
    let nps_path = options.out.join("nps.csv");
    let mut events_out = create(options, "events.csv")?;
    let mut nps_out = create(options, "nps.csv")?;
    let events_err = io_error(&events_path);
    let nps_err = io_error(&nps_path);
    writeln!(events_out, "user_id,event,timestamp,duration_s,amount").map_err(&events_err)?;
    writeln!(nps_out, "user_id,date,score,comment").map_err(&nps_err)?;

    let as_of = as_of_day();
    let activity = calibrate(options, profiles);
    let id_width = options.users.to_string().len().max(6);
    let first = as_of - HISTORY_DAYS + 1;
    let chunks = (HISTORY_DAYS + CHUNK_DAYS - 1) / CHUNK_DAYS;
    let mut counts = Counts::default();
    let mut events = Vec::new();
    let mut responses = Vec::new();
    let started = Instant::now();
    for chunk in 0..chunks {
        let start = first + chunk * CHUNK_DAYS;
        let end = (start + CHUNK_DAYS).min(as_of + 1);
        // Users are in signup order: only a prefix has signed up before the chunk ends.
        let signed_up = profiles.partition_point(|p| p.signup < end);
        for (user, p) in profiles[..signed_up].iter().enumerate() {
            for day in p.signup.max(start)..=last_active_day(p).min(end - 1) {
                activity.day(user, p, day, &mut events, &mut responses);
            }
        }
        events.sort_unstable_by_key(|e| (e.time, e.user));
        for e in &events {
            write_event(&mut events_out, e, id_width).map_err(&events_err)?;
        }
        responses.sort_unstable_by_key(|r| (r.day, r.user));
        for r in &responses {
            write!(nps_out, "U{:0id_width$},", r.user + 1).map_err(&nps_err)?;
            write_date(&mut nps_out, r.day).map_err(&nps_err)?;
            write!(nps_out, ",{},", r.score).map_err(&nps_err)?;
            write_field(&mut nps_out, r.comment).map_err(&nps_err)?;
            nps_out.write_all(b"\n").map_err(&nps_err)?;
        }
        counts.events += events.len() as u64;
        counts.responses += responses.len() as u64;
        events.clear();
        responses.clear();
        if options.users >= 100_000 {
            eprintln!(
                "  days {}/{}: {} events so far ({:.1} s)",
                end - first,
                HISTORY_DAYS,
                counts.events,
                started.elapsed().as_secs_f64()
            );
        }
    }
    events_out.flush().map_err(&events_err)?;
    nps_out.flush().map_err(&nps_err)?;
    Ok(counts)
}

fn write_event(out: &mut impl Write, e: &Event, id_width: usize) -> std::io::Result<()> {
    write!(out, "U{:0id_width$},{},", e.user + 1, e.kind.name())?;
    write_timestamp(out, e.time)?;
    out.write_all(b",")?;
    if e.duration > 0 {
        write!(out, "{}", e.duration)?;
    }
    out.write_all(b",")?;
    if e.amount > 0 {
        write!(out, "{}.{:02}", e.amount / 100, e.amount % 100)?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped sample is exactly what the generator makes with the default options.
    #[test]
    fn shipped_sample_is_up_to_date() {
        let out = std::env::temp_dir().join(format!("seglab-gen-data-{}", std::process::id()));
        let args = ["--out".to_owned(), out.display().to_string()];
        run(&args).unwrap_or_else(|e| panic!("gen-data failed: {e}"));
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/sample");
        for name in ["users.csv", "events.csv", "nps.csv"] {
            let fresh = std::fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let shipped =
                std::fs::read(sample.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                fresh == shipped,
                "web/sample/{name} is stale: run `cargo xtask gen-data`"
            );
        }
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let cases = [
            ("plain", "plain"),
            ("a, b", "\"a, b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("", ""),
        ];
        for (text, expected) in cases {
            let mut out = Vec::new();
            write_field(&mut out, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(String::from_utf8_lossy(&out), expected, "{text:?}");
        }
    }

    #[test]
    fn calendar_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2025, 6, 30), 20_269);
        for day in -800_000..800_000 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }
}
