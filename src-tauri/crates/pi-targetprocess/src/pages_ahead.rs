//! Reading every page of a collection with the next pages already requested: while one page is
//! awaited, up to [`AHEAD`] more are under way (within the client's concurrency and rate, which
//! every request goes through). Targetprocess's v1 answers carry no total, so the pages ahead
//! are guesses at `skip + take`, `skip + 2·take`, …: each answer's `Next` link must confirm the
//! guess (the same `take`, `skip` moved on by one page), otherwise the guesses are dropped and
//! the read follows the link, as [`crate::paging::get_all`] does. Items come back in page order;
//! at most [`AHEAD`] requests past the last page are wasted (their answers are dropped unread),
//! and a failure of a page past the last one is not reported. The page and item bounds of
//! [`crate::Limits`] hold as for a sequential read.

use futures::StreamExt;
use futures::stream::FuturesOrdered;
use pi_http::{ErrorKind, HttpError, PageBudget};
use reqwest::Method;
use serde_json::value::RawValue;

use crate::error::TpError;
use crate::http::Http;
use crate::paging::{get_page, next_page};
use crate::query::Query;

/// Pages requested beyond the one being waited for.
pub(crate) const AHEAD: u64 = 2;

/// Every item of `query`, page by page (`take` = `page_size`), the next pages read ahead; each
/// page's items are handed to `take_in` as it arrives, so that no more than the pages under
/// way are held as they came.
pub(crate) async fn get_each(
    http: &Http,
    query: &Query,
    page_size: u32,
    extra: &[(String, String)],
    mut take_in: impl FnMut(Vec<Box<RawValue>>) -> Result<(), TpError>,
) -> Result<(), TpError> {
    let fetch = |take: u32, skip: u64| async move {
        let page = get_page(http, query, take, skip, extra).await?;
        Ok::<_, TpError>((skip, page))
    };
    let mut budget = PageBudget::new(http.layer.limits(), "the number of items");
    let mut take = page_size;
    let mut pending = FuturesOrdered::new();
    pending.push_back(fetch(take, 0));
    // The `skip` of the furthest page requested.
    let mut furthest = 0_u64;
    while let Some(answer) = pending.next().await {
        let (skip, page) = answer?;
        let on_page = page.items.len();
        take_in(page.items)?;
        let Some(next) = page.next else { break };
        budget.another(on_page).map_err(|x| {
            HttpError::new(&Method::GET, &query.resource, ErrorKind::LimitExceeded(x))
        })?;
        let (next_take, next_skip) = next_page(&query.resource, &next, take, skip)?;
        if next_take != take || next_skip != skip + u64::from(take) {
            // Not the page guessed: follow the link alone from here.
            pending = FuturesOrdered::new();
            take = next_take;
            furthest = next_skip;
            pending.push_back(fetch(take, next_skip));
            continue;
        }
        while furthest < skip + (AHEAD + 1) * u64::from(take) {
            furthest += u64::from(take);
            pending.push_back(fetch(take, furthest));
        }
    }
    Ok(())
}
