//! `seglab score`, `seglab rfm` and `seglab discover` run as a user runs them, on the shipped sample and
//! on bad input; the planted relationships of `web/sample/README.md` are the oracle for discovery.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seglab(command: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seglab"))
        .arg(command)
        .args([
            "web/sample/users.csv",
            "web/sample/events.csv",
            "web/sample/nps.csv",
        ])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run seglab: {e}"))
}

fn json_of(command: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let output = seglab(command, &all);
    assert!(
        output.status.success(),
        "seglab {command} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

/// Runs a command that must fail on its input: exit code 2, one line naming the problem, no panic.
fn check_error(command: &str, args: &[&str], expected: &str) {
    let output = seglab(command, args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{command} {args:?}: {stderr}"
    );
    assert!(stderr.contains(expected), "{command} {args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.stdout.is_empty());
}

const HEALTH: [&str; 10] = [
    "--measure",
    "count(Login,30d):+:2",
    "--measure",
    "active_days:+:1",
    "--measure",
    "latest(nps.score):+:1",
    "--measure",
    "days_since_last_seen:-:1",
    "--outcome",
    "converted",
];

#[test]
fn score_prints_bands_and_a_back_test() {
    let report = json_of("score", &HEALTH);
    assert_eq!(
        report["score"],
        "count(Login,30d):+:2;active_days:+:1;latest(nps.score):+:1;days_since_last_seen:-:1"
    );
    let bands = report["bands"].as_array().expect("bands");
    assert_eq!(bands.len(), 4);
    let users: u64 = bands
        .iter()
        .map(|b| b["users"].as_u64().expect("count"))
        .sum();
    assert_eq!(users, 3000);
    assert_eq!(bands[0]["definition"], "health_score < 25");
    let auc = report["backtest"]["auc"].as_f64().expect("AUC");
    assert!(auc > 0.8, "active users convert: {auc}");
    assert_eq!(
        report["backtest"]["deciles"].as_array().map(Vec::len),
        Some(10)
    );

    let human = seglab("score", &HEALTH);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("ROC AUC"), "{text}");
    assert!(text.contains("health_score >= 75"), "{text}");
}

#[test]
fn rfm_prints_the_groups() {
    let report = json_of("rfm", &["--value", "amount"]);
    assert_eq!(report["scored"], 3000);
    let groups = report["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 11);
    let users: u64 = groups
        .iter()
        .map(|g| g["users"].as_u64().expect("count"))
        .sum();
    assert_eq!(users, 3000, "the groups cover the scored users once");
    assert_eq!(groups[0]["name"], "Champions");
    assert_eq!(
        groups[0]["definition"],
        "rfm_r = 5 and rfm_f between 4 and 5"
    );
    let upgrades = json_of("rfm", &["--value", "amount", "--event", "Upgrade"]);
    assert!(upgrades["scored"].as_u64().expect("count") > 600);
}

#[test]
fn discover_recovers_the_planted_relationships() {
    let crm = json_of(
        "discover",
        &[
            "--target",
            "converted",
            "--feature",
            "industry",
            "--feature",
            "role",
            "--feature",
            "employees",
            "--feature",
            "country",
        ],
    );
    let rules = crm["discovery"]["rules"].as_array().expect("rules");
    let software = rules
        .iter()
        .find(|r| r["definition"] == "industry = \"Software\"")
        .expect("Software converts better");
    assert!(software["lift"].as_f64().expect("lift") > 1.2);

    let usage = json_of(
        "discover",
        &[
            "--target",
            "converted",
            "--exclude",
            "plan",
            "--exclude",
            "arr",
            "--exclude",
            "renewal_date",
            "--exclude",
            "count(Upgrade)",
            "--exclude",
            "count(Upgrade, 30d)",
            "--exclude",
            "count(Purchase)",
            "--exclude",
            "count(Purchase, 30d)",
            "--exclude",
            "sum(amount)",
            "--exclude",
            "avg(amount)",
        ],
    );
    let top = &usage["discovery"]["rules"][0];
    let definition = top["definition"].as_str().expect("text");
    assert!(
        ["Create report", "Export report", "Invite teammate"]
            .iter()
            .any(|f| definition.contains(f)),
        "{definition}"
    );
    assert!(top["lift"].as_f64().expect("lift") > 3.0);

    let leaky = json_of("discover", &["--target", "converted", "--depth", "1"]);
    assert!(
        leaky["discovery"]["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("plan")),
        "{leaky}"
    );
}

#[test]
fn discover_clusters() {
    let report = json_of(
        "discover",
        &[
            "--cluster",
            "employees",
            "--cluster",
            "industry",
            "--cluster",
            "active_days",
        ],
    );
    assert!(report["discovery"].is_null());
    let clusters = report["clustering"]["clusters"]
        .as_array()
        .expect("clusters");
    assert!((2..=8).contains(&clusters.len()));
    let users: u64 = clusters
        .iter()
        .map(|c| c["users"].as_u64().expect("count"))
        .sum();
    assert_eq!(users, 3000);
    assert_eq!(
        report,
        json_of(
            "discover",
            &[
                "--cluster",
                "employees",
                "--cluster",
                "industry",
                "--cluster",
                "active_days"
            ],
        ),
        "the same files give the same clusters"
    );
}

#[test]
fn bad_requests_are_explained() {
    check_error(
        "score",
        &["--measure", "arr:+:1", "--measure", "employees:+:1"],
        "seglab: a health score takes 3 to 6 measures; 2 given",
    );
    check_error(
        "score",
        &[
            "--measure",
            "arr:+:1",
            "--measure",
            "employees:+:1",
            "--measure",
            "count(Logn):+:1",
        ],
        "seglab: there is no event `Logn` in the event log",
    );
    check_error(
        "score",
        &[
            "--measure",
            "arr:+:1",
            "--measure",
            "employees:*:1",
            "--measure",
            "active_days:+:1",
        ],
        "part 2 `employees:*:1`: the direction is + (higher is better) or - (lower is better)",
    );
    check_error(
        "score",
        &[
            "--measure",
            "arr:+:1",
            "--measure",
            "employees:+:1",
            "--measure",
            "industry:+:1",
        ],
        "seglab: `industry` is category; a number, date or yes/no column is needed",
    );
    check_error(
        "score",
        &[
            "--measure",
            "arr:+:1",
            "--measure",
            "employees:+:1",
            "--measure",
            "active_days:+:1",
            "--bands",
            "50,25,75",
        ],
        "the band thresholds must rise",
    );
    check_error(
        "rfm",
        &["--value", "amont"],
        "seglab: the event log has no numeric property `amont`; its properties are: `duration_s`, `amount`",
    );
    check_error(
        "rfm",
        &["--value", "amount", "--event", "Buy"],
        "seglab: there is no event `Buy` in the event log",
    );
    check_error(
        "discover",
        &["--target", "industry"],
        "seglab: `industry` is category; the target must be a yes/no or numeric column",
    );
    check_error(
        "discover",
        &["--target", "convertd"],
        "seglab: there is no column or measure `convertd`",
    );
    check_error(
        "discover",
        &["--target", "converted", "--depth", "0"],
        "--depth 0: choose 1 to 6",
    );
    check_error("discover", &[], "--target <COLUMN>");
}

#[test]
fn rfm_table_for_people() {
    let output = seglab("rfm", &["--value", "amount"]);
    assert!(output.status.success());
    expect_test::expect![[r"
        3,000 users scored as of 2025-06-30 23:59:29 (0 without matching events are left out); R, F and M are quintiles 1-5, recent = 5
          group                R    F    users  definition (over rfm_r, rfm_f)
          Champions            5    4-5  378    rfm_r = 5 and rfm_f between 4 and 5
          Loyal                3-4  4-5  518    rfm_r between 3 and 4 and rfm_f between 4 and 5
          Potential loyalists  4-5  2-3  342    rfm_r between 4 and 5 and rfm_f between 2 and 3
          New customers        5    1    81     rfm_r = 5 and rfm_f = 1
          Promising            4    1    82     rfm_r = 4 and rfm_f = 1
          Need attention       3    3    143    rfm_r = 3 and rfm_f = 3
          About to sleep       3    1-2  256    rfm_r = 3 and rfm_f between 1 and 2
          At risk              1-2  3-4  518    rfm_r between 1 and 2 and rfm_f between 3 and 4
          Can't lose them      1-2  5    54     rfm_r between 1 and 2 and rfm_f = 5
          Hibernating          2    1-2  316    rfm_r = 2 and rfm_f between 1 and 2
          Lost                 1    1-2  312    rfm_r = 1 and rfm_f between 1 and 2
    "]].assert_eq(&String::from_utf8_lossy(&output.stdout));
}
