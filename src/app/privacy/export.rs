//! "Download my data" (GDPR articles 15 and 20): one zip archive of everything Attune holds
//! about a person, with each section (see `db::privacy::export`) as JSON for machines and CSV
//! for people, and an `index.html` saying what each file holds. The archive is written while
//! it is sent: sections are read a page at a time and compressed into a pipe that the
//! response reads from, so memory stays flat however much a person has.

use askama::Template;
use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipEntryBuilder};
use chrono::{DateTime, Utc};
use futures_lite::io::AsyncWriteExt as _;
use serde_json::Value;
use sqlx::PgPool;
use tokio::io::{AsyncWrite, DuplexStream};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::super::audit::{self, Actor, Subject};
use crate::db::privacy::export::{Record, SECTIONS, Section};
use crate::domain::audit::Action;
use crate::domain::csv_safe;
use crate::domain::people::Person;
use crate::error::AppResult;

/// How much of the archive waits in the pipe for the response to take it.
const PIPE_BYTES: usize = 64 * 1024;

/// An archive being written: read it from `reader`; `task` says whether it was written whole.
pub struct Archive {
    pub reader: DuplexStream,
    pub task: JoinHandle<anyhow::Result<()>>,
    /// The file name to offer.
    pub file_name: String,
}

/// Puts the export on the audit record (that it happened, not what it held) and starts
/// writing the person's archive.
pub async fn export(
    pool: &PgPool,
    actor: Actor,
    person: &Person,
    now: DateTime<Utc>,
) -> AppResult<Archive> {
    let mut tx = pool.begin().await?;
    let subject = Subject::person(person.id);
    audit::record(&mut tx, actor, Action::PersonalDataExported, subject, "").await?;
    tx.commit().await?;
    let (writer, reader) = tokio::io::duplex(PIPE_BYTES);
    let (pool, id) = (pool.clone(), person.id);
    let task = tokio::spawn(async move { write_archive(&pool, id, writer, now).await });
    Ok(Archive {
        reader,
        task,
        file_name: format!("attune-my-data-{}.zip", now.format("%Y-%m-%d")),
    })
}

/// The archive's index page.
#[derive(Template)]
#[template(path = "privacy/archive_index.html")]
struct IndexPage {
    generated: String,
    sections: Vec<(&'static Section, u64)>,
}

/// Writes the whole archive for `person` into `out`.
pub async fn write_archive<W: AsyncWrite + Unpin>(
    pool: &PgPool,
    person: Uuid,
    out: W,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut zip = ZipFileWriter::with_tokio(out);
    let mut counts = Vec::with_capacity(SECTIONS.len());
    for section in SECTIONS {
        let rows = write_json(&mut zip, pool, person, section).await?;
        if rows > 0 {
            write_csv(&mut zip, pool, person, section).await?;
        }
        counts.push((section, rows));
    }
    let index = IndexPage {
        generated: now.format("%-d %B %Y, %H:%M UTC").to_string(),
        sections: counts,
    }
    .render()?;
    let entry = ZipEntryBuilder::new("index.html".to_string().into(), Compression::Deflate);
    zip.write_entry_whole(entry, index.as_bytes()).await?;
    let mut out = zip.close().await?.into_inner();
    tokio::io::AsyncWriteExt::shutdown(&mut out).await?;
    Ok(())
}

type Zip<W> = ZipFileWriter<tokio_util::compat::Compat<W>>;

/// `json/<name>.json`: an array of the section's rows. Returns how many.
async fn write_json<W: AsyncWrite + Unpin>(
    zip: &mut Zip<W>,
    pool: &PgPool,
    person: Uuid,
    section: &Section,
) -> anyhow::Result<u64> {
    let name = format!("json/{}.json", section.name);
    let mut entry = zip
        .write_entry_stream(ZipEntryBuilder::new(name.into(), Compression::Deflate))
        .await?;
    entry.write_all(b"[").await?;
    let mut rows = 0u64;
    let mut after = None;
    loop {
        let (records, next) = (section.rows)(pool, person, after).await?;
        for record in &records {
            entry
                .write_all(if rows == 0 { b"\n  " } else { b",\n  " })
                .await?;
            entry.write_all(&serde_json::to_vec(record)?).await?;
            rows += 1;
        }
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    entry.write_all(b"\n]\n").await?;
    entry.close().await?;
    Ok(rows)
}

/// `csv/<name>.csv`: the same rows for a spreadsheet (lists joined with "; ").
async fn write_csv<W: AsyncWrite + Unpin>(
    zip: &mut Zip<W>,
    pool: &PgPool,
    person: Uuid,
    section: &Section,
) -> anyhow::Result<()> {
    let name = format!("csv/{}.csv", section.name);
    let mut entry = zip
        .write_entry_stream(ZipEntryBuilder::new(name.into(), Compression::Deflate))
        .await?;
    let mut header_written = false;
    let mut after = None;
    loop {
        let (records, next) = (section.rows)(pool, person, after).await?;
        let mut csv = csv::Writer::from_writer(Vec::new());
        for record in &records {
            if !header_written {
                csv.write_record(record.0.iter().map(|(name, _)| name.as_str()))?;
                header_written = true;
            }
            csv.write_record(csv_cells(record))?;
        }
        entry.write_all(&csv.into_inner()?).await?;
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    entry.close().await?;
    Ok(())
}

/// A row's values as spreadsheet cells, neutralised where a spreadsheet could run them.
pub fn csv_cells(record: &Record) -> Vec<String> {
    record
        .0
        .iter()
        .map(|(_, value)| csv_safe::cell(&plain(value)).into_owned())
        .collect()
}

fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_plainly_and_never_run_as_formulas() {
        let record = Record(vec![
            ("name".into(), Value::String("=HYPERLINK(\"x\")".into())),
            ("answers".into(), serde_json::json!([1, 2, 3])),
            ("read_at".into(), Value::Null),
            ("helpful".into(), Value::Bool(true)),
        ]);
        assert_eq!(
            csv_cells(&record),
            vec!["'=HYPERLINK(\"x\")", "1; 2; 3", "", "true"]
        );
    }
}
