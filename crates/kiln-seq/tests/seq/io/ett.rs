//! The ETT/Autoformer CSV reader: exact time features, every bad input its typed error, and
//! damaged files never panic.

use std::path::{Path, PathBuf};

use kiln_seq::SeqError;
use kiln_seq::forecast::{ForecastData, SplitScheme, WindowSpec};
use kiln_seq::io::ett::{Features, Timestamp, parse_ett, read_ett};

/// A fresh scratch directory for `name`.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-seq-ett-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(name: &str, text: &str) -> PathBuf {
    let path = scratch(name).join("data.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// `n` hourly rows from 2016-07-01 with columns `date,HUFL,OT`.
fn hourly(n: usize) -> String {
    let mut text = String::from("date,HUFL,OT\n");
    let h0 = Timestamp::parse("2016-07-01 00:00:00").unwrap().hours_since_epoch();
    for t in 0..n {
        let date = Timestamp::from_hours_since_epoch(h0 + t as i64);
        text.push_str(&format!("{date},{}.5,{}\n", t % 7, t % 24));
    }
    text
}

#[test]
fn time_features_match_autoformer_on_known_dates() {
    let path = write(
        "marks",
        "date,OT\n2016-07-01 00:00:00,1\n2018-02-20 23:00:00,2\n2016-12-31 12:00:00,3\n2017-01-01 05:00:00,4\n",
    );
    let s = read_ett(&path, "OT", Features::S).unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(s.values, vec![1.0, 2.0, 3.0, 4.0]);
    // 2016-07-01 is a Friday (4), day 183 of a leap year.
    let expected: [[f32; 4]; 4] = [
        [0.0 / 23.0 - 0.5, 4.0 / 6.0 - 0.5, 0.0 / 30.0 - 0.5, 182.0 / 365.0 - 0.5],
        // Tuesday (1), day 51.
        [23.0 / 23.0 - 0.5, 1.0 / 6.0 - 0.5, 19.0 / 30.0 - 0.5, 50.0 / 365.0 - 0.5],
        // Saturday (5), day 366 of 2016.
        [12.0 / 23.0 - 0.5, 5.0 / 6.0 - 0.5, 30.0 / 30.0 - 0.5, 365.0 / 365.0 - 0.5],
        // Sunday (6), day 1.
        [5.0 / 23.0 - 0.5, 6.0 / 6.0 - 0.5, 0.0 / 30.0 - 0.5, 0.0 / 365.0 - 0.5],
    ];
    assert_eq!(s.marks, expected.concat());
    assert!(s.marks.iter().all(|m| (-0.5..=0.5).contains(m)));
}

#[test]
fn dates_round_trip_through_hours() {
    for text in ["1970-01-01 00:00:00", "2000-02-29 13:00:00", "2016-07-01 00:00:00", "2100-03-01 23:00:00"] {
        let t = Timestamp::parse(text).unwrap();
        assert_eq!(Timestamp::from_hours_since_epoch(t.hours_since_epoch()), t);
        assert_eq!(t.to_string(), text);
    }
    assert_eq!(Timestamp::parse("1970-01-01 00:00:00").unwrap().weekday(), 3);
    assert!(Timestamp::parse("2017-02-29 00:00:00").is_none());
    assert!(Timestamp::parse("2017-01-01 24:00:00").is_none());
}

#[test]
fn features_m_keeps_every_column_with_the_target_last() {
    let path = write("m", "date,OT,A,B\n2016-07-01 00:00:00,1,2,3\n2016-07-01 01:00:00,4,5,6\n");
    let m = read_ett(&path, "OT", Features::M).unwrap();
    assert_eq!(m.columns, vec!["A", "B", "OT"]);
    assert_eq!(m.values, vec![2.0, 3.0, 1.0, 5.0, 6.0, 4.0]);
    assert_eq!(m.channel(2), vec![1.0, 4.0]);
    let s = read_ett(&path, "OT", Features::S).unwrap();
    assert_eq!(s.columns, vec!["OT"]);
    assert_eq!(s.values, vec![1.0, 4.0]);
}

fn names_file(e: &SeqError, path: &Path) {
    assert!(e.to_string().contains(&path.display().to_string()), "{e} should name {}", path.display());
}

#[test]
fn each_bad_input_has_its_error() {
    let path = write("nodate", "time,OT\n2016-07-01 00:00:00,1\n");
    let e = read_ett(&path, "OT", Features::S).unwrap_err();
    assert!(matches!(&e, SeqError::MissingColumn { column, .. } if column == "date"), "{e}");
    names_file(&e, &path);

    let path = write("notarget", "date,HUFL\n2016-07-01 00:00:00,1\n");
    let e = read_ett(&path, "OT", Features::S).unwrap_err();
    assert!(matches!(&e, SeqError::MissingColumn { column, .. } if column == "OT"), "{e}");

    let path = write("baddate", "date,OT\n2016-07-01 00:00:00,1\n2016-13-01 00:00:00,2\n");
    let e = read_ett(&path, "OT", Features::S).unwrap_err();
    assert!(matches!(&e, SeqError::Parse { row: 3, column, .. } if column == "date"), "{e}");
    names_file(&e, &path);

    let path = write("emptydate", "date,OT\n,1\n");
    let e = read_ett(&path, "OT", Features::S).unwrap_err();
    assert!(matches!(&e, SeqError::Parse { row: 2, column, .. } if column == "date"), "{e}");

    let path = write("nonnumeric", "date,OT\n2016-07-01 00:00:00,1\n2016-07-01 01:00:00,abc\n");
    let e = read_ett(&path, "OT", Features::S).unwrap_err();
    assert!(matches!(&e, SeqError::Parse { row: 3, column, value, .. } if column == "OT" && value == "abc"), "{e}");
    names_file(&e, &path);

    let path = write("nan", "date,OT\n2016-07-01 00:00:00,nan\n");
    assert!(matches!(read_ett(&path, "OT", Features::S), Err(SeqError::Parse { row: 2, .. })));

    let path = write("ragged", "date,HUFL,OT\n2016-07-01 00:00:00,1,2\n2016-07-01 01:00:00,3\n");
    let e = read_ett(&path, "OT", Features::S).unwrap_err();
    assert!(matches!(e, SeqError::RaggedRow { row: 3, expected: 3, found: 2, .. }), "{e}");

    let path = write("empty", "date,OT\n");
    assert!(matches!(read_ett(&path, "OT", Features::S), Err(SeqError::Empty { .. })));

    let missing = scratch("missing").join("absent.csv");
    assert!(matches!(read_ett(&missing, "OT", Features::S), Err(SeqError::Io { .. })));
}

#[test]
fn windows_reject_short_series_and_off_period_lengths() {
    let path = write("short", &hourly(100));
    let s = read_ett(&path, "OT", Features::S).unwrap();
    let spec = WindowSpec { scheme: SplitScheme::Ratio, ..WindowSpec::new(96, 24) };
    let e = ForecastData::new(&s, &spec, 0).unwrap_err();
    assert!(matches!(e, SeqError::SeriesTooShort { len: 100, needed: 120, .. }), "{e}");
    let e = ForecastData::new(&s, &WindowSpec { seq_len: 50, ..spec }, 0).unwrap_err();
    assert!(matches!(e, SeqError::NotMultipleOfPeriod { what: "seq_len", value: 50, period: 24 }), "{e}");
    // Long enough overall, but the ETTh borders need 14 400 rows.
    let path = write("etth-short", &hourly(2000));
    let s = read_ett(&path, "OT", Features::S).unwrap();
    let e = ForecastData::new(&s, &WindowSpec::new(48, 24), 0).unwrap_err();
    assert!(matches!(e, SeqError::SeriesTooShort { needed: 14400, .. }), "{e}");
}

#[test]
fn damaged_files_give_ok_or_a_typed_error() {
    let valid = hourly(150).into_bytes();
    let path = scratch("mutated").join("data.csv");
    let spec = WindowSpec { scheme: SplitScheme::Ratio, ..WindowSpec::new(24, 4) };
    for seed in 0..300u64 {
        let bytes = kiln_testkit::mutate_with(&valid, seed);
        for features in [Features::S, Features::M] {
            match parse_ett(&bytes, &path, "OT", features) {
                Ok(series) => {
                    assert_eq!(series.values.len(), series.len() * series.channels());
                    assert_eq!(series.marks.len(), series.len() * 4);
                    assert!(series.values.iter().all(|v| v.is_finite()));
                    // Windows over whatever was read: Ok or a typed error, never a panic.
                    let _ = ForecastData::new(&series, &spec, seed);
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
}
