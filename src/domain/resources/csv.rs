//! The library as a CSV file: export rows and import planning.

use uuid::Uuid;

use super::{Resource, ResourceForm, ResourceInput};
use crate::domain::people::RejectedRow;

/// The columns of the library CSV, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "title",
    "kind",
    "url",
    "description",
    "minutes",
    "aspects",
    "max_aspect_percent",
    "max_total",
    "departments",
    "offices",
    "review_by",
    "status",
    "event_starts_at",
    "event_time_zone",
    "event_place",
];

/// A resource as a CSV record (raw values; the caller makes cells spreadsheet-safe).
pub fn to_csv_record(resource: &Resource) -> Vec<String> {
    let form = ResourceForm::from_resource(resource);
    vec![
        resource.id.to_string(),
        form.title,
        form.kind,
        form.url,
        form.description,
        form.minutes,
        form.aspects.join(";"),
        form.max_aspect_percent,
        form.max_total,
        resource.departments.join(";"),
        resource.offices.join(";"),
        form.review_by,
        if resource.archived {
            "archived"
        } else {
            "active"
        }
        .to_string(),
        form.event_starts_at,
        form.event_time_zone,
        form.event_place,
    ]
}

/// A library CSV row ready to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    /// The id to update, or to create with; a new one when the cell is empty.
    pub id: Option<Uuid>,
    pub input: ResourceInput,
    pub archived: bool,
}

/// Reads a library CSV (as exported). `uncell` undoes spreadsheet-safety quoting.
pub fn plan_csv_import(
    csv_text: &str,
    uncell: impl Fn(&str) -> &str,
) -> Result<(Vec<ImportRow>, Vec<RejectedRow>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| "The file could not be read as CSV.".to_string())?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    for required in ["title", "kind", "url", "minutes", "aspects"] {
        if column(required).is_none() {
            return Err(format!(
                "The first line must be a header naming the columns, including \u{201c}{required}\u{201d}. Export the library to see the format."
            ));
        }
    }
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                rejected.push(RejectedRow {
                    line: err.position().map(|p| p.line()).unwrap_or(0),
                    reason: "This line is not valid CSV.".into(),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            column(name)
                .and_then(|c| record.get(c))
                .map(|v| uncell(v).to_string())
                .unwrap_or_default()
        };
        let id = match cell("id").trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    rejected.push(RejectedRow {
                        line,
                        reason:
                            "The id is not one Attune wrote. Leave it empty for a new resource."
                                .into(),
                    });
                    continue;
                }
            },
        };
        let form = ResourceForm {
            title: cell("title"),
            kind: cell("kind"),
            url: cell("url"),
            description: cell("description"),
            minutes: cell("minutes"),
            aspects: cell("aspects")
                .split([';', ','])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            max_aspect_percent: cell("max_aspect_percent"),
            max_total: cell("max_total"),
            departments: cell("departments"),
            offices: cell("offices"),
            review_by: cell("review_by"),
            event_starts_at: cell("event_starts_at"),
            event_time_zone: cell("event_time_zone"),
            event_place: cell("event_place"),
        };
        let archived = match cell("status").trim().to_lowercase().as_str() {
            "" | "active" => false,
            "archived" => true,
            _ => {
                rejected.push(RejectedRow {
                    line,
                    reason: "Status must be active or archived.".into(),
                });
                continue;
            }
        };
        match ResourceInput::parse(&form) {
            Ok(input) => rows.push(ImportRow {
                line,
                id,
                input,
                archived,
            }),
            Err(errors) => rejected.push(RejectedRow {
                line,
                reason: errors
                    .iter()
                    .map(|(field, message)| format!("{field}: {message}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            }),
        }
    }
    Ok((rows, rejected))
}
