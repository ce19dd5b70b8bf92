//! Capacity of a shared plan (docs/capacity.md), printed as markdown tables: the largest plan
//! whose pull + merge and push stay within the sync targets, and how pushes, retries, errors
//! and broken invariants grow with the number of planners sharing one plan
//! (`PI_CAPACITY_SECS` of load per row, default 30).
//!
//! `cargo bench -p pi-scenarios --bench capacity` runs both; a trailing `plan-size` or
//! `planners` runs one. It measures for many minutes.

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selected = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    if selected("plan-size") {
        runtime.block_on(pi_scenarios::load::capacity_plan_size());
    }
    if selected("planners") {
        runtime.block_on(pi_scenarios::load::capacity_planners());
    }
}
