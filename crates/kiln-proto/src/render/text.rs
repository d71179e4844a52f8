//! Laying out text for the bitmap font: notes wrapped to a column.

/// `text` broken into lines of at most `columns` characters after commas (a longer piece stays
/// whole); existing line breaks are kept.
pub fn wrap_at_commas(text: &str, columns: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for piece in paragraph.split_inclusive(", ") {
            if !line.is_empty() && line.chars().count() + piece.trim_end().chars().count() > columns {
                lines.push(line.trim_end().to_string());
                line.clear();
            }
            line.push_str(piece);
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}
