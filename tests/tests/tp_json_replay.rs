//! The TP JSON → plan fuzz target on stable: the checked-in seed corpus (`fuzz/corpus/tp_json/`,
//! the simulator's real answers to a team plan's reads, plain and hostile) and a fixed number of
//! seeded mutations of it go through the fuzz target's own check (`fuzz/src/tp_json.rs`): the
//! client's wire → plan mapping and inbound boundary, then render → parse.
//!
//! `PI_FUZZ_WRITE_CORPUS=1` writes the seeds afresh from the simulator.

use std::path::PathBuf;

use pi_scenarios::chaos::rng::Rng;
use pi_sim::{DataSource, GenSpec, SimConfig};

#[path = "../../fuzz/src/tp_json.rs"]
mod tp_json;

/// Mutated inputs replayed per run: about five seconds of a debug build on two cores, or of an
/// optimised build with more.
const MUTATIONS: usize = if cfg!(debug_assertions) {
    6_000
} else {
    20_000
};
/// Inputs larger than this are replayed as they are but not mutated (time).
const MUTATE_BELOW_BYTES: usize = 24 * 1024;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/tp_json")
}

/// The checked-in seeds, by name.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus_dir())
        .expect("fuzz/corpus/tp_json exists")
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("corpus file reads"))
        })
        .collect();
    files.sort();
    files
}

/// Fragments a mutation inserts: JSON structure, wire field names, hostile text.
const TOKENS: [&str; 22] = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "-1",
    "1e999",
    "0.5",
    "\"Items\":[",
    "\"Name\":",
    "\"Description\":",
    "\"Id\":",
    "\"Owner\":{\"Id\":1,\"FullName\":",
    "\"TeamPIObjectives\":{\"Items\":[{\"Id\":",
    "\\u0000",
    "\\n<<<<<<< x\\n",
    "<div>",
    "\u{ff}",
];

/// One seeded mutation of `input` (`others` for splices).
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, others: &[&[u8]]) {
    let at = |rng: &mut Rng, len: usize| rng.below(len + 1);
    match rng.below(6) {
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] = rng.below(256) as u8;
        }
        1 => {
            let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
            let i = at(rng, input.len());
            input.splice(i..i, token.iter().copied());
        }
        2 if !input.is_empty() => {
            let i = rng.below(input.len());
            let end = (i + rng.range(1, 16)).min(input.len());
            input.drain(i..end);
        }
        3 if !input.is_empty() => {
            let i = rng.below(input.len());
            let end = (i + rng.range(1, 64)).min(input.len());
            let copy = input[i..end].to_vec();
            let j = at(rng, input.len());
            input.splice(j..j, copy);
        }
        4 => {
            // A hostile value where a JSON string starts: mostly valid JSON, hostile content.
            let quotes: Vec<usize> = (0..input.len()).filter(|i| input[*i] == b'"').collect();
            if let Some(&q) = rng.pick(&quotes) {
                let pick = rng.below(pi_sim::hostile::NAME_COUNT as usize * 3) as u64;
                let value = serde_json::to_string(&pi_sim::hostile::name(pick, "x"))
                    .expect("a string serialises");
                let inner = &value.as_bytes()[1..value.len() - 1];
                input.splice(q + 1..q + 1, inner.iter().copied());
            }
        }
        _ => {
            if let Some(other) = rng.pick(others) {
                let keep = at(rng, input.len());
                let from = rng.below(other.len().max(1));
                input.truncate(keep);
                input.extend_from_slice(other.get(from..).unwrap_or_default());
            }
        }
    }
}

#[test]
fn tp_json_seed_corpus_and_its_mutations_map_render_and_parse_back() {
    let seeds = corpus();
    assert!(seeds.len() >= 4, "the seed corpus is missing: {seeds:?}");
    for (name, bytes) in &seeds {
        let replay = std::panic::catch_unwind(|| tp_json::check(bytes));
        assert!(replay.is_ok(), "seed {name} failed");
    }
    let small: Vec<&[u8]> = seeds
        .iter()
        .map(|(_, b)| b.as_slice())
        .filter(|b| b.len() < MUTATE_BELOW_BYTES)
        .collect();
    let mut rng = Rng::new(0x7b_150a);
    let started = std::time::Instant::now();
    for i in 0..MUTATIONS {
        let mut input = small[i % small.len()].to_vec();
        for _ in 0..rng.range(1, 4) {
            mutate(&mut rng, &mut input, &small);
        }
        if std::panic::catch_unwind(|| tp_json::check(&input)).is_err() {
            let path = std::env::temp_dir().join(format!("tp_json-crash-{i}"));
            let _ = std::fs::write(&path, &input);
            panic!("mutated input {i} failed; written to {}", path.display());
        }
    }
    eprintln!(
        "tp_json replay: {} seeds, {MUTATIONS} mutations in {:.1} s",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The answers to a team plan's reads, as the client asks for them, joined by the separator.
async fn answers(sim: &pi_sim::RunningSim) -> Vec<u8> {
    let owner = "[Id,FirstName,LastName,FullName,Login]";
    let work = format!(
        "Name,Description,EntityState[Id,Name],Effort,Owner{owner},LastEditor{owner},\
         ModifyDate,EntityVersion"
    );
    let reads = [
        format!(
            "TeamPIObjectives?include=[{work},Committed,BusinessValue,ActualBusinessValue,\
             ProgramPIObjective[Id]]"
        ),
        format!("Features?include=[{work},CustomFields,TeamPIObjectives[Id]]"),
        "ProgramPIObjectives?include=[Name]".to_owned(),
        format!(
            "Releases/{}?include=[Name,AgileReleaseTrain[Id,Name]]",
            sim.control().ids("Releases")[0]
        ),
        format!("Teams/{}?include=[Name]", sim.control().ids("Teams")[0]),
    ];
    let mut out = Vec::new();
    for (i, read) in reads.iter().enumerate() {
        let sep = if read.contains('?') { '&' } else { '?' };
        let url = format!(
            "{}/api/v1/{read}{sep}access_token={}",
            sim.base_url(),
            sim.access_token()
        );
        let body = get(&url).await;
        if i > 0 {
            out.push(tp_json::SEPARATOR);
        }
        out.extend_from_slice(&body);
    }
    out
}

/// A GET over loopback, without an HTTP client dependency: HTTP/1.0, read to the end.
async fn get(url: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("a loopback URL");
    let (host, path) = rest.split_at(rest.find('/').expect("a path"));
    let path = path.replace('[', "%5B").replace(']', "%5D");
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("connects");
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    let start = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end")
        + 4;
    assert!(answer.starts_with(b"HTTP/1.0 200") || answer.starts_with(b"HTTP/1.1 200"));
    answer.split_off(start)
}

/// The seeds from the simulator: a small plan, plain and hostile with a few seeds each.
#[tokio::test]
async fn the_seed_corpus_is_the_simulators_answers() {
    let spec = GenSpec {
        teams: 1,
        objectives_per_team: 2,
        features_per_objective: 1,
        releases: 1,
    };
    let mut fresh = Vec::new();
    for (seed, hostile) in [(1, false), (2, true), (3, true), (4, true), (5, true)] {
        let data = DataSource::Generated(spec);
        let data = if hostile {
            DataSource::Hostile(Box::new(data))
        } else {
            data
        };
        let sim = pi_sim::start(SimConfig {
            seed,
            data,
            control_api: true,
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        let name = format!("sim-{}-{seed}", if hostile { "hostile" } else { "plain" });
        fresh.push((name, answers(&sim).await));
        sim.shutdown().await;
    }
    if std::env::var_os("PI_FUZZ_WRITE_CORPUS").is_some() {
        for (name, bytes) in &fresh {
            std::fs::write(corpus_dir().join(name), bytes).expect("corpus written");
        }
    }
    let checked_in = corpus();
    for (name, bytes) in &fresh {
        tp_json::check(bytes);
        let stored = checked_in.iter().find(|(n, _)| n == name);
        assert!(
            stored.is_some_and(|(_, b)| b == bytes),
            "fuzz/corpus/tp_json/{name} is not the simulator's answer: run once with \
             PI_FUZZ_WRITE_CORPUS=1"
        );
    }
}
