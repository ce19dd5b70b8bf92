//! Answers of a misbehaving server, for the client's defences: a redirect to another origin
//! carrying the request's query (and so its token), and a body far larger than any real answer,
//! streamed chunk by chunk so that the simulator never holds it.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Response, StatusCode, Uri, header};

/// Bytes per streamed chunk of an oversized body.
const CHUNK: usize = 64 * 1024;

/// `302 Found` to `to` (an origin) + the request's path and query.
pub fn redirect(to: &str, uri: &Uri) -> Response<Body> {
    let target = format!(
        "{}{}",
        to.trim_end_matches('/'),
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(&target) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// 200 with a JSON-looking body of exactly `bytes` bytes (`{"Items":[{"Id":0},{"Id":0},...`,
/// never closed), sent without a length in chunks of [`CHUNK`] bytes made one at a time.
pub fn oversized(bytes: u64) -> Response<Body> {
    let head = br#"{"Items":["#;
    let item = br#"{"Id":0},"#;
    let mut filler = Vec::with_capacity(CHUNK);
    while filler.len() + item.len() <= CHUNK {
        filler.extend_from_slice(item);
    }
    let filler = Bytes::from(filler);
    let first = Bytes::from_static(head);
    let chunks = futures::stream::unfold((bytes, true), move |(left, start)| {
        let part = if start { first.clone() } else { filler.clone() };
        async move {
            if left == 0 {
                return None;
            }
            let n = usize::try_from(left).unwrap_or(usize::MAX).min(part.len());
            Some((
                Ok::<_, Infallible>(part.slice(..n)),
                (left - n as u64, false),
            ))
        }
    });
    let mut resp = Response::new(Body::from_stream(chunks));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
