//! Files in and out: CSV uploads and downloads with a file name.

use axum::body::Body;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Reads the CSV file sent in the form field `file` as UTF-8 text, or says what is wrong in
/// words for the person who sent it.
pub async fn read_csv_upload(multipart: &mut Multipart) -> Result<String, &'static str> {
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(data) => bytes = Some(data),
                Err(_) => return Err("The file could not be read. Try again."),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return Err("The upload could not be read. Try again."),
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return Err("Choose a CSV file to import.");
    };
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        "The file isn't UTF-8 text. Save it from your spreadsheet as \u{201c}CSV UTF-8\u{201d} and try again."
    })
}

/// A download: the body with its content type, saved under `filename`.
pub fn attachment(content_type: &'static str, filename: &str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
