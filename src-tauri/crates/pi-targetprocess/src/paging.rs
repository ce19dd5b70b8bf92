//! Reading every page of a collection: follows `Next` (only its `take`/`skip` are used, on our
//! own base URL, so a proxy-rewritten host, a link to another origin or an echoed token in the
//! link does no harm: a `Next` link is never requested as such). Every `Next` must move `skip`
//! forward, and the pages and items of one read are bounded by [`crate::Limits`].

use pi_http::{ErrorKind, HttpError, PageBudget};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use url::Url;

use crate::error::TpError;
use crate::http::{Http, Replay, decode};
use crate::query::Query;
use crate::wire::Page;

/// Every item of `query`, page by page (`take` = `page_size`).
pub(crate) async fn get_all(
    http: &Http,
    query: &Query,
    page_size: u32,
    extra: &[(String, String)],
) -> Result<Vec<Box<RawValue>>, TpError> {
    get_while(http, query, page_size, extra, |_| true).await
}

/// One page of `query`: `take` items from `skip` on.
pub(crate) async fn get_page(
    http: &Http,
    query: &Query,
    take: u32,
    skip: u64,
    extra: &[(String, String)],
) -> Result<Page, TpError> {
    let mut params = query.params(take, skip);
    params.extend_from_slice(extra);
    let body = http
        .send_raw(Method::GET, &query.resource, &params, Replay::Safe)
        .await?;
    serde_json::from_slice(&body).map_err(|e| {
        decode(
            &Method::GET,
            &query.resource,
            format!("not a collection: {e}"),
        )
    })
}

/// The items of `query`, page by page (`take` = `page_size`), up to and with the first page
/// for which `more` says the next one is not needed (or the last page): a read sorted newest
/// first stops at the first page that reaches what the caller already knows.
pub(crate) async fn get_while(
    http: &Http,
    query: &Query,
    page_size: u32,
    extra: &[(String, String)],
    more: impl Fn(&[Box<RawValue>]) -> bool,
) -> Result<Vec<Box<RawValue>>, TpError> {
    let mut items = Vec::new();
    let (mut take, mut skip) = (page_size, 0_u64);
    let mut budget = PageBudget::new(http.layer.limits(), "the number of items");
    loop {
        let page = get_page(http, query, take, skip, extra).await?;
        let on_page = page.items.len();
        let go_on = more(&page.items);
        items.extend(page.items);
        let Some(next) = page.next.filter(|_| go_on) else {
            break;
        };
        budget.another(on_page).map_err(|x| {
            HttpError::new(&Method::GET, &query.resource, ErrorKind::LimitExceeded(x))
        })?;
        (take, skip) = next_page(&query.resource, &next, take, skip)?;
    }
    Ok(items)
}

/// One item of a page of `resource`, decoded into what its reader needs.
pub(crate) fn item<T: DeserializeOwned>(resource: &str, raw: &RawValue) -> Result<T, TpError> {
    serde_json::from_str(raw.get())
        .map_err(|e| decode(&Method::GET, resource, format!("unexpected item: {e}")))
}

/// `take` and `skip` of the page a `Next` link asks for; it must move `skip` forward.
pub(crate) fn next_page(
    resource: &str,
    next: &str,
    take: u32,
    skip: u64,
) -> Result<(u32, u64), TpError> {
    let (next_take, next_skip) = take_skip(next)
        .ok_or_else(|| decode(&Method::GET, resource, "Next link without take/skip".into()))?;
    if next_skip <= skip {
        return Err(decode(
            &Method::GET,
            resource,
            format!(
                "Next link does not advance (skip {next_skip} after {skip}): the server's paging is broken"
            ),
        ));
    }
    Ok((next_take.unwrap_or(take), next_skip))
}

/// `take` and `skip` of a `Next` link.
fn take_skip(link: &str) -> Option<(Option<u32>, u64)> {
    let url = Url::parse(link)
        .or_else(|_| Url::parse("http://relative.invalid/").and_then(|b| b.join(link)))
        .ok()?;
    let mut take = None;
    let mut skip = None;
    for (k, v) in url.query_pairs() {
        match k.to_ascii_lowercase().as_str() {
            "take" => take = v.parse().ok(),
            "skip" => skip = v.parse().ok(),
            _ => {}
        }
    }
    Some((take, skip?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_take_and_skip_from_links() {
        assert_eq!(
            take_skip(
                "https://a.example/api/v1/Features?format=json&take=100&skip=200&access_token=x"
            ),
            Some((Some(100), 200))
        );
        assert_eq!(take_skip("/api/v1/Features?Skip=5"), Some((None, 5)));
        assert_eq!(take_skip("https://a.example/api/v1/Features?take=5"), None);
    }

    #[test]
    fn a_next_link_must_advance() {
        assert_eq!(
            next_page("Features", "/api/v1/Features?take=10&skip=20", 5, 10),
            Ok((10, 20))
        );
        for stuck in ["/x?skip=10", "/x?skip=3", "/x?take=5"] {
            assert!(
                matches!(
                    next_page("Features", stuck, 5, 10),
                    Err(TpError::Decode { .. })
                ),
                "{stuck}"
            );
        }
    }
}
