//! Reading a people CSV: rows ready to import and rows refused, each with its line.

use std::collections::HashSet;

use super::{NewPerson, PersonForm, Roles};
use crate::domain::text::thousands;

/// A row of a people CSV that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// Line number in the file, counting the header as line 1.
    pub line: u64,
    pub reason: String,
}

/// The outcome of reading a people CSV: rows ready to import and rows refused, each with its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub accepted: Vec<(u64, NewPerson)>,
    pub rejected: Vec<RejectedRow>,
}

/// The columns of the people CSV, in order.
pub const IMPORT_COLUMNS: [&str; 5] = ["email", "name", "department", "office", "time_zone"];

/// The most people one CSV may hold (a larger organisation imports in several files).
pub const MAX_IMPORT_ROWS: usize = 20_000;

fn too_many_rows() -> String {
    format!(
        "The file has more than {} people. Split it into files of at most {} rows (plus the \
         header line) and import them one after another.",
        thousands(MAX_IMPORT_ROWS),
        thousands(MAX_IMPORT_ROWS),
    )
}

/// Reads a people CSV with the header `email,name,department,office,time_zone`
/// (department, office and time zone may be empty). Every person imported is an employee.
/// One pass over the file (line numbers come from the CSV reader), refused above
/// [`MAX_IMPORT_ROWS`] people; it is CPU work, so callers run it off the async runtime.
pub fn plan_import(csv_text: &str) -> Result<ImportPlan, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| "The file could not be read as CSV.".to_string())?
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
                .replace(' ', "_")
        })
        .collect::<Vec<_>>();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(email_col), Some(name_col)) = (column("email"), column("name")) else {
        return Err(
            "The first line must be a header naming the columns: email,name,department,office,time_zone."
                .into(),
        );
    };
    let department_col = column("department");
    let office_col = column("office");
    let time_zone_col = column("time_zone");

    // The reader gives each record's line, but counted from before any blank lines it
    // skipped: step over those (each blank line is looked at once, so this stays linear).
    let line_of = |position: &csv::Position| -> u64 {
        let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        let skipped = csv_text
            .as_bytes()
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\n' | b'\r'))
            .filter(|&&b| b == b'\n')
            .count();
        position.line() + skipped as u64
    };
    let mut plan = ImportPlan::default();
    let mut seen = HashSet::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, line_of);
                plan.rejected.push(RejectedRow {
                    line,
                    reason: "This line is not valid CSV.".into(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, line_of);
        if record.iter().all(|cell| cell.is_empty()) {
            continue;
        }
        rows += 1;
        if rows > MAX_IMPORT_ROWS {
            return Err(too_many_rows());
        }
        let cell = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("").to_string();
        let form = PersonForm {
            email: cell(Some(email_col)),
            display_name: cell(Some(name_col)),
            department: cell(department_col),
            office: cell(office_col),
            time_zone: cell(time_zone_col),
        };
        match NewPerson::parse(&form, Roles::default()) {
            Ok(person) => {
                if seen.insert(person.email.clone()) {
                    plan.accepted.push((line, person));
                } else {
                    plan.rejected.push(RejectedRow {
                        line,
                        reason: format!("{} appears earlier in this file.", person.email),
                    });
                }
            }
            Err(errors) => plan.rejected.push(RejectedRow {
                line,
                reason: errors
                    .iter()
                    .map(|(_, message)| message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            }),
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_reports_bad_rows_by_line_and_keeps_good_ones() {
        let csv = "email,name,department,office,time_zone\n\
                   ada@example.com,Ada Lovelace,Engineering,London,Europe/London\n\
                   not-an-email,Bob,,,\n\
                   \n\
                   ADA@example.com,Ada Again,,,\n\
                   cy@example.com,Cy Twombly,Design,Lisbon,Atlantis/Lost\n\
                   dee@example.com,Dee,,,\n";
        let plan = plan_import(csv).unwrap();
        let accepted: Vec<_> = plan
            .accepted
            .iter()
            .map(|(line, p)| (*line, p.email.as_str().to_string()))
            .collect();
        assert_eq!(
            accepted,
            vec![
                (2, "ada@example.com".to_string()),
                (7, "dee@example.com".to_string())
            ]
        );
        let lines: Vec<_> = plan.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 5, 6]);
        assert!(plan.rejected[1].reason.contains("earlier in this file"));
        assert!(plan.rejected[2].reason.contains("time zone"));
    }

    #[test]
    fn lines_count_quoted_line_breaks_and_a_file_above_the_limit_is_refused() {
        let csv = "email,name\n\"ada@example.com\",\"Ada\nLovelace\"\nnope,Bob\n";
        let plan = plan_import(csv).unwrap();
        let last = plan.rejected.last().unwrap();
        assert_eq!(last.line, 4, "the second record starts on line 4");

        let mut big = String::from("email,name\n");
        for i in 0..=MAX_IMPORT_ROWS {
            big.push_str(&format!("p{i}@example.com,Person {i}\n"));
        }
        let problem = plan_import(&big).unwrap_err();
        assert!(problem.contains("more than 20,000 people"), "{problem}");
    }

    #[test]
    fn import_needs_a_header() {
        assert!(plan_import("ada@example.com,Ada\n").is_err());
    }
}
