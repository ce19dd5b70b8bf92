//! Peak resident memory of the current process, from `/proc/self/status` (`VmHWM`).
//!
//! [`reset_peak`] writes `5` to `/proc/self/clear_refs`, which resets the high-water mark
//! (Linux ≥ 4.0), so each benchmark of a process reports its own peak rather than the largest
//! so far. Elsewhere both are no-ops and the peak is unknown.

/// The peak resident set size of this process in KiB, if the platform tells.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    vm_hwm_kib(&status)
}

/// Starts a new peak: the next [`peak_rss_kib`] reports the largest resident size from now on.
/// Returns whether the platform allowed it.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `VmHWM:   123456 kB` → 123456.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_high_water_mark_is_read_from_the_status_text() {
        let status = "Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t   1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(1234));
        assert_eq!(vm_hwm_kib("Name:\tx\n"), None);
    }

    #[test]
    fn a_large_allocation_raises_the_peak_after_a_reset() {
        if !reset_peak() {
            return; // not Linux: nothing to measure
        }
        let before = peak_rss_kib().unwrap();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let after = peak_rss_kib().unwrap();
        assert!(after >= before + 60 * 1024, "{before} → {after} KiB");
    }
}
