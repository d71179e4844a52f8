//! The ETT/Autoformer CSV: a `date` column (`YYYY-MM-DD HH:MM:SS`) and numeric columns, one
//! row per time step (Zhou et al., "Informer", AAAI 2021; the layout Autoformer, PGN and TPGN
//! read).
//!
//! Time features follow Autoformer's `timefeatures.py` for hourly data (`freq = 'h'`), each in
//! `[−0.5, 0.5]`:
//! - HourOfDay `= hour/23 − 0.5`;
//! - DayOfWeek `= weekday/6 − 0.5` (Monday = 0);
//! - DayOfMonth `= (day − 1)/30 − 0.5`;
//! - DayOfYear `= (day_of_year − 1)/365 − 0.5`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, SeqError};

/// Number of time features per step (hour, weekday, day of month, day of year).
pub const TIME_FEATURES: usize = 4;

/// Which columns are forecast (Autoformer's `--features`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Features {
    /// Multivariate: every numeric column, the target moved last (Autoformer's `M`).
    M,
    /// Univariate: the target column alone (Autoformer's `S`, the PGN/TPGN paper's setting).
    #[default]
    S,
}

/// A calendar date and time of day (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Timestamp {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
}

impl Timestamp {
    /// Parses `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD`); `None` for any
    /// other text or an impossible date.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (date, time) = match text.split_once([' ', 'T']) {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
        let mut d = date.split('-');
        let year: i32 = d.next()?.parse().ok()?;
        let month: u32 = d.next()?.parse().ok()?;
        let day: u32 = d.next()?.parse().ok()?;
        if d.next().is_some() {
            return None;
        }
        let (mut hour, mut minute, mut second) = (0, 0, 0);
        if let Some(time) = time {
            let mut t = time.split(':');
            hour = t.next()?.parse().ok()?;
            minute = t.next()?.parse().ok()?;
            second = match t.next() {
                Some(s) => s.parse().ok()?,
                None => 0,
            };
            if t.next().is_some() {
                return None;
            }
        }
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(Self { year, month, day, hour, minute, second })
    }

    /// Days since 1970-01-01 (Hinnant's `days_from_civil`).
    pub fn days_since_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The timestamp `hours` hours after midnight of 1970-01-01 (Hinnant's `civil_from_days`).
    pub fn from_hours_since_epoch(hours: i64) -> Self {
        let days = hours.div_euclid(24);
        let hour = hours.rem_euclid(24) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day, hour, minute: 0, second: 0 }
    }

    /// Hours since 1970-01-01 00:00 (minutes and seconds dropped).
    pub fn hours_since_epoch(&self) -> i64 {
        self.days_since_epoch() * 24 + i64::from(self.hour)
    }

    /// Day of the week, Monday = 0 … Sunday = 6 (pandas' `dayofweek`).
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    /// Day of the year, 1-based (pandas' `dayofyear`).
    pub fn day_of_year(&self) -> u32 {
        (1..self.month).map(|m| days_in_month(self.year, m)).sum::<u32>() + self.day
    }

    /// Autoformer's hourly time features `[hour/23, weekday/6, (day−1)/30, (doy−1)/365] − 0.5`.
    pub fn time_features(&self) -> [f32; TIME_FEATURES] {
        [
            self.hour as f32 / 23.0 - 0.5,
            self.weekday() as f32 / 6.0 - 0.5,
            (self.day - 1) as f32 / 30.0 - 0.5,
            (self.day_of_year() - 1) as f32 / 365.0 - 0.5,
        ]
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A multivariate series read from an ETT-format CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct EttSeries {
    /// The file it came from.
    pub path: PathBuf,
    /// Names of the channels, the target last.
    pub columns: Vec<String>,
    /// One timestamp per step.
    pub dates: Vec<Timestamp>,
    /// Values, row-major `[len, channels]`.
    pub values: Vec<f32>,
    /// Time features, row-major `[len, TIME_FEATURES]`.
    pub marks: Vec<f32>,
}

impl EttSeries {
    /// Number of time steps.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether there is no time step.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.columns.len()
    }

    /// The values of channel `c` over time.
    pub fn channel(&self, c: usize) -> Vec<f32> {
        let n = self.channels();
        self.values.iter().skip(c).step_by(n.max(1)).copied().collect()
    }
}

/// Reads an ETT-format CSV: the `date` column, then `target` and (for [`Features::M`]) every
/// other column as numbers.
///
/// # Errors
/// [`SeqError::Io`] when the file cannot be read; [`SeqError::MissingColumn`] without a
/// `date` or `target` column; [`SeqError::RaggedRow`] for a row with another number of fields
/// than the header; [`SeqError::Parse`] for a date or number that does not parse (or is not
/// finite); [`SeqError::Empty`] without data rows.
pub fn read_ett(path: impl AsRef<Path>, target: &str, features: Features) -> Result<EttSeries> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| SeqError::Io { path: path.to_path_buf(), source })?;
    parse_ett(&bytes, path, target, features)
}

/// [`read_ett`] on bytes already in memory; `path` only names them in errors.
///
/// # Errors
/// As [`read_ett`].
pub fn parse_ett(bytes: &[u8], path: &Path, target: &str, features: Features) -> Result<EttSeries> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(r) => r.map_err(|e| csv_error(path, &e))?,
        None => return Err(SeqError::Empty { what: format!("{}: no header", path.display()) }),
    };
    let names: Vec<String> = header.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
    let find = |column: &str| {
        names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| SeqError::MissingColumn { path: path.to_path_buf(), column: column.to_string() })
    };
    let date_col = find("date")?;
    let target_col = find(target)?;
    let mut used: Vec<usize> = match features {
        Features::S => Vec::new(),
        Features::M => (0..names.len()).filter(|&i| i != date_col && i != target_col).collect(),
    };
    used.push(target_col);
    let mut series = EttSeries {
        path: path.to_path_buf(),
        columns: used.iter().map(|&i| names[i].clone()).collect(),
        dates: Vec::new(),
        values: Vec::new(),
        marks: Vec::new(),
    };
    for record in records {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let row = record.position().map_or(0, |p| p.line() as usize);
        if record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        if record.len() != names.len() {
            return Err(SeqError::RaggedRow {
                path: path.to_path_buf(),
                row,
                expected: names.len(),
                found: record.len(),
            });
        }
        let field = |i: usize| String::from_utf8_lossy(record.get(i).unwrap_or_default()).trim().to_string();
        let parse_error = |i: usize, expected: &'static str| SeqError::Parse {
            path: path.to_path_buf(),
            row,
            column: names[i].clone(),
            value: field(i),
            expected,
        };
        let date =
            Timestamp::parse(&field(date_col)).ok_or_else(|| parse_error(date_col, "a date YYYY-MM-DD HH:MM:SS"))?;
        for &i in &used {
            match field(i).parse::<f32>() {
                Ok(v) if v.is_finite() => series.values.push(v),
                _ => return Err(parse_error(i, "a finite number")),
            }
        }
        series.marks.extend(date.time_features());
        series.dates.push(date);
    }
    if series.dates.is_empty() {
        return Err(SeqError::Empty { what: format!("{}: no data rows", path.display()) });
    }
    Ok(series)
}

fn csv_error(path: &Path, e: &csv::Error) -> SeqError {
    let row = e.position().map_or(0, |p| p.line() as usize);
    SeqError::Parse {
        path: path.to_path_buf(),
        row,
        column: "?".into(),
        value: e.to_string(),
        expected: "a CSV record",
    }
}

/// Writes `values` (row-major `[len, columns.len()]`) as an ETT-format CSV with hourly dates
/// from `start`.
///
/// # Errors
/// [`SeqError::Shape`] when `values` does not fill whole rows; [`SeqError::Io`] when the file
/// cannot be written.
pub fn write_ett(path: impl AsRef<Path>, start: Timestamp, columns: &[String], values: &[f32]) -> Result<()> {
    let path = path.as_ref();
    let n = columns.len();
    if n == 0 || !values.len().is_multiple_of(n) {
        return Err(SeqError::Shape {
            what: "ETT values".into(),
            expected: format!("a multiple of {n} columns"),
            found: values.len().to_string(),
        });
    }
    let mut text = String::from("date");
    for c in columns {
        text.push(',');
        text.push_str(c);
    }
    text.push('\n');
    let h0 = start.hours_since_epoch();
    for (t, row) in values.chunks(n).enumerate() {
        text.push_str(&Timestamp::from_hours_since_epoch(h0 + t as i64).to_string());
        for v in row {
            text.push_str(&format!(",{v}"));
        }
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|source| SeqError::Io { path: path.to_path_buf(), source })
}
