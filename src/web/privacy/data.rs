//! "Download my data": the page saying what the archive holds, and the download (a POST:
//! sensitive and on the audit record).

use askama::Template;
use askama_web::WebTemplate;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures_util::StreamExt;
use tokio_util::io::ReaderStream;

use super::RecentAuth;
use crate::app::privacy::export;
use crate::db::privacy::export::{SECTIONS, Section};
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::audit::Acting;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "privacy/data.html")]
pub struct DataPage {
    pub chrome: Chrome,
    pub sections: &'static [Section],
}

pub async fn page(CurrentUser(_): CurrentUser, chrome: Chrome) -> DataPage {
    DataPage {
        chrome: chrome.at("account"),
        sections: SECTIONS,
    }
}

/// The archive, streamed as it is written. If writing fails part-way, the response is cut
/// off with an error (so the browser reports a failed download, not a broken file).
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(person): CurrentUser,
    _: RecentAuth,
    Acting(actor): Acting,
) -> AppResult<Response> {
    let archive = export::export(&state.pool, actor, &person, Utc::now()).await?;
    let task = archive.task;
    let finished = futures_util::stream::once(async move {
        match task.await {
            Ok(Ok(())) => Ok(Bytes::new()),
            Ok(Err(err)) => {
                tracing::error!(error = %err, "writing a data export failed");
                Err(std::io::Error::other("the export could not be finished"))
            }
            Err(err) => {
                tracing::error!(error = %err, "the data export task failed");
                Err(std::io::Error::other("the export could not be finished"))
            }
        }
    });
    let body = Body::from_stream(ReaderStream::new(archive.reader).chain(finished));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", archive.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
