//! Server-rendered charts: the aspect profile as HTML bars, the progress line as SVG;
//! coordinates are computed here, the templates draw them. Every chart also has a table or
//! text equivalent on its page.

use crate::domain::teq::{AspectScore, MAX_TOTAL};

/// One horizontal bar of the aspect profile: the aspect and its percentage (one unit only).
pub struct Bar {
    pub label: &'static str,
    /// 0..=100: the bar's length, and the figure written beside it.
    pub percent: u8,
}

/// The aspect profile as HTML bars: the text is page text (fixed size, never scaled with the
/// window) and only the bars themselves are drawn.
pub struct BarChart {
    pub bars: Vec<Bar>,
}

/// Horizontal bars for the four aspects, as percentages.
pub fn aspect_bars(aspects: &[AspectScore; 4]) -> BarChart {
    BarChart {
        bars: aspects
            .iter()
            .map(|score| Bar {
                label: score.aspect.name(),
                percent: score.percent.min(100),
            })
            .collect(),
    }
}

/// A point of the progress line.
pub struct Point {
    pub x: String,
    pub y: String,
    pub label: String,
}

pub struct LineChart {
    pub points: Vec<Point>,
    pub polyline: String,
    /// Horizontal grid lines: (y, label).
    pub grid: Vec<(String, u8)>,
    pub first_date: String,
    pub last_date: String,
    pub summary: String,
}

const LEFT: f64 = 44.0;
const RIGHT: f64 = 384.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 176.0;

fn y_for(total: f64) -> f64 {
    BOTTOM - total.clamp(0.0, f64::from(MAX_TOTAL)) / f64::from(MAX_TOTAL) * (BOTTOM - TOP)
}

/// A total as written on a chart: whole numbers as they are, averages to one decimal place.
fn total_text(total: f64) -> String {
    if total.fract() == 0.0 {
        format!("{total:.0}")
    } else {
        format!("{total:.1}")
    }
}

/// A total (of 64) over time: one point per moment (oldest first) with its date as written,
/// placed along the line by its time, described for screen readers as `what` ("Total score",
/// "Average latest total"). Needs at least two points.
pub fn totals_line(
    dated: &[(chrono::DateTime<chrono::Utc>, String, f64)],
    what: &str,
) -> Option<LineChart> {
    if dated.len() < 2 {
        return None;
    }
    let first = dated[0].0;
    let span = (dated[dated.len() - 1].0 - first).num_seconds() as f64;
    let x_for = |i: usize, at: chrono::DateTime<chrono::Utc>| {
        if span > 0.0 {
            LEFT + (RIGHT - LEFT) * (at - first).num_seconds() as f64 / span
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / (dated.len() - 1) as f64
        }
    };
    let totals: Vec<(String, f64)> = dated.iter().map(|(_, d, t)| (d.clone(), *t)).collect();
    let points: Vec<Point> = dated
        .iter()
        .enumerate()
        .map(|(i, (at, date, total))| Point {
            x: format!("{:.1}", x_for(i, *at)),
            y: format!("{:.1}", y_for(*total)),
            label: format!("{date}: {} of 64", total_text(*total)),
        })
        .collect();
    let polyline = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let grid = [0u8, 16, 32, 48, 64]
        .into_iter()
        .map(|value| (format!("{:.1}", y_for(f64::from(value))), value))
        .collect();
    let summary = totals
        .iter()
        .map(|(date, total)| format!("{date}: {}", total_text(*total)))
        .collect::<Vec<_>>()
        .join(", ");
    Some(LineChart {
        points,
        polyline,
        grid,
        first_date: totals[0].0.clone(),
        last_date: totals[totals.len() - 1].0.clone(),
        summary: format!("{what} out of 64 over time: {summary}."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::teq::{Answers, score};

    #[test]
    fn bars_show_each_aspect_as_a_percentage() {
        let scored = score(&Answers::parse(&[Some(2); 16]).unwrap());
        let chart = aspect_bars(&scored.aspects);
        assert_eq!(chart.bars.len(), 4);
        assert!(chart.bars.iter().all(|bar| bar.percent == 50));
        assert_eq!(chart.bars[0].label, "Feeling with others");
    }

    #[test]
    fn the_line_needs_two_points_and_spans_the_plot() {
        use chrono::TimeZone;
        let day = |d: u32, m: u32| chrono::Utc.with_ymd_and_hms(2026, m, d, 0, 0, 0).unwrap();
        assert!(totals_line(&[(day(1, 5), "1 May".into(), 40.0)], "Total score").is_none());
        let chart = totals_line(
            &[
                (day(1, 5), "1 May".into(), 0.0),
                (day(1, 6), "1 June".into(), 64.0),
            ],
            "Total score",
        )
        .unwrap();
        assert_eq!(chart.polyline, "44.0,176.0 384.0,16.0");
        assert_eq!(chart.first_date, "1 May");
        assert_eq!(
            chart.summary,
            "Total score out of 64 over time: 1 May: 0, 1 June: 64."
        );
        let averages = totals_line(
            &[
                (day(1, 1), "1 January".into(), 40.26),
                (day(1, 10), "1 October".into(), 41.0),
                (day(31, 12), "31 December".into(), 41.0),
            ],
            "Average latest total",
        )
        .unwrap();
        assert_eq!(averages.points[0].label, "1 January: 40.3 of 64");
        // Placed by date: 1 October is three quarters of the way along, not half.
        let x: f64 = averages.points[1].x.parse().unwrap();
        assert!((x - (44.0 + 340.0 * 273.0 / 364.0)).abs() < 0.1, "{x}");
    }
}
