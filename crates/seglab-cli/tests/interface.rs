//! The command-line interface the product promises: `segment --data FILE... 'DEFINITION'` with `--count`,
//! `--ids`, `--sql [DIALECT]` and `--members-csv`; `compare --segment NAME=DEFINITION...` with
//! `--baseline`, `--json` and `--html`.
//!
//! Oracles: Python's `csv` module for counts and member rows, statsmodels for the Benjamini–Hochberg
//! adjustment, Python's `html.parser` for the report's structure, and the comparison's own JSON for what
//! the report must rank.

mod common;

use common::{array, json_of, python, seglab, stdout_of, text};
use serde_json::Value;
use std::fmt::Write;
use std::path::{Path, PathBuf};

const USERS: &str = "web/sample/users.csv";
const EVENTS: &str = "web/sample/events.csv";
const NPS: &str = "web/sample/nps.csv";

/// Runs seglab expecting exit code 2 and returns its standard error.
fn failure_of(args: &[&str]) -> String {
    let output = seglab(args);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}: printed output");
    stderr
}

/// A scratch file path for this test binary.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seglab-cli-interface");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir.join(name)
}

fn write(path: &Path, contents: &str) {
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Counts users of the sample by a Python predicate over a `csv.DictReader` row `r`.
fn python_count(predicate: &str) -> Value {
    python(
        &format!(
            "import csv, json, sys\n\
             rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))\n\
             print(json.dumps(sum(1 for r in rows if {predicate})))"
        ),
        &[USERS],
    )
}

/// Every way of giving the files and the definition counts the same users.
#[test]
fn segment_accepts_the_definition_after_the_files() {
    let definition = r#"plan = "enterprise""#;
    let expected = python_count("r['plan'] == 'enterprise'");
    let runs: [&[&str]; 7] = [
        &["segment", "--data", USERS, EVENTS, definition, "--count"],
        &[
            "segment", "--count", "--data", USERS, EVENTS, NPS, definition,
        ],
        &["segment", "--count", definition, "--data", USERS],
        &["segment", "--count", USERS, EVENTS, definition],
        &[
            "segment", "--count", "-s", definition, "--data", USERS, EVENTS,
        ],
        &["segment", "--count", "--segment", definition, USERS],
        &[
            "segment", "--count", "--data", USERS, "--data", EVENTS, definition,
        ],
    ];
    for args in runs {
        assert_eq!(
            stdout_of(args),
            format!("{expected}\n"),
            "{args:?} prints the count alone"
        );
    }
    // The default output is unchanged.
    assert_eq!(
        stdout_of(&["segment", "--data", USERS, definition]),
        format!("plan = \"enterprise\": {expected} of 3,000 users (3.7%)\n")
    );
    // --ids lists as many ids as --count counts.
    let ids = stdout_of(&["segment", "--ids", "--data", USERS, definition]);
    assert_eq!(Value::from(ids.lines().count()), expected);
}

/// `--sql` takes an optional dialect (`DuckDB` by default), and `--dialect` says the same.
#[test]
fn segment_sql_dialects() {
    let definition = r#"plan = "enterprise" and did "Login" in last 30 days"#;
    let sql =
        |args: &[&str]| stdout_of(&[&["segment"][..], args, &["--data", USERS, EVENTS]].concat());
    let duckdb = sql(&["--sql", "-s", definition]);
    assert_eq!(sql(&["--sql", "duckdb", "-s", definition]), duckdb);
    assert_eq!(sql(&["--dialect", "duckdb", "-s", definition]), duckdb);
    // A definition right after a bare --sql is the definition, not a dialect.
    assert_eq!(sql(&["--sql", definition]), duckdb);
    let postgres = sql(&["--sql", "postgres", "-s", definition]);
    assert_eq!(
        sql(&["--sql", "-s", definition, "--dialect", "postgres"]),
        postgres
    );
    let spark = sql(&["--sql", "spark", "-s", definition]);
    let bigquery = sql(&["--sql", "bigquery", "-s", definition]);
    assert!(
        spark.contains('`') && bigquery.contains('`'),
        "{spark}\n{bigquery}"
    );
    assert!(
        postgres.contains('"') && !postgres.contains('`'),
        "{postgres}"
    );
    assert!(duckdb.trim_end().ends_with(';'), "{duckdb}");

    let stderr = failure_of(&[
        "segment",
        "--sql",
        "oracle",
        "--dialect",
        "postgres",
        "-s",
        definition,
        USERS,
    ]);
    assert!(
        stderr.contains("duckdb, postgres, bigquery or spark"),
        "{stderr}"
    );
    let stderr = failure_of(&[
        "segment",
        "--sql",
        "spark",
        "--dialect",
        "postgres",
        "-s",
        definition,
        USERS,
    ]);
    assert!(stderr.contains("different dialects"), "{stderr}");
}

/// Mistakes in the definition and in the arguments exit with 2 and say what to do.
#[test]
fn segment_errors() {
    let stderr = failure_of(&["segment", "--data", USERS, r#"plann = "pro""#]);
    expect_test::expect![[r#"
        seglab: segment: there is no column `plann`; did you mean `plan`?
            plann = "pro"
            ^^^^^
    "#]]
    .assert_eq(&stderr);
    // Suggestions the message does not offer itself are added.
    let stderr = failure_of(&["segment", "--data", USERS, r#"plan ! "pro""#]);
    expect_test::expect![[r#"
        seglab: segment: `!` on its own means nothing here; did you mean `!=` or `not`?
            plan ! "pro"
                 ^
    "#]]
    .assert_eq(&stderr);
    let stderr = failure_of(&["segment", "--data", USERS, EVENTS]);
    assert!(stderr.contains("no segment definition"), "{stderr}");
    let stderr = failure_of(&["segment", r#"plan = "pro""#]);
    assert!(stderr.contains("no files given"), "{stderr}");
    // A file that does not exist is reported as such, not parsed as a definition.
    let stderr = failure_of(&["segment", "--data", USERS, "missing.csv", r#"plan = "pro""#]);
    assert!(stderr.contains("missing.csv: cannot read"), "{stderr}");
    failure_of(&[
        "segment",
        "--count",
        "--ids",
        "--data",
        USERS,
        r#"plan = "pro""#,
    ]);
    let stderr = failure_of(&[
        "segment",
        "--members-csv",
        "-",
        "--ids",
        "--data",
        USERS,
        r#"plan = "pro""#,
    ]);
    assert!(stderr.contains("standard output"), "{stderr}");
}

/// The members' rows as CSV: the same rows Python selects, every cell as in the file, and text that a
/// spreadsheet would run as a formula prefixed with `'`.
#[test]
fn members_csv_is_safe_for_spreadsheets() {
    let input = scratch("formulas.csv");
    write(
        &input,
        "user_id,name,score,note\n\
         u1,=HYPERLINK(\"http://example.com\";\"click\"),5,plain\n\
         u2,+1+1,-3,\"comma, and \"\"quote\"\"\"\n\
         u3,-2+3+cmd|' /C calc'!A0,0,@SUM(A1:A2)\n\
         u4,@me,-7.5,=1+2\n\
         u5,Ann,12,-x\n\
         u6,Bob,,ok\n",
    );
    let output = scratch("members.csv");
    let input_s = input.display().to_string();
    let output_s = output.display().to_string();
    let summary = stdout_of(&[
        "segment",
        "--data",
        &input_s,
        "--members-csv",
        &output_s,
        "score is not empty",
    ]);
    assert!(summary.contains("5 of 6 users"), "{summary}");
    let to_stdout = stdout_of(&[
        "segment",
        "--members-csv",
        "-",
        "--data",
        &input_s,
        "score is not empty",
    ]);
    let written = std::fs::read_to_string(&output)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", output.display()));
    assert_eq!(to_stdout, written, "`-` writes the same CSV to stdout");
    let check = python(
        r#"
import csv, json, sys
original = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
written = list(csv.reader(open(sys.argv[2], newline='', encoding='utf-8')))
expected = [original[0]] + [r for r in original[1:] if r[2] != '']
problems = []
if len(written) != len(expected):
    problems.append(f'{len(written)} rows written, {len(expected)} expected')
for want, got in zip(expected, written):
    for w, g in zip(want, got):
        risky = w[:1] in ('=', '+', '-', '@', '\t', '\r')
        number = w.lstrip('-').replace('.', '', 1).isdigit()
        if risky and not number:
            if g != "'" + w:
                problems.append(f'{w!r} written as {g!r}, expected a leading quote')
        elif number:
            if float(g) != float(w):
                problems.append(f'number {w!r} written as {g!r}')
        elif g != w:
            problems.append(f'{w!r} written as {g!r}')
print(json.dumps(problems))
"#,
        &[&input_s, &output_s],
    );
    assert_eq!(check, serde_json::json!([]), "{written}");
}

/// `compare --json` carries, per column, each group's summary and, per difference, the test, statistic,
/// p-value, adjusted p-value and effect size — for numeric, categorical and boolean columns.
#[test]
fn compare_json_has_the_documented_fields() {
    let report = json_of(&[
        "compare",
        "--json",
        "--no-measures",
        "--data",
        USERS,
        "--segment",
        r#"Enterprise=plan = "enterprise""#,
    ]);
    let names: Vec<&Value> = array(&report["groups"])
        .iter()
        .map(|g| &g["name"])
        .collect();
    assert_eq!(names, ["Enterprise", "Everyone else"]);
    let sizes: Vec<&Value> = array(&report["groups"])
        .iter()
        .map(|g| &g["size"])
        .collect();
    let enterprise = python_count("r['plan'] == 'enterprise'");
    let rest = python_count("r['plan'] != 'enterprise'");
    assert_eq!(sizes, [&enterprise, &rest]);
    assert_eq!(report["baseline"], 1, "everyone else is the baseline");
    assert_eq!(report["left_out"], serde_json::json!(["plan"]));

    let cases = [
        (
            "arr",
            "numeric",
            &[
                "n",
                "missing",
                "mean",
                "mean_ci",
                "sd",
                "median",
                "p25",
                "p75",
                "histogram",
            ][..],
        ),
        (
            "industry",
            "categorical",
            &["n", "missing", "counts", "shares"][..],
        ),
        (
            "converted",
            "boolean",
            &["n", "missing", "count", "rate"][..],
        ),
    ];
    for (column, kind, summary_keys) in cases {
        let entry = array(&report["columns"])
            .iter()
            .find(|c| c["name"] == column)
            .unwrap_or_else(|| panic!("no column `{column}` in {report}"));
        assert_eq!(entry["summary"]["kind"], kind, "{column}");
        let groups = array(&entry["summary"]["groups"]);
        assert_eq!(groups.len(), 2, "{column}: one summary per group");
        for group in groups {
            for key in summary_keys {
                assert!(
                    group.get(key).is_some(),
                    "{column}: summary lacks `{key}`: {group}"
                );
            }
        }
        let findings: Vec<&Value> = array(&report["findings"])
            .iter()
            .filter(|f| f["column"] == column)
            .collect();
        assert!(!findings.is_empty(), "{column}: no finding");
        for finding in findings {
            for key in [
                "group",
                "baseline",
                "test",
                "statistic",
                "p_value",
                "p_adjusted",
                "significant",
                "effect",
                "magnitude",
                "sentence",
            ] {
                assert!(
                    finding.get(key).is_some(),
                    "{column}: finding lacks `{key}`: {finding}"
                );
            }
            assert!(finding["test"].is_string(), "{finding}");
            assert!(
                finding["p_value"].is_number(),
                "{column} is tested: {finding}"
            );
            assert!(finding["effect"]["kind"].is_string(), "{finding}");
        }
    }

    // The adjusted p-values are Benjamini–Hochberg over every tested difference, as statsmodels does it.
    let tested: Vec<&Value> = array(&report["findings"])
        .iter()
        .filter(|f| f["p_value"].is_number())
        .collect();
    let p: Vec<&Value> = tested.iter().map(|f| &f["p_value"]).collect();
    let adjusted = python(
        r"
import json, sys
from statsmodels.stats.multitest import multipletests
p = json.loads(sys.argv[1])
print(json.dumps(list(multipletests(p, method='fdr_bh')[1])))
",
        &[&serde_json::to_string(&p).unwrap_or_default()],
    );
    for (finding, expected) in tested.iter().zip(array(&adjusted)) {
        let got = finding["p_adjusted"].as_f64().unwrap_or(f64::NAN);
        let want = expected.as_f64().unwrap_or(f64::NAN);
        assert!(
            (got - want).abs() <= 1e-9 * want.max(1e-300) + 1e-12,
            "{finding}: BH gives {want}"
        );
    }
}

/// Several named segments, everyone else, and the baseline picked by name.
#[test]
fn compare_named_segments_and_baseline() {
    let base = [
        "compare",
        "--json",
        "--no-measures",
        "--data",
        USERS,
        "--segment",
        r#"Enterprise=plan = "enterprise""#,
        "--segment",
        "Big=employees >= 1000",
    ];
    let run = |extra: &[&str]| json_of(&[&base[..], extra].concat());
    let default = run(&[]);
    let groups: Vec<(&Value, &Value)> = array(&default["groups"])
        .iter()
        .map(|g| (&g["name"], &g["size"]))
        .collect();
    let expected = [
        python_count("r['plan'] == 'enterprise'"),
        python_count("r['employees'] != '' and int(r['employees']) >= 1000"),
        python_count(
            "r['plan'] != 'enterprise' and not (r['employees'] != '' and int(r['employees']) >= 1000)",
        ),
    ];
    assert_eq!(groups.len(), 3, "{groups:?}");
    for ((name, size), (want_name, want_size)) in groups
        .iter()
        .zip(["Enterprise", "Big", "Everyone else"].iter().zip(&expected))
    {
        assert_eq!(*name, want_name);
        assert_eq!(*size, want_size, "{want_name}");
    }
    assert_eq!(default["baseline"], 2);
    assert_eq!(run(&["--baseline", "Big"])["baseline"], 1);
    assert_eq!(
        run(&["--baseline", "enterprise"])["baseline"],
        0,
        "names match case-insensitively"
    );
    assert_eq!(run(&["--baseline", "Everyone else"])["baseline"], 2);
    let against_big = run(&["--baseline", "Big"]);
    let compared: Vec<&Value> = array(&against_big["findings"])
        .iter()
        .map(|f| &f["baseline"])
        .collect();
    assert!(
        compared.iter().all(|b| *b == 1),
        "every finding is against Big"
    );

    let stderr = failure_of(&[&base[..], &["--baseline", "Nobody"]].concat());
    assert!(
        stderr.contains(r#""Enterprise", "Big", "Everyone else""#),
        "the message lists the groups: {stderr}"
    );
    let stderr = failure_of(&["compare", "--data", USERS, "--segment", r#"plan = "pro""#]);
    assert!(stderr.contains("NAME=DEFINITION"), "{stderr}");
    let stderr = failure_of(&["compare", "--data", USERS]);
    assert!(stderr.contains("no segment to compare"), "{stderr}");
    let nine: Vec<String> = (1..=9).map(|i| format!("S{i}=employees > {i}")).collect();
    let mut args = vec!["compare", "--data", USERS];
    for s in &nine {
        args.extend(["--segment", s.as_str()]);
    }
    let stderr = failure_of(&args);
    assert!(stderr.contains("at most 8"), "{stderr}");
    let stderr = failure_of(&[
        "compare",
        "--data",
        USERS,
        "-s",
        "X=plan = \"pro\"",
        "-s",
        "X=plan = \"basic\"",
    ]);
    assert!(stderr.contains("two segments are named"), "{stderr}");
    // Segments covering everyone leave no "Everyone else"; the first segment is the baseline.
    let covering = json_of(&[
        "compare",
        "--json",
        "--no-measures",
        "--data",
        USERS,
        "-s",
        "Small=employees < 100",
        "-s",
        "Rest=not employees < 100",
    ]);
    assert_eq!(
        array(&covering["groups"]).len(),
        2,
        "{}",
        covering["groups"]
    );
    assert_eq!(covering["baseline"], 0);
}

/// Parses an HTML file with Python's `html.parser`: checks that every element is closed in order and
/// returns the tags used, attributes that could load something, the text, and the ranked findings.
fn parse_html(path: &Path) -> Value {
    python(
        r#"
import json, sys
from html.parser import HTMLParser
VOID = {'meta', 'br', 'hr', 'img', 'input', 'link', 'rect', 'path', 'line', 'circle', 'wbr', 'col'}
class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags, self.loads, self.text = [], [], set(), [], []
        self.findings, self.in_findings, self.item = [], False, None
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ('src', 'href', 'srcset', 'action', 'data', 'poster') or name.startswith('on'):
                self.loads.append(f'{tag} {name}={value}')
            if value and 'url(' in value:
                self.loads.append(f'{tag} {name}={value}')
        if tag == 'ol' and ('class', 'findings') in attrs:
            self.in_findings = True
        if tag == 'li' and self.in_findings:
            self.item = []
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'</{tag}> closes {self.stack[-1:] or "nothing"}')
        else:
            self.stack.pop()
        if tag == 'li' and self.item is not None:
            self.findings.append(''.join(self.item).strip())
            self.item = None
        if tag == 'ol':
            self.in_findings = False
    def handle_data(self, data):
        self.text.append(data)
        if self.item is not None:
            self.item.append(data)
source = open(sys.argv[1], encoding='utf-8').read()
check = Check()
check.feed(source)
check.close()
if check.stack:
    check.errors.append(f'unclosed: {check.stack}')
print(json.dumps({
    'doctype': source.startswith('<!DOCTYPE html>'),
    'errors': check.errors,
    'tags': sorted(check.tags),
    'loads': check.loads,
    'text': ' '.join(' '.join(check.text).split()),
    'findings': check.findings,
    'external': [w for w in ('http:', 'https:', '//', 'url(', '@import') if w in source],
}))
"#,
        &[&path.display().to_string()],
    )
}

/// Asserts the report is well-formed HTML that loads nothing and runs nothing.
fn assert_self_contained(page: &Value) {
    assert_eq!(page["doctype"], true);
    assert_eq!(page["errors"], serde_json::json!([]), "malformed HTML");
    assert_eq!(
        page["loads"],
        serde_json::json!([]),
        "the report loads something"
    );
    assert_eq!(
        page["external"],
        serde_json::json!([]),
        "the report refers to something outside"
    );
    let tags: Vec<&str> = array(&page["tags"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for forbidden in [
        "script", "link", "img", "iframe", "object", "embed", "base", "form",
    ] {
        assert!(
            !tags.contains(&forbidden),
            "<{forbidden}> in the report: {tags:?}"
        );
    }
    assert!(tags.contains(&"style") && tags.contains(&"svg"), "{tags:?}");
}

/// The report on the sample data: well-formed, self-contained, with the groups, their sizes, every
/// column, and the significant findings ranked as the comparison ranks them.
#[test]
fn html_report_on_the_sample() {
    let out = scratch("sample-report.html");
    let out_s = out.display().to_string();
    let args = [
        "compare",
        "--data",
        USERS,
        EVENTS,
        NPS,
        "--segment",
        r#"Enterprise=plan = "enterprise""#,
        "--segment",
        "Converted=converted = yes",
    ];
    let human = seglab(&[&args[..], &["--html", &out_s]].concat());
    assert!(human.status.success(), "{}", text(&human.stderr));
    let comparison = json_of(&[&args[..], &["--json"]].concat());
    let page = parse_html(&out);
    assert_self_contained(&page);
    let body = page["text"].as_str().unwrap_or_default();
    for group in array(&comparison["groups"]) {
        let name = group["name"].as_str().unwrap_or_default();
        let size = group["size"].as_u64().unwrap_or(0);
        let shown = format!("{name} (baseline)");
        assert!(body.contains(name), "no group {name}");
        let size = usize::try_from(size).unwrap_or(0);
        let size = if size >= 1000 {
            format!("{},{:03}", size / 1000, size % 1000)
        } else {
            size.to_string()
        };
        assert!(body.contains(&size), "no size {size} of {name}");
        if group["rest"] == true {
            assert!(body.contains(&shown), "everyone else is the baseline");
        }
    }
    for column in array(&comparison["columns"]) {
        let name = column["name"].as_str().unwrap_or_default();
        assert!(body.contains(name), "no column {name}");
    }
    // The significant sentences, largest effect first.
    let mut significant: Vec<&Value> = array(&comparison["findings"])
        .iter()
        .filter(|f| f["significant"] == true)
        .collect();
    significant.sort_by(|x, y| {
        let m = |f: &Value| f["magnitude"].as_f64().unwrap_or(0.0);
        m(y).total_cmp(&m(x))
    });
    let shown = array(&page["findings"]);
    assert!(!significant.is_empty());
    assert_eq!(shown.len(), significant.len());
    for (item, finding) in shown.iter().zip(&significant) {
        let sentence = finding["sentence"].as_str().unwrap_or_default();
        assert!(
            item.as_str().unwrap_or_default().starts_with(sentence),
            "{item} should be {sentence}"
        );
    }
}

/// Names, values and definitions from the data are escaped, never interpreted as markup.
#[test]
fn html_report_escapes_the_data() {
    let input = scratch("markup.csv");
    let mut csv = String::from("user_id,plan,<script>alert(1)</script>,a&b\n");
    for i in 0..60 {
        let plan = if i % 3 == 0 { "pro & co" } else { "free" };
        let value = if i % 2 == 0 {
            "<b>bold</b>"
        } else {
            "Tom & Jerry"
        };
        writeln!(csv, "u{i},{plan},{value},{}", i % 7).unwrap_or_default();
    }
    write(&input, &csv);
    let out = scratch("markup-report.html");
    let (input_s, out_s) = (input.display().to_string(), out.display().to_string());
    let human = seglab(&[
        "compare",
        "--data",
        &input_s,
        "--segment",
        r#"Pro <i>&</i> co=plan = "pro & co""#,
        "--html",
        &out_s,
    ]);
    assert!(human.status.success(), "{}", text(&human.stderr));
    let page = parse_html(&out);
    assert_self_contained(&page);
    let tags: Vec<&str> = array(&page["tags"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !tags.contains(&"b") && !tags.contains(&"i"),
        "data became markup: {tags:?}"
    );
    let body = page["text"].as_str().unwrap_or_default();
    for shown in [
        "<script>alert(1)</script>",
        "a&b",
        "<b>bold</b>",
        "Tom & Jerry",
        "Pro <i>&</i> co",
        r#"plan = "pro & co""#,
    ] {
        assert!(
            body.contains(shown),
            "{shown:?} is not shown as text: {body}"
        );
    }
}
