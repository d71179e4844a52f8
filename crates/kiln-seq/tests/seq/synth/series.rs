//! The generated ETTh1 stand-in: seeded, periodic, correlated, and readable by the loader.

use kiln_seq::io::ett::Features;
use kiln_seq::synth::series::{ETT_COLUMNS, SeriesConfig};

fn autocorrelation(x: &[f32], lag: usize) -> f64 {
    let n = x.len() - lag;
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len() as f64;
    let var: f64 = x.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum();
    let cov: f64 = (0..n).map(|i| (f64::from(x[i]) - mean) * (f64::from(x[i + lag]) - mean)).sum();
    cov / var
}

#[test]
fn seeded_and_written_as_ett() {
    let cfg = SeriesConfig::new(24 * 70, 5);
    assert_eq!(cfg.generate(), cfg.generate());
    assert_ne!(cfg.generate(), SeriesConfig::new(24 * 70, 6).generate());
    let dir = std::env::temp_dir().join(format!("kiln-seq-series-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("synthetic.csv");
    let m = cfg.write_and_read(&path, Features::M).unwrap();
    assert_eq!(m.columns, ETT_COLUMNS);
    assert_eq!(m.values, cfg.generate()); // f32 Display round-trips exactly
    assert_eq!(m.dates[0].to_string(), "2016-07-01 00:00:00");
    assert_eq!(m.dates[25].to_string(), "2016-07-02 01:00:00");
    let s = cfg.write_and_read(&path, Features::S).unwrap();
    assert_eq!(s.values, m.channel(6));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn daily_season_and_correlated_channels() {
    let cfg = SeriesConfig::new(24 * 200, 1);
    let values = cfg.generate();
    let channel = |c: usize| values.iter().skip(c).step_by(7).copied().collect::<Vec<f32>>();
    let ot = channel(6);
    // The daily season: in phase after 24 h, against it after 12 h.
    assert!(autocorrelation(&ot, 24) > autocorrelation(&ot, 12) + 0.3);
    // The shared factors correlate the channels.
    let (a, b) = (channel(0), channel(6));
    let diff = |x: &[f32], lag: usize| x.windows(lag + 1).map(|w| w[lag] - w[0]).collect::<Vec<f32>>();
    // Day-over-day changes (season removed) of two channels move together.
    let (da, db) = (diff(&a, 24), diff(&b, 24));
    let mean = |x: &[f32]| x.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len() as f64;
    let (ma, mb) = (mean(&da), mean(&db));
    let cov: f64 = da.iter().zip(&db).map(|(&x, &y)| (f64::from(x) - ma) * (f64::from(y) - mb)).sum();
    let va: f64 = da.iter().map(|&x| (f64::from(x) - ma).powi(2)).sum();
    let vb: f64 = db.iter().map(|&y| (f64::from(y) - mb).powi(2)).sum();
    assert!(cov / (va * vb).sqrt() > 0.2, "channel correlation {}", cov / (va * vb).sqrt());
}
