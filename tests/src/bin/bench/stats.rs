//! Median and 95th percentile of a measure's samples.

use serde_json::{Value, json};

/// What one server did in one measure: every sample in ms, and their median and p95.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The samples in ms, in the order they were taken.
    pub samples: Vec<f64>,
    /// The middle sample (the mean of the two middle ones for an even count).
    pub median: f64,
    /// The nearest-rank 95th percentile: 95 % of the samples are at or below it.
    pub p95: f64,
}

impl Summary {
    /// The summary of `samples` (ms); `None` when there are none.
    pub fn of(samples: Vec<f64>) -> Option<Summary> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted.len() / 2;
        let median =
            if sorted.len().is_multiple_of(2) { (sorted[middle - 1] + sorted[middle]) / 2.0 } else { sorted[middle] };
        // Nearest rank: the smallest sample with at least 95 % of them at or below it.
        let rank = (0.95 * sorted.len() as f64).ceil() as usize;
        let p95 = sorted[rank.clamp(1, sorted.len()) - 1];
        Some(Summary { samples, median, p95 })
    }

    /// As JSON: median, p95, the count and the samples.
    pub fn to_json(&self) -> Value {
        json!({ "median_ms": self.median, "p95_ms": self.p95, "n": self.samples.len(), "samples_ms": self.samples })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_samples_have_no_summary() {
        assert_eq!(Summary::of(vec![]), None);
    }

    #[test]
    fn median_of_an_odd_count_is_the_middle_sample() {
        let summary = Summary::of(vec![5.0, 1.0, 3.0]).expect("samples");
        assert_eq!(summary.median, 3.0);
        assert_eq!(summary.p95, 5.0);
    }

    #[test]
    fn median_of_an_even_count_is_between_the_middle_two() {
        assert_eq!(Summary::of(vec![4.0, 1.0, 2.0, 3.0]).expect("samples").median, 2.5);
    }

    #[test]
    fn p95_of_a_hundred_is_the_ninety_fifth() {
        let summary = Summary::of((1..=100).rev().map(f64::from).collect()).expect("samples");
        assert_eq!(summary.p95, 95.0);
        assert_eq!(summary.median, 50.5);
    }
}
