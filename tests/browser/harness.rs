//! Browser test harness: a real headless Chromium driven over WebDriver (`chromedriver` +
//! `fantoccini`), with helpers that act the way a person does (find fields by their label,
//! click what a button or link says, read what is on the screen) and checks for what people
//! need from every page: no serious accessibility problem (axe-core) and no sideways
//! scrolling on a 360 px phone.
//!
//! ```ignore
//! let app = common::spawn_app(pool).await;
//! let browser = harness::Browser::start(&app.address).await;
//! browser.goto("/login").await;
//! browser.fill("Work email", "ada@example.com").await;
//! browser.fill("Password", common::PASSWORD).await;
//! browser.click("Sign in").await;
//! harness::assert_accessible(&browser, "home").await;
//! browser.close().await;
//! ```
//!
//! Settings (environment variables, all optional): `ATTUNE_CHROMIUM` (default
//! `/usr/bin/chromium`), `ATTUNE_CHROMEDRIVER` (default `chromedriver` on the `PATH`),
//! `ATTUNE_BROWSERS` (how many browsers may run at once; default: the number of CPUs, at most 4).
#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::http::Method;
use base64::Engine as _;
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The desktop window every page is first seen in.
pub const DESKTOP: (u32, u32) = (1280, 900);
/// The narrowest phone people are expected to use.
pub const PHONE_WIDTH: u32 = 360;

/// How long to wait for chromedriver to listen, a page to load, or an element to appear.
const PATIENCE: Duration = Duration::from_secs(15);

/// A browser window, signed in or not, on one running Attune. Derefs to the fantoccini
/// [`Client`] for anything the helpers do not cover.
pub struct Browser {
    client: Client,
    base_url: String,
    // Dropped after `client`: the driver process (and its Chromium) goes last.
    _driver: ChromeDriver,
    _slot: OwnedSemaphorePermit,
}

impl Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium (its own empty profile) for the app
    /// at `base_url` (e.g. `http://127.0.0.1:41234`).
    pub async fn start(base_url: &str) -> Browser {
        let slot = browser_slots()
            .acquire_owned()
            .await
            .expect("the browser semaphore is never closed");
        let driver = ChromeDriver::start().await;
        let client = connect(&driver).await;
        client
            .set_window_size(DESKTOP.0, DESKTOP.1)
            .await
            .expect("the window can be sized");
        Browser {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            _driver: driver,
            _slot: slot,
        }
    }

    /// The fantoccini client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Ends the WebDriver session, closing Chromium. (Dropping a `Browser` also stops
    /// everything, more abruptly; call this at the end of a test that passed.)
    pub async fn close(self) {
        let Browser { client, .. } = self;
        let _ = client.close().await;
    }

    /// Opens a path of the app (`/login`) or an absolute URL (a setup link).
    pub async fn goto(&self, path_or_url: &str) {
        let url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_string()
        } else {
            format!("{}{}", self.base_url, path_or_url)
        };
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|err| panic!("opening {url}: {err}"));
        self.wait_until_loaded().await;
    }

    /// The page's current address.
    pub async fn url(&self) -> url::Url {
        self.client.current_url().await.expect("the current URL")
    }

    /// The current path (and query, if any), e.g. `/admin/people?q=ada`.
    pub async fn path(&self) -> String {
        let url = self.url().await;
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The text a person sees on the page (hidden elements excluded), whitespace collapsed.
    pub async fn text(&self) -> String {
        let body = self
            .client
            .find(Locator::Css("body"))
            .await
            .expect("the page has a body");
        let text = body.text().await.expect("the body's text");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Panics, showing the page's text, unless the page shows `expected`.
    pub async fn assert_text(&self, expected: &str) {
        let text = self.text().await;
        assert!(
            text.contains(expected),
            "expected the page at {} to show {expected:?}; it shows:\n{text}",
            self.path().await
        );
    }

    /// The main heading (`h1`) of the page.
    pub async fn heading(&self) -> String {
        match self.client.find(Locator::Css("h1")).await {
            Ok(h1) => h1.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The visible texts of the main navigation's links and buttons, in order
    /// (e.g. `["Home", "People", "Account", "Sign out"]`).
    pub async fn nav_items(&self) -> Vec<String> {
        let items = self
            .client
            .find_all(Locator::Css(
                "nav[aria-label='Main'] a, nav[aria-label='Main'] button",
            ))
            .await
            .expect("looking for the main navigation");
        let mut texts = Vec::new();
        for item in items {
            if item.is_displayed().await.unwrap_or(false) {
                texts.push(normalize(&item.text().await.unwrap_or_default()));
            }
        }
        texts
    }

    /// The main navigation's links and buttons that a person could not see and tap without
    /// scrolling sideways: not displayed, outside the window's width, or covered or clipped
    /// (another element is on top of their middle). Checked at the top of the page.
    pub async fn nav_items_out_of_sight(&self) -> Vec<String> {
        let found = self
            .client
            .execute(
                r#"
                window.scrollTo(0, 0);
                const out = [];
                for (const e of document.querySelectorAll("nav[aria-label='Main'] a, nav[aria-label='Main'] button")) {
                  const r = e.getBoundingClientRect();
                  const name = e.innerText.replace(/\s+/g, ' ').trim();
                  const x = r.left + r.width / 2, y = r.top + r.height / 2;
                  const top = document.elementFromPoint(x, y);
                  if (r.width === 0 || r.height === 0 || r.left < 0 || r.right > window.innerWidth + 1
                      || !top || !(e === top || e.contains(top))) {
                    out.push(name);
                  }
                }
                return out;
                "#,
                vec![],
            )
            .await
            .expect("measuring the navigation");
        found
            .as_array()
            .expect("a list of names")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The size at which each piece of chart text is drawn, in CSS pixels, as (text, size):
    /// HTML chart text at its font size, SVG text at its font size times the drawing's scale.
    pub async fn chart_text_sizes(&self) -> Vec<(String, f64)> {
        let found = self
            .client
            .execute(
                r#"
                const out = [];
                for (const e of document.querySelectorAll('.bar-chart__label, .bar-chart__value')) {
                  out.push([e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize)]);
                }
                for (const t of document.querySelectorAll('svg text')) {
                  const svg = t.ownerSVGElement;
                  const box = svg.viewBox.baseVal;
                  const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
                  out.push([t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * scale]);
                }
                return out;
                "#,
                vec![],
            )
            .await
            .expect("measuring chart text");
        found
            .as_array()
            .expect("a list")
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or_default().to_string(),
                    pair[1].as_f64().unwrap_or(0.0),
                )
            })
            .collect()
    }

    /// Chart figures drawn outside their chart (e.g. a value running past the bar's track):
    /// the text of each.
    pub async fn chart_text_outside_its_chart(&self) -> Vec<String> {
        let found = self
            .client
            .execute(
                r#"
                const out = [];
                for (const e of document.querySelectorAll('.bar-chart__value, .bar-chart__label')) {
                  const chart = e.closest('.bar-chart').getBoundingClientRect();
                  const r = e.getBoundingClientRect();
                  if (r.left < chart.left - 1 || r.right > chart.right + 1) out.push(e.textContent.trim());
                }
                return out;
                "#,
                vec![],
            )
            .await
            .expect("measuring chart text");
        found
            .as_array()
            .expect("a list")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Tables wider than their box (so some columns are cut off or need sideways scrolling):
    /// their captions (or ids).
    pub async fn clipped_tables(&self) -> Vec<String> {
        let found = self
            .client
            .execute(
                r#"
                const out = [];
                for (const t of document.querySelectorAll('table')) {
                  const box = t.parentElement;
                  const limit = Math.min(box.clientWidth, window.innerWidth);
                  if (t.scrollWidth > limit + 1 || t.getBoundingClientRect().right > window.innerWidth + 1) {
                    out.push((t.caption && t.caption.textContent.trim()) || t.id || 'a table');
                  }
                }
                return out;
                "#,
                vec![],
            )
            .await
            .expect("measuring tables");
        found
            .as_array()
            .expect("a list")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Whether the page's text is drawn in a web font of this family, loaded from the server.
    pub async fn uses_font(&self, family: &str) -> bool {
        let used = self
            .client
            .execute_async(
                r#"
                const [family, done] = arguments;
                document.fonts.ready.then(() => done(
                  getComputedStyle(document.body).fontFamily.includes(family) &&
                  Array.from(document.fonts).some((f) => f.family.includes(family) && f.status === 'loaded')));
                "#,
                vec![serde_json::Value::String(family.to_string())],
            )
            .await
            .expect("checking the fonts");
        used == serde_json::Value::Bool(true)
    }

    /// The id of the element that has keyboard focus ("" for none, or one without an id).
    pub async fn focused_id(&self) -> String {
        self.client
            .execute(
                "return document.activeElement ? document.activeElement.id : '';",
                vec![],
            )
            .await
            .expect("reading the focused element")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The form control labelled `label` (the `<label>`'s visible text, exactly, with
    /// whitespace collapsed), found through the label's `for` attribute as a screen reader
    /// would.
    pub async fn field(&self, label: &str) -> Element {
        let xpath = format!("//label[normalize-space(.)={}]", xpath_literal(label));
        let found = self
            .client
            .find_all(Locator::XPath(&xpath))
            .await
            .expect("looking for labels");
        let Some(label_element) = found.into_iter().next() else {
            panic!(
                "no label {label:?} on {}; the labels are: {:?}",
                self.path().await,
                self.labels().await
            );
        };
        let id = label_element
            .attr("for")
            .await
            .expect("reading the label's `for`")
            .unwrap_or_else(|| panic!("the label {label:?} has no `for` attribute"));
        self.client
            .find(Locator::Id(&id))
            .await
            .unwrap_or_else(|_| panic!("the label {label:?} points at #{id}, which does not exist"))
    }

    /// Types `value` into the field labelled `label`, replacing what was there.
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        field
            .clear()
            .await
            .unwrap_or_else(|err| panic!("clearing {label:?}: {err}"));
        if !value.is_empty() {
            field
                .send_keys(value)
                .await
                .unwrap_or_else(|err| panic!("typing into {label:?}: {err}"));
        }
    }

    /// The current value of the field labelled `label`.
    pub async fn value_of(&self, label: &str) -> String {
        self.field(label)
            .await
            .prop("value")
            .await
            .expect("reading a field's value")
            .unwrap_or_default()
    }

    /// Chooses the option showing `option` in the select labelled `label`.
    pub async fn select(&self, label: &str, option: &str) {
        self.field(label)
            .await
            .select_by_label(option)
            .await
            .unwrap_or_else(|err| panic!("choosing {option:?} in {label:?}: {err}"));
    }

    /// Ticks or unticks the checkbox labelled `label`.
    pub async fn check(&self, label: &str, checked: bool) {
        let field = self.field(label).await;
        if field.is_selected().await.expect("reading a checkbox") != checked {
            self.client
                .execute(
                    "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' }); return null;",
                    vec![serde_json::to_value(&field).expect("an element serializes")],
                )
                .await
                .expect("scrolling to a checkbox");
            field.click().await.expect("clicking a checkbox");
        }
    }

    /// Clicks the button (or, failing that, the link) whose visible text is `text`, and waits
    /// for the page it leads to. Buttons come first because a page may have a link and a
    /// button saying the same thing (the "Sign in" link in the navigation and the form's
    /// "Sign in" button); a person filling a form presses the button.
    pub async fn click(&self, text: &str) {
        let element = match self.visible(&button_xpath(text)).await {
            Some(button) => button,
            None => match self.visible(&link_xpath(text)).await {
                Some(link) => link,
                None => panic!(
                    "nothing to click saying {text:?} on {}; it shows:\n{}",
                    self.path().await,
                    self.text().await
                ),
            },
        };
        self.click_and_wait(element, text).await;
    }

    /// Clicks the button whose visible text is `text` and waits for the next page.
    pub async fn click_button(&self, text: &str) {
        let Some(button) = self.visible(&button_xpath(text)).await else {
            panic!("no button {text:?} on {}", self.path().await);
        };
        self.click_and_wait(button, text).await;
    }

    /// Follows the link whose visible text is `text` and waits for the next page.
    pub async fn click_link(&self, text: &str) {
        let Some(link) = self.visible(&link_xpath(text)).await else {
            panic!("no link {text:?} on {}", self.path().await);
        };
        self.click_and_wait(link, text).await;
    }

    /// Clicks the first displayed element matching an XPath expression (for a button inside
    /// one particular card, say) and waits for the next page.
    pub async fn click_xpath(&self, xpath: &str, what: &str) {
        let Some(element) = self.visible(xpath).await else {
            panic!("nothing matching {what:?} on {}", self.path().await);
        };
        self.click_and_wait(element, what).await;
    }

    /// Clicks a radio button or checkbox by XPath, staying on the page.
    pub async fn tick_xpath(&self, xpath: &str, what: &str) {
        let Some(element) = self.visible(xpath).await else {
            panic!("nothing matching {what:?} on {}", self.path().await);
        };
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' }); return null;",
                vec![serde_json::to_value(&element).expect("an element serializes")],
            )
            .await
            .expect("scrolling to an element");
        element
            .click()
            .await
            .unwrap_or_else(|err| panic!("clicking {what:?}: {err}"));
    }

    /// Whether an element matching the CSS selector is on the page.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("looking for an element")
            .is_empty()
    }

    /// The first displayed element matching an XPath expression.
    async fn visible(&self, xpath: &str) -> Option<Element> {
        let candidates = self
            .client
            .find_all(Locator::XPath(xpath))
            .await
            .expect("looking for an element");
        for candidate in candidates {
            if candidate.is_displayed().await.unwrap_or(false) {
                return Some(candidate);
            }
        }
        None
    }

    async fn click_and_wait(&self, element: Element, what: &str) {
        // Mark the current document; the next page will not have the mark.
        self.client
            .execute("window.__attuneOldPage = true; return null;", vec![])
            .await
            .expect("marking the page");
        // Bring it to the middle of the window first, at once: the stylesheet asks for smooth
        // scrolling, and chromedriver would otherwise click where the element was mid-scroll.
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' }); return null;",
                vec![serde_json::to_value(&element).expect("an element serializes")],
            )
            .await
            .expect("scrolling to an element");
        element
            .click()
            .await
            .unwrap_or_else(|err| panic!("clicking {what:?}: {err}"));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let fresh = self
                .client
                .execute(
                    "return window.__attuneOldPage !== true && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if let Ok(Value::Bool(true)) = fresh {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "clicking {what:?} on {} did not lead to a new page within {PATIENCE:?}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_until_loaded(&self) {
        let deadline = Instant::now() + PATIENCE;
        while !matches!(
            self.client
                .execute("return document.readyState === 'complete';", vec![])
                .await,
            Ok(Value::Bool(true))
        ) {
            assert!(Instant::now() < deadline, "the page did not finish loading");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn labels(&self) -> Vec<String> {
        let mut texts = Vec::new();
        if let Ok(labels) = self.client.find_all(Locator::Css("label")).await {
            for label in labels {
                texts.push(normalize(&label.text().await.unwrap_or_default()));
            }
        }
        texts
    }
}

/// Runs axe-core on the current page and panics listing every violation whose impact is
/// `serious` or `critical` (rule id, what it asks for, and where). Lesser ones are printed.
pub async fn assert_accessible(client: &Client, page_name: &str) {
    let installed = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("checking for axe-core");
    if installed != Value::Bool(true) {
        // Evaluated by WebDriver, so the page's Content-Security-Policy does not apply.
        client
            .execute(&format!("{}\nreturn null;", axe_source()), vec![])
            .await
            .expect("injecting axe-core into the page");
    }
    let outcome = client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then((results) => done({ violations: results.violations.map((v) => ({
                  id: v.id,
                  impact: v.impact,
                  help: v.help,
                  count: v.nodes.length,
                  target: v.nodes.length ? JSON.stringify(v.nodes[0].target) : '',
                  html: v.nodes.length ? v.nodes[0].html : '',
                })) }))
              .catch((err) => done({ error: String(err) }));
            "#,
            vec![],
        )
        .await
        .expect("running axe-core");
    if let Some(error) = outcome.get("error") {
        panic!("axe-core failed on {page_name}: {error}");
    }
    let violations = outcome["violations"]
        .as_array()
        .expect("axe-core returns a list of violations");
    let mut serious = Vec::new();
    for v in violations {
        let impact = v["impact"].as_str().unwrap_or("unknown");
        let line = format!(
            "{impact} {}: {} ({} element(s), first: {} {})",
            v["id"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("?"),
            v["count"],
            v["target"].as_str().unwrap_or(""),
            v["html"].as_str().unwrap_or(""),
        );
        if impact == "serious" || impact == "critical" {
            serious.push(line);
        } else {
            eprintln!("axe on {page_name} (not failing): {line}");
        }
    }
    assert!(
        serious.is_empty(),
        "axe-core found serious or critical accessibility problems on {page_name}:\n  - {}",
        serious.join("\n  - ")
    );
}

/// Narrows the window to a 360 px phone, saves a screenshot `<page_name>-phone`, and panics
/// if the page scrolls sideways. The window is put back to the desktop size afterwards.
pub async fn assert_fits_phone(client: &Client, page_name: &str) {
    client
        .set_window_size(PHONE_WIDTH, 800)
        .await
        .expect("resizing the window to a phone");
    let deadline = Instant::now() + PATIENCE;
    let (scroll_width, inner_width) = loop {
        let measured = client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .expect("measuring the page");
        let scroll = measured[0].as_f64().unwrap_or(0.0);
        let inner = measured[1].as_f64().unwrap_or(0.0);
        if inner <= f64::from(PHONE_WIDTH) || Instant::now() > deadline {
            break (scroll, inner);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    screenshot(client, &format!("{page_name}-phone")).await;
    let culprits = if scroll_width > inner_width + 1.0 {
        client
            .execute(
                r#"
                const limit = window.innerWidth + 1;
                return Array.from(document.querySelectorAll('body *'))
                  .filter((e) => e.getBoundingClientRect().right > limit)
                  .slice(0, 5)
                  .map((e) => e.outerHTML.slice(0, 120));
                "#,
                vec![],
            )
            .await
            .unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    client
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("restoring the desktop window size");
    assert!(
        inner_width <= f64::from(PHONE_WIDTH),
        "the window did not narrow to {PHONE_WIDTH} px (it is {inner_width} px wide)"
    );
    assert!(
        scroll_width <= inner_width + 1.0,
        "{page_name} scrolls sideways on a {PHONE_WIDTH} px phone: the page is {scroll_width} px \
         wide in a {inner_width} px window. Elements sticking out: {culprits}"
    );
}

/// Saves a full-page PNG of the current page as `target/screenshots/<name>.png`, for people to
/// look at (nothing is asserted about it).
pub async fn screenshot(client: &Client, name: &str) {
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("creating target/screenshots");
    // Chromium's own full-page capture (DevTools protocol), which leaves the window alone.
    let size = client
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];",
            vec![],
        )
        .await
        .expect("measuring the page");
    let width = size[0].as_f64().unwrap_or(f64::from(DESKTOP.0));
    let height = size[1].as_f64().unwrap_or(f64::from(DESKTOP.1)).min(8000.0);
    let shot = client
        .issue_cmd(Cdp::new(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
            }),
        ))
        .await
        .expect("taking a screenshot");
    let data = shot["data"]
        .as_str()
        .expect("a screenshot comes as base64 data");
    let png = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("the screenshot is valid base64");
    let path = dir.join(format!("{}.png", sanitize(name)));
    std::fs::write(&path, png).unwrap_or_else(|err| panic!("writing {}: {err}", path.display()));
}

/// A Chrome DevTools Protocol command, sent through chromedriver.
#[derive(Debug)]
pub struct Cdp {
    command: &'static str,
    params: Value,
}

impl Cdp {
    pub fn new(command: &'static str, params: Value) -> Cdp {
        Cdp { command, params }
    }
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}

/// `target/screenshots`, wherever the target directory is.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .join("screenshots")
}

fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!(
                "axe-core is not installed ({}: {err}). Run `npm ci --prefix tests/browser` \
                 (or ./scripts/test, which does it for you).",
                path.display()
            )
        })
    })
}

/// Limits how many Chromiums run at once, so a small machine is not swamped.
fn browser_slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| {
            let count = std::env::var("ATTUNE_BROWSERS")
                .ok()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map(|n| n.get().min(4))
                        .unwrap_or(2)
                })
                .max(1);
            Arc::new(Semaphore::new(count))
        })
        .clone()
}

/// A `chromedriver` child process on a free port, in its own process group so that it and
/// every Chromium process it started are ended together when it is dropped. Its Chromium
/// profile is a fresh temporary folder, removed afterwards.
struct ChromeDriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl ChromeDriver {
    async fn start() -> ChromeDriver {
        let program =
            std::env::var("ATTUNE_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_string());
        let mut last_problem = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let mut command = Command::new(&program);
            command
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            #[cfg(unix)]
            {
                use std::os::unix::process::CommandExt;
                command.process_group(0);
            }
            let child = command.spawn().unwrap_or_else(|err| {
                panic!(
                    "could not start {program} ({err}). Install Chromium and its driver \
                     (Debian: apt-get install chromium chromium-driver) or set \
                     ATTUNE_CHROMEDRIVER."
                )
            });
            let mut driver = ChromeDriver {
                child,
                port,
                profile: fresh_profile_dir(),
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(Some(status)) = driver.child.try_wait() {
                    last_problem = format!("{program} exited at once ({status})");
                    break;
                }
                if tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                    .await
                    .is_ok()
                {
                    return driver;
                }
                if Instant::now() > deadline {
                    last_problem = format!("{program} did not listen on port {port} within 10 s");
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            drop(driver);
        }
        panic!("could not start chromedriver: {last_problem}");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // The whole group: chromedriver and the Chromium processes it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

async fn connect(driver: &ChromeDriver) -> Client {
    let chromium =
        std::env::var("ATTUNE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Like a phone's overlay scrollbars: none take up room in the layout.
                "--hide-scrollbars",
                format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                format!("--user-data-dir={}", driver.profile.display()),
            ],
        }),
    );
    let mut last_error = None;
    for _ in 0..3 {
        match ClientBuilder::native()
            .capabilities(capabilities.clone())
            .connect(&driver.url())
            .await
        {
            Ok(client) => return client,
            Err(err) => {
                last_error = Some(err);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    panic!(
        "could not open Chromium ({chromium}) through chromedriver: {}",
        last_error.expect("at least one attempt")
    );
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}

fn fresh_profile_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "attune-chromium-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("creating a Chromium profile folder");
    dir
}

fn button_xpath(text: &str) -> String {
    let text = xpath_literal(text);
    format!(
        "//button[normalize-space(.)={text}] | //input[(@type='submit' or @type='button') and normalize-space(@value)={text}]"
    )
}

fn link_xpath(text: &str) -> String {
    format!("//a[normalize-space(.)={}]", xpath_literal(text))
}

/// `text` as an XPath string literal, whatever quotes it contains.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
