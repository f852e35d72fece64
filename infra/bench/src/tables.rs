//! The tables of docs/performance.md, rendered from the bench's JSON in docs/bench/.
//!
//! A typed figure goes stale the day the bench runs again; a rendered one cannot, and the
//! test at the bottom fails whenever the checked-in doc differs from what the checked-in
//! JSON renders. A table lives between `<!-- table:NAME -->` and `<!-- /table -->`; what
//! is outside the markers is prose and is never touched. Tables that compare runs whose
//! JSON was not kept stay typed, outside any marker.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One generated table: its marker name, the JSON in the bench directory it comes from,
/// and how it is drawn.
pub struct Source {
    pub name: &'static str,
    pub file: &'static str,
    render: fn(&Value) -> Result<String>,
}

pub const SOURCES: &[Source] = &[
    Source {
        name: "search-scale",
        file: "search_scale.json",
        render: search_scale,
    },
    Source {
        name: "uploads",
        file: "uploads.json",
        render: uploads,
    },
    Source {
        name: "export",
        file: "export.json",
        render: export,
    },
    Source {
        name: "rfa",
        file: "rfa.json",
        render: rfa,
    },
    Source {
        name: "events",
        file: "events.json",
        render: events,
    },
    Source {
        name: "webhooks",
        file: "webhooks.json",
        render: webhooks,
    },
    Source {
        name: "routes",
        file: "routes.json",
        render: routes,
    },
    Source {
        name: "call-shapes",
        file: "routes.json",
        render: call_shapes,
    },
    Source {
        name: "routes-cpu",
        file: "routes.json",
        render: routes_cpu,
    },
    Source {
        name: "routes-rtt",
        file: "routes_rtt.json",
        render: routes,
    },
    Source {
        name: "init",
        file: "init.json",
        render: init,
    },
    Source {
        name: "sizes",
        file: "sizes.json",
        render: sizes,
    },
    Source {
        name: "throughput",
        file: "throughput.json",
        render: throughput,
    },
    Source {
        name: "profile-crates",
        file: "profile_crates.json",
        render: profile_compare,
    },
    Source {
        name: "profile",
        file: "profile.json",
        render: profile_compare,
    },
];

const OPEN: &str = "<!-- table:";
const CLOSE: &str = "<!-- /table -->";

/// Goals the tables mark; they are what the doc promises, not measurements.
const ROUTE_GOAL_RATIO: f64 = 1.15;
const QUERY_GOAL_TAG_P50S: f64 = 3.0;

/// `pirros-bench tables`: rewrites the doc, or with `check` only says where it differs.
pub fn run(doc: &Path, bench_dir: &Path, check: bool) -> Result<()> {
    let text =
        std::fs::read_to_string(doc).with_context(|| format!("reading {}", doc.display()))?;
    let load = |file: &str| load_json(&bench_dir.join(file));
    let rendered = render_doc(&text, &load)?;
    rendered.require_all()?;
    if rendered.text == text {
        println!(
            "{}: {} tables up to date",
            doc.display(),
            rendered.blocks.len()
        );
        return Ok(());
    }
    if check {
        // A stale doc is an answer, not a failure of the tool: no error chain or backtrace.
        eprintln!(
            "{} differs from what {} renders:\n{}run `cargo run -p pirros-bench -- tables` to rewrite it",
            doc.display(),
            bench_dir.display(),
            rendered.differences()
        );
        std::process::exit(1);
    }
    std::fs::write(doc, &rendered.text).with_context(|| format!("writing {}", doc.display()))?;
    println!("{}: rewritten\n{}", doc.display(), rendered.differences());
    Ok(())
}

fn load_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

pub struct Block {
    pub name: String,
    pub old: String,
    pub new: String,
}

pub struct Rendered {
    pub text: String,
    pub blocks: Vec<Block>,
}

impl Rendered {
    /// A deleted marker would silently turn its table back into a typed one.
    fn require_all(&self) -> Result<()> {
        let seen: BTreeSet<&str> = self.blocks.iter().map(|b| b.name.as_str()).collect();
        let missing: Vec<&str> = SOURCES
            .iter()
            .map(|s| s.name)
            .filter(|n| !seen.contains(n))
            .collect();
        if !missing.is_empty() {
            bail!("no `{OPEN}NAME -->` marker for: {}", missing.join(", "));
        }
        Ok(())
    }

    pub fn differences(&self) -> String {
        let mut out = String::new();
        for b in self.blocks.iter().filter(|b| b.old != b.new) {
            let file = SOURCES
                .iter()
                .find(|s| s.name == b.name)
                .map_or("?", |s| s.file);
            out.push_str(&format!("table `{}` (from {file}):\n", b.name));
            out.push_str(&line_diff(&b.old, &b.new));
        }
        out
    }
}

/// Replaces every marked block of `doc` with its table as rendered from the JSON `load`
/// returns for the source's file name.
pub fn render_doc(doc: &str, load: &dyn Fn(&str) -> Result<Value>) -> Result<Rendered> {
    let lines: Vec<&str> = doc.split('\n').collect();
    let mut out = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed == CLOSE {
            bail!("line {}: `{CLOSE}` without its opening marker", i + 1);
        }
        let marked = trimmed
            .strip_prefix(OPEN)
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim);
        let mut end = i;
        if let Some(name) = marked {
            let source = SOURCES
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| anyhow!("line {}: no table is named `{name}`", i + 1))?;
            if blocks.iter().any(|b| b.name == name) {
                bail!("line {}: table `{name}` is marked twice", i + 1);
            }
            end = loop {
                end += 1;
                match lines.get(end).map(|l| l.trim()) {
                    Some(CLOSE) => break end,
                    Some(l) if l.starts_with(OPEN) => {
                        bail!("line {}: a marker inside table `{name}`", end + 1)
                    }
                    Some(_) => {}
                    None => bail!("table `{name}` (line {}) is never closed", i + 1),
                }
            };
            let new = render_block(source, &load(source.file)?)
                .with_context(|| format!("rendering table `{name}` from {}", source.file))?;
            out.push_str(line);
            out.push('\n');
            out.push_str(&new);
            out.push('\n');
            blocks.push(Block {
                name: name.to_string(),
                old: lines[i + 1..end].join("\n"),
                new,
            });
        }
        out.push_str(lines[end]);
        if end + 1 < lines.len() {
            out.push('\n');
        }
        i = end + 1;
    }
    Ok(Rendered { text: out, blocks })
}

fn render_block(source: &Source, json: &Value) -> Result<String> {
    let mut text = (source.render)(json)?;
    if let Some(commit) = json.get("commit").and_then(Value::as_str) {
        let dirty = json.get("dirty").and_then(Value::as_bool) == Some(true);
        text.push_str(&format!(
            "\n\nMeasured at commit `{commit}`{}.",
            if dirty {
                " with uncommitted changes"
            } else {
                ""
            }
        ));
    }
    Ok(text)
}

/// Lines only in `old` as `- `, only in `new` as `+ `, in order (longest common
/// subsequence; a table is a few dozen lines at most).
fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split('\n').collect();
    let b: Vec<&str> = new.split('\n').collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(format!("- {}", a[i]).trim_end());
            out.push('\n');
            i += 1;
        } else {
            out.push_str(format!("+ {}", b[j]).trim_end());
            out.push('\n');
            j += 1;
        }
    }
    out
}

// ---- reading the JSON ----

fn field<'a>(v: &'a Value, key: &str) -> Result<&'a Value> {
    v.get(key)
        .ok_or_else(|| anyhow!("no `{key}` in {}", brief(v)))
}

fn num(v: &Value, key: &str) -> Result<f64> {
    field(v, key)?
        .as_f64()
        .ok_or_else(|| anyhow!("`{key}` is not a number in {}", brief(v)))
}

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    field(v, key)?
        .as_str()
        .ok_or_else(|| anyhow!("`{key}` is not a string in {}", brief(v)))
}

fn flag(v: &Value, key: &str) -> Result<bool> {
    field(v, key)?
        .as_bool()
        .ok_or_else(|| anyhow!("`{key}` is not true or false in {}", brief(v)))
}

fn list<'a>(v: &'a Value, key: &str) -> Result<&'a [Value]> {
    field(v, key)?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| anyhow!("`{key}` is not a list in {}", brief(v)))
}

/// A part that wrote a bare list has it under `rows` once stamped with its commit.
fn rows(v: &Value) -> Result<&[Value]> {
    match v {
        Value::Array(rows) => Ok(rows),
        _ => list(v, "rows"),
    }
}

fn brief(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

// ---- numbers as the doc writes them ----

/// `decimals` places, thousands grouped by commas (13,361 ms; 57,539 requests/s).
fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// One decimal, dropped when it is 0: a mean of 7.002 calls is 7, of 2.5 stays 2.5.
fn short(x: f64) -> String {
    let s = fixed(x, 1);
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A change in percent with its sign, as the doc's comparisons write it (`+0.4 %`, `−0.1 %`).
fn percent_change(before: f64, after: f64) -> String {
    let change = (after / before - 1.0) * 100.0;
    let s = fixed(change.abs(), 1);
    if s.trim_start_matches(['0', '.']).is_empty() {
        return "0.0 %".into();
    }
    format!("{}{s} %", if change < 0.0 { "−" } else { "+" })
}

/// Figures that are equal across runs are written once (`4` rather than `4 / 4 / 4`).
fn once_if_equal(cells: Vec<String>) -> String {
    if cells.windows(2).all(|w| w[0] == w[1]) {
        cells.into_iter().next().unwrap_or_default()
    } else {
        cells.join(" / ")
    }
}

fn thousands_label(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n.is_multiple_of(1_000) {
        format!("{}k", n / 1_000)
    } else {
        fixed(n as f64, 0)
    }
}

/// Decimal megabytes and gigabytes, as the export bench sizes its files.
fn decimal_size(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{} GB", short(bytes / 1e9))
    } else {
        format!("{} MB", short(bytes / 1e6))
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

fn table(header: &[String], align: &[Align], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n|", header.join(" | "));
    for a in align {
        out.push_str(match a {
            Align::Left => "---|",
            Align::Right => "---:|",
        });
    }
    for row in rows {
        out.push_str(&format!("\n| {} |", row.join(" | ")));
    }
    out
}

fn strings<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

// ---- the tables ----

/// The bench's page names (`infra/bench/src/scale.rs`) in the doc's words.
fn page_label(page: &str) -> &str {
    match page {
        "tag" => "`tag_id=` (a tag on ~1 %)",
        "project" => "`project_id=`",
        "tag + library" => "`tag_id=` + `library=typical`",
        "q 1 in 2,000" => "`q=needle` (1 detail in 2,000)",
        "q 1 in 20" => "`q=flashing` (1 in 20)",
        "q two words" => "`q=detail flashing` (two words)",
        "q nothing" => "`q=zzyzx` (matches nothing)",
        "q one letter" => "`q=f` (one letter, ~5 %)",
        "custom grant, rare tag" => "custom-filter grant over a tag on 1 in 1,000",
        "updated_since" => "`updated_since=` (the last tenth)",
        other => other,
    }
}

fn find_page<'a>(run: &'a Value, page: &str) -> Result<&'a Value> {
    list(run, "rows")?
        .iter()
        .find(|r| r.get("page").and_then(Value::as_str) == Some(page))
        .ok_or_else(|| anyhow!("the run of {} details has no page `{page}`", run["details"]))
}

fn search_scale(v: &Value) -> Result<String> {
    let find = find_page;
    let limit = num(v, "limit")?;
    let runs = list(v, "runs")?;
    let first = runs.first().ok_or_else(|| anyhow!("no runs"))?;
    let sizes = runs
        .iter()
        .map(|r| Ok(thousands_label(num(r, "details")? as u64)))
        .collect::<Result<Vec<_>>>()?;
    let per = sizes.join(" / ");
    let goal = fixed(QUERY_GOAL_TAG_P50S, 0);
    let header = vec![
        format!("page (`limit={}`)", fixed(limit, 0)),
        format!("results {per}"),
        format!("items read {per}"),
        "round trips".into(),
        "read units".into(),
        format!("p50 ms {per}"),
        format!("within {goal} × tag p50"),
    ];
    let mut out = Vec::new();
    for row in list(first, "rows")? {
        let page = text(row, "page")?;
        let cells = runs
            .iter()
            .map(|run| find(run, page))
            .collect::<Result<Vec<_>>>()?;
        let each = |f: &dyn Fn(&Value) -> Result<String>| -> Result<Vec<String>> {
            cells.iter().map(|c| f(c)).collect()
        };
        let results = each(&|c| {
            let n = num(c, "results")?;
            // A short page that still hands a cursor stopped at its read budget.
            let cursor = if flag(c, "next_cursor")? && n < limit {
                " +cursor"
            } else {
                ""
            };
            Ok(format!("{}{cursor}", fixed(n, 0)))
        })?;
        let within = if text(row, "query")?.starts_with("q=") {
            let mut missed = Vec::new();
            for (run, size) in runs.iter().zip(&sizes) {
                let tag = num(find(run, "tag")?, "p50_ms")?;
                if num(find(run, page)?, "p50_ms")? > QUERY_GOAL_TAG_P50S * tag {
                    missed.push(size.as_str());
                }
            }
            if missed.is_empty() {
                "yes".to_string()
            } else {
                format!("no ({})", missed.join(", "))
            }
        } else {
            "–".to_string()
        };
        out.push(vec![
            page_label(page).to_string(),
            results.join(" / "),
            each(&|c| Ok(fixed(num(c, "items_read")?, 0)))?.join(" / "),
            once_if_equal(each(&|c| Ok(fixed(num(c, "round_trips")?, 0)))?),
            once_if_equal(each(&|c| Ok(fixed(num(c, "read_units")?, 1)))?),
            each(&|c| Ok(fixed(num(c, "p50_ms")?, 1)))?.join(" / "),
            within,
        ]);
    }
    use Align::*;
    Ok(table(
        &header,
        &[Left, Right, Right, Right, Right, Right, Left],
        &out,
    ))
}

fn uploads(v: &Value) -> Result<String> {
    let mut out = Vec::new();
    for r in rows(v)? {
        let calls = field(r, "dynamodb_calls")?;
        out.push(vec![
            format!("{} MB", short(num(r, "size_mb")?)),
            format!("{} ms", fixed(num(r, "put_ms_p50")?, 0)),
            format!(
                "{} ms ({} ms)",
                fixed(num(r, "uploaded_to_succeeded_ms_p50")?, 0),
                fixed(num(r, "uploaded_to_succeeded_ms_max")?, 0)
            ),
            format!(
                "{} / {} / {}",
                short(num(calls, "upload_request")?),
                short(num(calls, "read_noticing_the_file")?),
                short(num(calls, "worker")?)
            ),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings([
            "file",
            "PUT p50",
            "uploaded → succeeded p50 (max)",
            "DynamoDB calls: request / read noticing the file / worker",
        ]),
        &[Left, Right, Right, Right],
        &out,
    ))
}

fn export(v: &Value) -> Result<String> {
    let mut out = Vec::new();
    for r in rows(v)? {
        out.push(vec![
            decimal_size(num(r, "bytes")?),
            fixed(num(r, "files")?, 0),
            fixed(num(r, "seconds")?, 2),
            fixed(num(r, "throughput_mb_per_s")?, 1),
            format!("{} MiB", fixed(num(r, "peak_rss_mib")?, 1)),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings(["export", "files", "seconds", "MB/s", "peak RSS"]),
        &[Left, Right, Right, Right, Right],
        &out,
    ))
}

/// `rfa-peak`'s answers (`shared/rfa/src/bin/rfa-peak.rs`) in the doc's words.
fn rfa_answer(answer: &str) -> String {
    if let Some(why) = answer.strip_prefix("invalid_rfa: ") {
        return format!("`invalid_rfa`: {why}");
    }
    if let Some(version) = answer
        .strip_prefix("ok, revit_version Some(")
        .and_then(|r| r.strip_suffix(')'))
    {
        return format!("Revit {version}");
    }
    if let Some(n) = answer
        .strip_prefix("ok, ")
        .and_then(|r| r.strip_suffix(" entries"))
        .and_then(|n| n.parse::<u64>().ok())
    {
        return format!("opened, {} entries", fixed(n as f64, 0));
    }
    answer.to_string()
}

fn rfa(v: &Value) -> Result<String> {
    let mib = fixed(num(v, "mib")?, 0);
    let mut runs: Vec<&Value> = list(v, "runs")?.iter().collect();
    let mut shapes: Vec<&str> = Vec::new();
    for r in &runs {
        let shape = text(r, "shape")?;
        if !shapes.contains(&shape) {
            shapes.push(shape);
        }
    }
    // Per file, the reader it replaced (the before figure) first.
    runs.sort_by_key(|r| {
        let shape = r["shape"].as_str().unwrap_or_default();
        (
            shapes.iter().position(|s| *s == shape),
            r["reader"].as_str() != Some("cfb"),
        )
    });
    let mut out = Vec::new();
    for r in runs {
        let file = match text(r, "shape")? {
            "craft" => "crafted",
            "large" => "sound",
            other => other,
        };
        let reader = match text(r, "reader")? {
            "cfb" => "cfb (before)",
            other => other,
        };
        let time = match r.get("ms").and_then(Value::as_f64) {
            Some(ms) if ms >= 1000.0 => format!("{} ms", fixed(ms, 0)),
            Some(ms) => format!("{} ms", fixed(ms, 1)),
            None => "–".to_string(),
        };
        out.push(vec![
            format!("{file}, {mib} MiB"),
            reader.to_string(),
            rfa_answer(text(r, "answer")?),
            time,
            format!("{} MiB", fixed(num(r, "peak_rss_mib")?, 1)),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings(["file", "reader", "answer", "time", "peak RSS"]),
        &[Left, Left, Left, Right, Right],
        &out,
    ))
}

fn events(v: &Value) -> Result<String> {
    let mut out = Vec::new();
    for r in list(v, "write_units")? {
        let mut row = vec![text(r, "write")?.to_string()];
        for key in [
            "items_without_event",
            "items_with_event",
            "write_units_without_event",
            "write_units_with_event",
        ] {
            row.push(short(num(r, key)?));
        }
        out.push(row);
    }
    use Align::*;
    Ok(table(
        &strings([
            "write",
            "items, no event",
            "items, with event",
            "write units, no event",
            "write units, with event",
        ]),
        &[Left, Right, Right, Right, Right],
        &out,
    ))
}

fn webhooks(v: &Value) -> Result<String> {
    let latency = field(v, "commit_to_delivery")?;
    let fan_out = field(v, "fan_out")?;
    let many = field(fan_out, "one_event_to_many_endpoints")?;
    let one = field(fan_out, "many_events_to_one_endpoint")?;
    let delivered_in = |r: &Value, of: &str| -> Result<String> {
        let secs = format!("{} s", fixed(num(r, "seconds")?, 1));
        Ok(if flag(r, "all_delivered")? {
            secs
        } else {
            format!(
                "only {} of {} in {secs}",
                fixed(num(r, "delivered")?, 0),
                fixed(num(r, of)?, 0)
            )
        })
    };
    let out = vec![
        vec![
            format!(
                "change committed → delivery received, p50 ({} sequential stash creates)",
                num(latency, "samples")?
            ),
            format!("{} ms", fixed(num(latency, "p50_ms")?, 0)),
        ],
        vec![
            "same, p99".to_string(),
            format!("{} ms", fixed(num(latency, "p99_ms")?, 0)),
        ],
        vec![
            format!(
                "one event to {} endpoints: all delivered in",
                num(many, "endpoints")?
            ),
            delivered_in(many, "endpoints")?,
        ],
        vec![
            "storage calls per delivery (fan-out share, read again at the attempt, the attempt recorded)".to_string(),
            fixed(num(many, "storage_calls_per_delivery")?, 2),
        ],
        vec![
            format!(
                "{} events to one endpoint: all delivered in (writing them took {} s)",
                num(one, "events")?,
                fixed(num(one, "seconds_writing")?, 1)
            ),
            delivered_in(one, "events")?,
        ],
        vec![
            "storage calls per delivery, the stash writes included".to_string(),
            fixed(num(one, "storage_calls_per_delivery_with_the_writes")?, 2),
        ],
    ];
    Ok(table(
        &strings(["measure", "figure"]),
        &[Align::Left, Align::Right],
        &out,
    ))
}

/// The bench's route names (`infra/bench/src/routes.rs`) in the doc's words.
fn route_label(route: &str) -> &str {
    match route {
        "token" => "`POST /oauth/token`",
        "stash create" => "stash create (with `Idempotency-Key`)",
        "download rvt" => "download rvt (presign)",
        other => other,
    }
}

fn routes(v: &Value) -> Result<String> {
    let rows = list(v, "rows")?;
    let any_before = rows.iter().any(|r| r.get("before").is_some());
    let mut out = Vec::new();
    for r in rows {
        let before = r.get("before");
        // "before → after" where the run carries the figure from before, the figure alone
        // otherwise.
        let cell = |key: &str, show: &dyn Fn(f64) -> String| -> Result<String> {
            let after = show(num(r, key)?);
            Ok(
                match before.and_then(|b| b.get(key)).and_then(Value::as_f64) {
                    Some(b) => format!("{} → {after}", show(b)),
                    None => after,
                },
            )
        };
        let ms = |x: f64| fixed(x, 2);
        let ratio = |x: f64| {
            let s = fixed(x, 2);
            if x <= ROUTE_GOAL_RATIO {
                format!("**{s}**")
            } else {
                s
            }
        };
        out.push(vec![
            route_label(text(r, "route")?).to_string(),
            cell("p50_ms", &ms)?,
            cell("p99_ms", &ms)?,
            cell("floor_p50_ms", &ms)?,
            cell("ratio", &ratio)?,
            cell("calls", &short)?,
            cell("items_read", &short)?,
        ]);
    }
    // A run that measured the bare hop shows it last: what every route pays beside its floor.
    if let Some(hop) = v.get("hop") {
        out.push(vec![
            "the HTTP hop alone (`GET /.well-known/jwks.json`, no storage)".to_string(),
            fixed(num(hop, "p50_ms")?, 2),
            fixed(num(hop, "p99_ms")?, 2),
            "–".into(),
            "–".into(),
            "0".into(),
            "0".into(),
        ]);
    }
    let route = if any_before {
        "route (before → after)"
    } else {
        "route"
    };
    use Align::*;
    Ok(table(
        &strings([
            route,
            "p50 ms",
            "p99 ms",
            "floor p50 ms",
            "p50 / floor",
            "DynamoDB calls",
            "items read",
        ]),
        &[Left, Right, Right, Right, Right, Right, Right],
        &out,
    ))
}

/// DynamoDB Local's CPU per request of each route and of its floor, beside the latency
/// ratio: on two cores shared with the emulator's JVM, the first explains most of the second.
fn routes_cpu(v: &Value) -> Result<String> {
    let mut out = Vec::new();
    for r in list(v, "rows")? {
        let cpu = num(r, "dynamodb_cpu_ms")?;
        let floor = num(r, "floor_dynamodb_cpu_ms")?;
        out.push(vec![
            route_label(text(r, "route")?).to_string(),
            fixed(cpu, 2),
            fixed(floor, 2),
            fixed(cpu / floor, 2),
            fixed(num(r, "ratio")?, 2),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings([
            "route",
            "DynamoDB Local CPU ms per request",
            "its floor's",
            "CPU / floor",
            "p50 / floor",
        ]),
        &[Left, Right, Right, Right, Right],
        &out,
    ))
}

/// A difference to two decimals with its sign; one that rounds to nothing is `+0.00`,
/// never `-0.00`.
fn signed(d: f64) -> String {
    let d = (d * 100.0).round() / 100.0;
    format!("{:+.2}", if d == 0.0 { 0.0 } else { d })
}

/// Each DynamoDB request the server sends beside the bare one its routes' floors send.
fn call_shapes(v: &Value) -> Result<String> {
    let rows = list(v, "shapes")?;
    let p50_of = |name: &str| -> Result<f64> {
        let row = rows
            .iter()
            .find(|r| r["shape"] == name)
            .ok_or_else(|| anyhow!("shape `{name}` compared with, but not measured"))?;
        num(row, "p50_ms")
    };
    let mut out = Vec::new();
    for r in rows {
        let over = match r["bare"].as_str() {
            Some(bare) => signed(num(r, "p50_ms")? - p50_of(bare)?),
            None => "–".into(),
        };
        // The emulator's CPU, where the run could read it.
        let cpu = r
            .get("dynamodb_cpu_ms")
            .and_then(Value::as_f64)
            .map_or_else(|| "–".into(), |c| fixed(c, 2));
        out.push(vec![
            text(r, "shape")?.to_string(),
            fixed(num(r, "p50_ms")?, 2),
            fixed(num(r, "p90_ms")?, 2),
            over,
            cpu,
        ]);
    }
    use Align::*;
    Ok(table(
        &strings([
            "DynamoDB request",
            "p50 ms",
            "p90 ms",
            "p50 over the floor's form, ms",
            "DynamoDB Local CPU ms",
        ]),
        &[Left, Right, Right, Right, Right],
        &out,
    ))
}

fn init(v: &Value) -> Result<String> {
    let mut out = Vec::new();
    for r in list(v, "rows")? {
        out.push(vec![
            text(r, "function")?.to_string(),
            text(r, "first_event")?.to_string(),
            format!("{} ms", fixed(num(r, "p50_ms")?, 1)),
            format!("{} ms", fixed(num(r, "max_ms")?, 1)),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings(["function", "first event", "p50", "max"]),
        &[Left, Left, Right, Right],
        &out,
    ))
}

fn sizes(v: &Value) -> Result<String> {
    let goal = num(v, "goal_bytes")?;
    let mut out = Vec::new();
    for r in rows(v)? {
        let bytes = num(r, "zip_bytes")?;
        out.push(vec![
            text(r, "function")?.to_string(),
            format!("{} MiB", fixed(bytes / 1_048_576.0, 2)),
            fixed(bytes, 0),
            if bytes <= goal { "yes" } else { "**no**" }.to_string(),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings(["function", "zipped", "bytes", "within 4 MiB"]),
        &[Left, Right, Right, Left],
        &out,
    ))
}

/// wrk's latency (`1.03ms`, `850.00us`, `1.20s`) in milliseconds.
fn wrk_ms(latency: &str) -> Result<f64> {
    let split = latency
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| anyhow!("no unit in wrk latency `{latency}`"))?;
    let (n, unit) = latency.split_at(split);
    let n: f64 = n
        .trim()
        .parse()
        .with_context(|| format!("wrk latency `{latency}`"))?;
    Ok(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => bail!("unknown unit in wrk latency `{latency}`"),
    })
}

fn throughput(v: &Value) -> Result<String> {
    let map = v
        .as_object()
        .ok_or_else(|| anyhow!("not an object: {}", brief(v)))?;
    let mut out = Vec::new();
    // Every object in it is one request the bench loaded (`tags`, `search`); the stamp's
    // keys are not.
    for (name, r) in map.iter().filter(|(_, r)| r.is_object()) {
        let label = match name.as_str() {
            "tags" => "`GET /v1/workspaces/{ws}/tags`",
            "search" => "`GET .../details?limit=25&include=tags`",
            other => other,
        };
        out.push(vec![
            label.to_string(),
            fixed(num(r, "rps")?, 0),
            format!("{} ms", fixed(wrk_ms(text(r, "p50")?)?, 2)),
            format!("{} ms", fixed(wrk_ms(text(r, "p99")?)?, 2)),
        ]);
    }
    use Align::*;
    Ok(table(
        &strings(["request", "requests/s", "p50", "p99"]),
        &[Left, Right, Right, Right],
        &out,
    ))
}

/// `/v1/workspaces/<id>/tags` as `/v1/workspaces/{ws}/tags`.
fn route_template(path: &str) -> String {
    let mut out = Vec::new();
    let mut after_workspaces = false;
    for segment in path.split('/') {
        out.push(if after_workspaces { "{ws}" } else { segment });
        after_workspaces = segment == "workspaces";
    }
    out.join("/")
}

/// Two binaries counted in one run (`infra/scripts/profile.py`): the first entry of each
/// map is before, the second after.
fn profile_compare(v: &Value) -> Result<String> {
    let path = route_template(text(v, "path")?);
    let instructions: Vec<f64> = field(v, "instructions_per_request")?
        .as_object()
        .ok_or_else(|| anyhow!("`instructions_per_request` is not an object"))?
        .values()
        .map(|n| n.as_f64().ok_or_else(|| anyhow!("not a number: {n}")))
        .collect::<Result<_>>()?;
    // One binary (a run without `BENCH_PROFILE_BASE`) has no before.
    let (before, after) = match instructions[..] {
        [before, after] => (Some(before), after),
        [only] => (None, only),
        _ => bail!("`instructions_per_request` should hold one binary, or two: before then after"),
    };
    let mut out = vec![vec![
        "instructions per request (callgrind)".to_string(),
        before.map_or("–".into(), |b| fixed(b, 0)),
        fixed(after, 0),
        before.map_or("–".into(), |b| percent_change(b, after)),
    ]];
    if let Some(wrk) = v.get("wrk_requests_per_second_rounds") {
        let rounds = |key: &str| -> Result<Vec<f64>> {
            list(wrk, key)?
                .iter()
                .map(|n| n.as_f64().ok_or_else(|| anyhow!("not a number: {n}")))
                .collect()
        };
        let (b, a) = (rounds("before")?, rounds("after")?);
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        let show = |x: &[f64]| {
            x.iter()
                .map(|n| fixed(*n, 0))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let numbers = (1..=b.len().max(a.len()))
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" / ");
        out.push(vec![
            format!("requests/s (`wrk -t2 -c64 -d10s`, rounds {numbers})"),
            show(&b),
            show(&a),
            format!("{} (mean)", percent_change(mean(&b), mean(&a))),
        ]);
    }
    use Align::*;
    Ok(table(
        &[
            format!("`GET {path}`, release `pirros-local`"),
            "before".into(),
            "after".into(),
            "change".into(),
        ],
        &[Left, Right, Right, Right],
        &out,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// The staleness check itself: `cargo test --workspace` fails when a bench run's JSON
    /// was checked in without its doc, or a generated table was edited by hand.
    #[test]
    fn the_checked_in_doc_is_what_the_checked_in_json_renders() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let doc = root.join("docs/performance.md");
        let bench = root.join("docs/bench");
        let text = std::fs::read_to_string(&doc).unwrap();
        let rendered = render_doc(&text, &|file| load_json(&bench.join(file))).unwrap();
        rendered.require_all().unwrap();
        assert!(
            rendered.text == text,
            "docs/performance.md differs from what docs/bench/ renders \
             (run `cargo run -p pirros-bench -- tables`):\n{}",
            rendered.differences()
        );
    }

    /// docs/cost.md's marked tables are `infra/scripts/cost.py`'s rendering of
    /// docs/bench/cost.json (the script is their one author; this runs its check).
    #[test]
    fn the_checked_in_cost_doc_is_what_the_checked_in_json_renders() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let out = std::process::Command::new("python3")
            .current_dir(&root)
            .args([
                "infra/scripts/cost.py",
                "docs/bench",
                "256",
                "--doc",
                "docs/cost.md",
                "--check",
            ])
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn routes_json(p50: f64) -> Value {
        json!({"samples": 500, "rows": [
            {"route": "token", "p50_ms": p50, "p99_ms": 8.764882, "floor_p50_ms": 1.474903,
             "ratio": p50 / 1.474903, "calls": 3.0, "items_read": 1.0},
            {"route": "details get", "p50_ms": 1.538347, "p99_ms": 5.738763,
             "floor_p50_ms": 1.343448, "ratio": 1.1450737207543575, "calls": 7.002,
             "items_read": 2.0}
        ]})
    }

    fn doc_with_routes() -> String {
        "# Title\n\nProse before, kept as it is.\n\n<!-- table:routes -->\n| stale |\n<!-- /table -->\n\nProse after.\n".into()
    }

    fn render_with(doc: &str, json: Value) -> Result<Rendered> {
        render_doc(doc, &move |file| {
            assert_eq!(file, "routes.json");
            Ok(json.clone())
        })
    }

    #[test]
    fn routes_render_as_the_doc_writes_them() {
        let table = routes(&routes_json(1.91217)).unwrap();
        assert_eq!(
            table,
            "| route | p50 ms | p99 ms | floor p50 ms | p50 / floor | DynamoDB calls | items read |\n\
             |---|---:|---:|---:|---:|---:|---:|\n\
             | `POST /oauth/token` | 1.91 | 8.76 | 1.47 | 1.30 | 3 | 1 |\n\
             | details get | 1.54 | 5.74 | 1.34 | **1.15** | 7 | 2 |"
        );
    }

    #[test]
    fn routes_cpu_sets_the_emulators_work_beside_the_latency() {
        let v = serde_json::json!({"rows": [
            {"route": "details search", "ratio": 1.2513, "dynamodb_cpu_ms": 4.4012, "floor_dynamodb_cpu_ms": 3.3009},
        ]});
        assert_eq!(
            routes_cpu(&v).unwrap(),
            "| route | DynamoDB Local CPU ms per request | its floor's | CPU / floor | p50 / floor |\n\
             |---|---:|---:|---:|---:|\n\
             | details search | 4.40 | 3.30 | 1.33 | 1.25 |"
        );
        // A run that did not read the emulator's CPU cannot fill the table.
        let v = serde_json::json!({"rows": [
            {"route": "tags", "ratio": 1.0, "dynamodb_cpu_ms": null, "floor_dynamodb_cpu_ms": null},
        ]});
        assert!(routes_cpu(&v).is_err());
    }

    #[test]
    fn call_shapes_show_each_over_its_bare_form() {
        let v = serde_json::json!({"shapes": [
            {"shape": "GetItem (floor)", "bare": null, "p50_ms": 0.4812, "p90_ms": 0.6, "dynamodb_cpu_ms": 0.912},
            {"shape": "GetItem, capacity", "bare": "GetItem (floor)", "p50_ms": 0.5634, "p90_ms": 0.71, "dynamodb_cpu_ms": 1.0349},
            {"shape": "GetItem, faster", "bare": "GetItem (floor)", "p50_ms": 0.4791, "p90_ms": 0.6, "dynamodb_cpu_ms": null},
        ]});
        assert_eq!(
            call_shapes(&v).unwrap(),
            "| DynamoDB request | p50 ms | p90 ms | p50 over the floor's form, ms | DynamoDB Local CPU ms |\n\
             |---|---:|---:|---:|---:|\n\
             | GetItem (floor) | 0.48 | 0.60 | – | 0.91 |\n\
             | GetItem, capacity | 0.56 | 0.71 | +0.08 | 1.03 |\n\
             | GetItem, faster | 0.48 | 0.60 | +0.00 | – |"
        );
        // A shape compared with one the run did not measure is an error, not a blank.
        let v = serde_json::json!({"shapes": [
            {"shape": "x", "bare": "missing", "p50_ms": 1.0, "p90_ms": 1.0},
        ]});
        assert!(
            call_shapes(&v)
                .unwrap_err()
                .to_string()
                .contains("`missing`")
        );
    }

    #[test]
    fn a_changed_json_number_changes_the_table() {
        let doc = doc_with_routes();
        let first = render_with(&doc, routes_json(1.91217)).unwrap();
        let second = render_with(&doc, routes_json(2.5)).unwrap();
        assert_ne!(first.text, second.text);
        assert!(first.text.contains("| `POST /oauth/token` | 1.91 |"));
        assert!(second.text.contains("| `POST /oauth/token` | 2.50 |"));
        // Rendering what is already rendered changes nothing.
        let again = render_with(&second.text, routes_json(2.5)).unwrap();
        assert_eq!(again.text, second.text);
        assert_eq!(again.differences(), "");
    }

    #[test]
    fn prose_outside_the_markers_is_kept() {
        let doc = doc_with_routes();
        let out = render_with(&doc, routes_json(1.91217)).unwrap().text;
        assert!(out.starts_with(
            "# Title\n\nProse before, kept as it is.\n\n<!-- table:routes -->\n| route |"
        ));
        assert!(out.ends_with("| 2 |\n<!-- /table -->\n\nProse after.\n"));
        assert!(!out.contains("stale"));
    }

    #[test]
    fn a_hand_edited_table_fails_the_check() {
        let doc = render_with(&doc_with_routes(), routes_json(1.91217))
            .unwrap()
            .text;
        let edited = doc.replace("| 1.91 |", "| 1.80 |");
        let check = render_with(&edited, routes_json(1.91217)).unwrap();
        assert_ne!(check.text, edited);
        let diff = check.differences();
        assert!(diff.contains("table `routes` (from routes.json)"), "{diff}");
        assert!(diff.contains("- | `POST /oauth/token` | 1.80 |"), "{diff}");
        assert!(diff.contains("+ | `POST /oauth/token` | 1.91 |"), "{diff}");
        // Only the edited line is reported.
        assert_eq!(diff.lines().count(), 3, "{diff}");
    }

    #[test]
    fn a_run_with_before_figures_renders_before_and_after() {
        let mut json = routes_json(1.91217);
        json["rows"][0]["before"] = json!({"p50_ms": 1.9, "floor_p50_ms": 1.61,
            "ratio": 1.18, "calls": 4.0, "items_read": 1.0});
        let table = routes(&json).unwrap();
        assert!(table.starts_with("| route (before → after) |"), "{table}");
        assert!(
            table.contains(
                "| `POST /oauth/token` | 1.90 → 1.91 | 8.76 | 1.61 → 1.47 | 1.18 → 1.30 | 4 → 3 | 1 → 1 |"
            ),
            "{table}"
        );
        // A row without `before` keeps its figures alone.
        assert!(table.contains("| details get | 1.54 | 5.74 |"), "{table}");
    }

    #[test]
    fn a_measured_hop_is_the_last_row() {
        let mut json = routes_json(1.91217);
        assert!(!routes(&json).unwrap().contains("hop alone"));
        json["hop"] = json!({"p50_ms": 0.4321, "p99_ms": 1.5});
        let table = routes(&json).unwrap();
        let last = table.lines().last().unwrap();
        assert_eq!(
            last,
            "| the HTTP hop alone (`GET /.well-known/jwks.json`, no storage) | 0.43 | 1.50 | – | – | 0 | 0 |"
        );
    }

    #[test]
    fn a_commit_in_the_json_is_written_under_its_table() {
        let mut json = routes_json(1.91217);
        json["commit"] = json!("abc1234");
        let out = render_with(&doc_with_routes(), json.clone()).unwrap().text;
        assert!(out.contains("| 2 |\n\nMeasured at commit `abc1234`.\n<!-- /table -->"));
        json["dirty"] = json!(true);
        let out = render_with(&doc_with_routes(), json).unwrap().text;
        assert!(out.contains("Measured at commit `abc1234` with uncommitted changes."));
    }

    #[test]
    fn broken_markers_are_refused() {
        let json = routes_json(1.0);
        for (doc, why) in [
            ("<!-- table:routes -->\n| x |\n", "never closed"),
            (
                "<!-- table:nope -->\n<!-- /table -->\n",
                "no table is named",
            ),
            ("<!-- /table -->\n", "without its opening"),
            (
                "<!-- table:routes -->\n<!-- /table -->\n<!-- table:routes -->\n<!-- /table -->\n",
                "marked twice",
            ),
        ] {
            let err = render_with(doc, json.clone()).err().unwrap().to_string();
            assert!(err.contains(why), "{doc:?}: {err}");
        }
        let partial = render_with(&doc_with_routes(), json).unwrap();
        let err = partial.require_all().unwrap_err().to_string();
        assert!(err.contains("search-scale"), "{err}");
    }

    #[test]
    fn numbers_are_written_as_the_doc_writes_them() {
        assert_eq!(fixed(13360.6, 0), "13,361");
        assert_eq!(fixed(57539.14, 0), "57,539");
        assert_eq!(fixed(1234567.891, 2), "1,234,567.89");
        assert_eq!(fixed(-1234.0, 0), "-1,234");
        assert_eq!(fixed(999.96, 1), "1,000.0");
        assert_eq!(short(7.002), "7");
        assert_eq!(short(2.5), "2.5");
        assert_eq!(percent_change(77544.0, 77463.0), "−0.1 %");
        assert_eq!(percent_change(77210.0, 77541.0), "+0.4 %");
        assert_eq!(percent_change(100.0, 100.0), "0.0 %");
        assert_eq!(wrk_ms("1.03ms").unwrap(), 1.03);
        assert_eq!(wrk_ms("850.00us").unwrap(), 0.85);
        assert_eq!(decimal_size(3e9), "3 GB");
        assert_eq!(decimal_size(1e8), "100 MB");
        assert_eq!(thousands_label(300_000), "300k");
        assert_eq!(
            route_template("/v1/workspaces/3f0c/tags"),
            "/v1/workspaces/{ws}/tags"
        );
    }

    #[test]
    fn a_query_page_slower_than_its_goal_says_where() {
        let row = |page: &str, query: &str, p50: f64| {
            json!({"page": page, "query": query, "results": 25, "next_cursor": true,
                   "items_read": 26, "round_trips": 4, "read_units": 1.5, "p50_ms": p50})
        };
        let json = json!({"limit": 25, "runs": [
            {"details": 10000, "rows": [row("tag", "tag_id=t", 2.0), row("q 1 in 20", "q=x", 5.9)]},
            {"details": 100000, "rows": [row("tag", "tag_id=t", 2.0), row("q 1 in 20", "q=x", 6.1)]}
        ]});
        let table = search_scale(&json).unwrap();
        assert!(
            table.contains(
                "| `q=flashing` (1 in 20) | 25 / 25 | 26 / 26 | 4 | 1.5 | 5.9 / 6.1 | no (100k) |"
            ),
            "{table}"
        );
        assert!(
            table.contains(
                "| `tag_id=` (a tag on ~1 %) | 25 / 25 | 26 / 26 | 4 | 1.5 | 2.0 / 2.0 | – |"
            ),
            "{table}"
        );
    }
}
