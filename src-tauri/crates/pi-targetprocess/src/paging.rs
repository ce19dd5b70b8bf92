//! Reading every page of a collection: follows `Next` (only its `take`/`skip` are used, on our
//! own base URL, so a proxy-rewritten host or an echoed token in the link does no harm).

use reqwest::Method;
use serde_json::Value;
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
) -> Result<Vec<Value>, TpError> {
    let mut items = Vec::new();
    let (mut take, mut skip) = (page_size, 0_u64);
    loop {
        let mut params = query.params(take, skip);
        params.extend_from_slice(extra);
        let json = http
            .send(Method::GET, &query.resource, &params, None, Replay::Safe)
            .await?;
        let page: Page = serde_json::from_value(json).map_err(|e| {
            decode(
                &Method::GET,
                &query.resource,
                format!("not a collection: {e}"),
            )
        })?;
        items.extend(page.items);
        let Some(next) = page.next else { break };
        let (next_take, next_skip) = take_skip(&next).ok_or_else(|| {
            decode(
                &Method::GET,
                &query.resource,
                "Next link without take/skip".into(),
            )
        })?;
        if next_skip <= skip {
            return Err(decode(
                &Method::GET,
                &query.resource,
                "Next link does not advance".into(),
            ));
        }
        (take, skip) = (next_take.unwrap_or(take), next_skip);
    }
    Ok(items)
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
}
