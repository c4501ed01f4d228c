//! Recognitions as formula-safe CSV files.

use super::{Recognition, Status};
use crate::domain::{csv_safe, time};

/// The columns of a recognitions export.
pub const CSV_HEADER: [&str; 15] = [
    "Nominated at (UTC)",
    "Happened on",
    "Nominator",
    "Nominator department",
    "Nominator office",
    "Recipient",
    "Recipient department",
    "Recipient office",
    "Cross-team",
    "Behaviours",
    "What happened",
    "Visibility",
    "Status",
    "Rejection reason",
    "Appreciations",
];

/// Recognitions as a formula-safe CSV file: every cell goes through [`csv_safe::cell`], and
/// the `csv` writer quotes commas, quotes and line breaks.
pub fn to_csv(recognitions: &[Recognition]) -> Result<Vec<u8>, csv::Error> {
    csv_rows(recognitions, true)
}

/// Some rows of a recognitions CSV file (with the header line first when `header`), for a
/// file written a batch at a time.
pub fn csv_rows(recognitions: &[Recognition], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer.write_record(CSV_HEADER)?;
    }
    for r in recognitions {
        let status = match (r.status, r.hidden_by_recipient, r.under_review) {
            (Status::Published, _, true) => "Reported, under review",
            (Status::Published, true, _) => "Published, hidden from the wall by the recipient",
            (status, _, _) => status.label(),
        };
        let row = [
            time::csv_date_time(r.created_at),
            time::iso_date(r.happened_on),
            r.nominator.name.clone(),
            r.nominator.department.clone(),
            r.nominator.office.clone(),
            r.recipient.name.clone(),
            r.recipient.department.clone(),
            r.recipient.office.clone(),
            if r.cross_team { "yes" } else { "no" }.to_string(),
            r.behaviours.join("; "),
            r.story.clone(),
            r.visibility.label().to_string(),
            status.to_string(),
            r.rejection_reason.clone().unwrap_or_default(),
            r.appreciations.to_string(),
        ];
        writer.write_record(row.iter().map(|value| csv_safe::cell(value).into_owned()))?;
    }
    writer.into_inner().map_err(|err| err.into_error().into())
}

/// HR's export: every nomination of the period, private ones without their text (see
/// [`Recognition::for_hr_export`]).
pub fn to_hr_csv(recognitions: Vec<Recognition>) -> Result<Vec<u8>, csv::Error> {
    hr_csv_rows(recognitions, true)
}

/// Some rows of HR's export (see [`to_hr_csv`]), for a file written a batch at a time.
pub fn hr_csv_rows(recognitions: Vec<Recognition>, header: bool) -> Result<Vec<u8>, csv::Error> {
    let redacted: Vec<Recognition> = recognitions
        .into_iter()
        .map(Recognition::for_hr_export)
        .collect();
    csv_rows(&redacted, header)
}
