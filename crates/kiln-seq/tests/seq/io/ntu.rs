//! The NTU RGB+D `.skeleton` reader: a two-frame file parsed exactly, each malformed case
//! rejected with its line, damaged files never panic, resampling by hand.

use std::path::PathBuf;

use kiln_seq::SeqError;
use kiln_seq::io::ntu::{NTU_JOINTS, action_from_name, parse_ntu_skeleton, read_ntu_skeleton, resample_frames};

/// Joint line of joint `j` of body `b` in frame `f`: every value is known from `(f, b, j)`.
fn joint_line(f: usize, b: usize, j: usize) -> String {
    let [x, y, z] = xyz(f, b, j);
    format!("{x} {y} {z} {} {} {} {} 0.5 -0.5 0.25 1 {}", 100 + j, 200 + j, 300 + j, 400 + j, j % 3)
}

/// The position written for joint `j` of body `b` in frame `f` (`f32` prints so that it
/// parses back to the same value).
fn xyz(f: usize, b: usize, j: usize) -> [f32; 3] {
    [f as f32 + 0.01 * j as f32, b as f32 - 0.5, 2.0 + 0.1 * j as f32]
}

/// A valid file: frame 0 with one body, frame 1 with two. Returns the text and its lines.
fn two_frames() -> String {
    let mut lines = vec!["2".to_string()];
    for (f, bodies) in [(0usize, 1usize), (1, 2)] {
        lines.push(bodies.to_string());
        for b in 0..bodies {
            lines.push(format!("7205759403792{b} 0 1 2 1 2 0 0.125 -0.25 2"));
            lines.push("25".into());
            lines.extend((0..NTU_JOINTS).map(|j| joint_line(f, b, j)));
        }
    }
    lines.join("\n") + "\n"
}

fn skeleton_error(text: &str) -> (usize, String) {
    match parse_ntu_skeleton(text, "test.skeleton") {
        Err(SeqError::Skeleton { line, problem, path }) => {
            assert_eq!(path, PathBuf::from("test.skeleton"));
            (line, problem)
        }
        other => panic!("expected a skeleton error, got {other:?}"),
    }
}

#[test]
fn parses_a_two_frame_file_exactly() {
    let seq = parse_ntu_skeleton(&two_frames(), "two.skeleton").unwrap();
    assert_eq!(seq.frames.len(), 2);
    assert_eq!(seq.frames[0].len(), 1);
    assert_eq!(seq.frames[1].len(), 2);
    let body = &seq.frames[1][1];
    assert_eq!(body.id, "72057594037921");
    assert_eq!(body.info, [0.0, 1.0, 2.0, 1.0, 2.0, 0.0, 0.125, -0.25, 2.0]);
    assert_eq!(body.joints.len(), 25);
    let joint = body.joints[4];
    assert_eq!(joint.position, xyz(1, 1, 4));
    assert_eq!(joint.depth, [104.0, 204.0]);
    assert_eq!(joint.color, [304.0, 404.0]);
    assert_eq!(joint.orientation, [0.5, -0.5, 0.25, 1.0]);
    assert_eq!(joint.tracking, 1);
    assert_eq!(seq.frames[0][0].joints[24].position, xyz(0, 0, 24));
}

#[test]
fn body_positions_pad_missing_bodies_with_zeros() {
    let seq = parse_ntu_skeleton(&two_frames(), "two.skeleton").unwrap();
    let first = seq.body_positions(0).unwrap();
    assert_eq!(first.len(), 2 * 25 * 3);
    assert_eq!(&first[..3], &[0.0, -0.5, 2.0]);
    assert_eq!(&first[75..78], &[1.0, -0.5, 2.0]);
    let second = seq.body_positions(1).unwrap();
    assert!(second[..75].iter().all(|&v| v == 0.0));
    assert_eq!(&second[75..78], &[1.0, 0.5, 2.0]);
    assert!(matches!(seq.body_positions(2), Err(SeqError::Empty { .. })));
    // Resampled to 3 frames, the middle frame is the mean of the two.
    let input = seq.model_input(0, 3).unwrap();
    assert_eq!(input.len(), 3 * 75);
    assert!((input[75] - 0.5).abs() < 1e-6);
}

#[test]
fn resampling_interpolates_linearly() {
    assert_eq!(resample_frames(&[0.0, 10.0], 1, 3).unwrap(), vec![0.0, 5.0, 10.0]);
    assert_eq!(resample_frames(&[1.0, 2.0, 3.0, 4.0], 2, 2).unwrap(), vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(resample_frames(&[0.0, 3.0, 6.0, 9.0], 1, 2).unwrap(), vec![0.0, 9.0]);
    assert_eq!(resample_frames(&[4.0], 1, 3).unwrap(), vec![4.0; 3]);
    assert!(matches!(resample_frames(&[], 1, 3), Err(SeqError::Empty { .. })));
    assert!(matches!(resample_frames(&[1.0, 2.0, 3.0], 2, 3), Err(SeqError::Shape { .. })));
}

#[test]
fn truncated_frame_is_reported_at_the_end() {
    let text = two_frames();
    // Keep the header, frame 0 and frame 1 up to its second joint line: 1 + 28 + 1 + 2 + 2 lines.
    let kept: Vec<&str> = text.lines().take(34).collect();
    let (line, problem) = skeleton_error(&kept.join("\n"));
    assert_eq!(line, 35, "{problem}");
    assert!(problem.contains("joint 2 of body 0 in frame 1"), "{problem}");
}

#[test]
fn wrong_joint_count_names_its_line() {
    let text = two_frames().replacen("\n25\n", "\n24\n", 1);
    let (line, problem) = skeleton_error(&text);
    assert_eq!(line, 4, "{problem}");
    assert!(problem.contains("joint count"), "{problem}");
}

#[test]
fn non_numeric_value_names_its_line() {
    let mut lines: Vec<String> = two_frames().lines().map(String::from).collect();
    lines[9] = lines[9].replacen("0.5", "abc", 1);
    let (line, problem) = skeleton_error(&lines.join("\n"));
    assert_eq!(line, 10, "{problem}");
    assert!(problem.contains("abc"), "{problem}");
    lines[9] = joint_line(0, 0, 5).replacen("0.5", "nan", 1);
    assert_eq!(skeleton_error(&lines.join("\n")).0, 10);
}

#[test]
fn other_malformed_cases_name_their_line() {
    let lines: Vec<String> = two_frames().lines().map(String::from).collect();
    // A joint line with 11 values.
    let mut short = lines.clone();
    short[5] = short[5].rsplit_once(' ').map(|(a, _)| a.to_string()).unwrap();
    assert_eq!(skeleton_error(&short.join("\n")).0, 6);
    // A frame count that is not a number; more frames announced than present; extra lines.
    assert_eq!(skeleton_error(&format!("two\n{}", lines[1..].join("\n"))).0, 1);
    assert_eq!(skeleton_error(&format!("3\n{}", lines[1..].join("\n"))).0, lines.len() + 1);
    assert_eq!(skeleton_error(&format!("{}\n0\n", lines.join("\n"))).0, lines.len() + 1);
    // A tracking state outside 0..=2.
    let mut state = lines.clone();
    state[4] = state[4].rsplit_once(' ').map(|(a, _)| format!("{a} 7")).unwrap();
    assert_eq!(skeleton_error(&state.join("\n")).0, 5);
}

#[test]
fn reads_a_file_and_reports_a_missing_one() {
    let dir = std::env::temp_dir().join(format!("kiln_seq_ntu_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("S001C001P001R001A001.skeleton");
    std::fs::write(&path, two_frames()).unwrap();
    let seq = read_ntu_skeleton(&path).unwrap();
    assert_eq!(seq, parse_ntu_skeleton(&two_frames(), &path).unwrap());
    assert!(matches!(read_ntu_skeleton(dir.join("absent.skeleton")), Err(SeqError::Io { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn damaged_files_fail_cleanly() {
    let valid = two_frames().into_bytes();
    for seed in 0..400 {
        let damaged = kiln_testkit::mutate_with(&valid, seed);
        let text = String::from_utf8_lossy(&damaged);
        match parse_ntu_skeleton(&text, "damaged.skeleton") {
            Ok(seq) => assert!(seq.frames.iter().flatten().all(|b| b.joints.len() == NTU_JOINTS)),
            Err(SeqError::Skeleton { line, .. }) => assert!(line >= 1, "seed {seed}"),
            Err(other) => panic!("seed {seed}: unexpected error {other}"),
        }
    }
}

#[test]
fn action_class_comes_from_the_file_name() {
    assert_eq!(action_from_name("data/S001C002P003R002A013.skeleton"), Some(12));
    assert_eq!(action_from_name("S017C003P020R002A060.skeleton"), Some(59));
    assert_eq!(action_from_name("S001C002P003R002A000.skeleton"), None);
    assert_eq!(action_from_name("notes.skeleton"), None);
    assert_eq!(action_from_name("S001A01x.skeleton"), None);
}
