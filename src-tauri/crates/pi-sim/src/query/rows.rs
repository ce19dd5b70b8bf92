//! The rows a collection query selects, in answer order, as ids: what `where` and `orderBy`
//! pick out of the store, before `skip`/`take` cut a page of it.
//!
//! Targetprocess answers a page from its database's indexes; the simulator had filtered and
//! sorted every row of the type for every page, so reading a collection of `n` rows page by page
//! cost `n²/take` and a train of twice the teams took four times as long per read. Two things
//! keep a request's work proportional to its answer here, without changing any answer:
//!
//! - **Primary key**: a filter with `Id eq N` or `Id in (...)` looks only at those ids.
//! - **Query results**: the ids a query selected are kept with the store's generation (bumped
//!   by every write), so the next page of the same query at the same generation is a slice of
//!   them. Any write makes every kept result stale; a page after a write filters afresh and
//!   sees the write, as a database read would.

use std::collections::VecDeque;
use std::sync::Arc;

use super::ListQuery;
use super::eval;
use super::filter::{CmpOp, Literal, Path, Predicate};
use crate::schema::{Schema, TypeDef};
use crate::store::{Fields, Store};

/// How many query results are kept (the most recently used).
const KEPT: usize = 32;

/// Results of recent queries at one store generation.
#[derive(Debug, Default)]
pub struct RowCache {
    generation: u64,
    /// (resource type and query, selected ids), most recently used last.
    entries: VecDeque<(String, Arc<Vec<i64>>)>,
}

impl RowCache {
    fn get(&mut self, generation: u64, key: &str) -> Option<Arc<Vec<i64>>> {
        if generation != self.generation {
            self.entries.clear();
            self.generation = generation;
            return None;
        }
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(at)?;
        let ids = Arc::clone(&entry.1);
        self.entries.push_back(entry);
        Some(ids)
    }

    fn put(&mut self, generation: u64, key: String, ids: Arc<Vec<i64>>) {
        if generation != self.generation {
            self.entries.clear();
            self.generation = generation;
        }
        if self.entries.len() >= KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back((key, ids));
    }
}

/// The ids of every row of `ty` the query selects, in answer order (kept for the next page).
pub fn select(
    cache: &std::sync::Mutex<RowCache>,
    schema: &Schema,
    store: &Store,
    ty: &TypeDef,
    lq: &ListQuery,
) -> Arc<Vec<i64>> {
    let key = format!("{}|{:?}|{:?}", ty.resource_type, lq.filter, lq.order);
    let generation = store.generation();
    if let Some(ids) = crate::shared::lock(cache).get(generation, &key) {
        return ids;
    }
    let rt = ty.resource_type.as_str();
    let rows: Vec<(i64, &Fields)> = match by_id(lq) {
        Some(ids) => ids
            .into_iter()
            .filter_map(|id| store.get(rt, id).map(|e| (id, e)))
            .collect(),
        None => store.all(rt).map(|(id, e)| (*id, e)).collect(),
    };
    let ids = Arc::new(filter_and_order(schema, store, ty, lq, rows));
    crate::shared::lock(cache).put(generation, key, Arc::clone(&ids));
    ids
}

/// The ids of `rows` (in the order given) the query selects, in answer order.
pub fn filter_and_order(
    schema: &Schema,
    store: &Store,
    ty: &TypeDef,
    lq: &ListQuery,
    mut rows: Vec<(i64, &Fields)>,
) -> Vec<i64> {
    if let Some(f) = &lq.filter {
        rows.retain(|(_, e)| eval::matches(f, schema, store, ty, e));
    }
    if let Some((p, desc)) = &lq.order {
        // Each row's key resolved once, not once per comparison.
        let mut keyed: Vec<_> = rows
            .into_iter()
            .map(|(id, e)| (eval::resolve(p, schema, store, ty, e), id))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            let o = eval::order(a, b);
            if *desc { o.reverse() } else { o }
        });
        return keyed.into_iter().map(|(_, id)| id).collect();
    }
    rows.into_iter().map(|(id, _)| id).collect()
}

/// The ids a filter's `Id eq N` or `Id in (...)` allows, ascending (the store's order), when it
/// has one whose literals are all whole numbers.
fn by_id(lq: &ListQuery) -> Option<Vec<i64>> {
    let whole = |l: &Literal| match l {
        #[expect(clippy::cast_possible_truncation, reason = "checked to be whole")]
        Literal::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(*n as i64),
        _ => None,
    };
    let is_id = |p: &Path| matches!(p, Path::Fields(segs) if segs.len() == 1 && segs[0].eq_ignore_ascii_case("Id"));
    let mut ids = lq.filter.as_ref()?.0.iter().find_map(|p| match p {
        Predicate::Cmp(path, CmpOp::Eq, lit) if is_id(path) => whole(lit).map(|id| vec![id]),
        Predicate::In(path, lits) if is_id(path) => lits.iter().map(whole).collect(),
        _ => None,
    })?;
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_model::TpSchema;
    use serde_json::json;

    fn query(q: &str, schema: &Schema, ty: &TypeDef) -> ListQuery {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect();
        super::super::parse(&pairs, schema, ty).unwrap()
    }

    fn store() -> Store {
        let mut s = Store::new(1);
        for (name, effort) in [("a", 3), ("b", 1), ("c", 2), ("d", 5)] {
            let fields = json!({"Name": name, "Effort": effort});
            s.insert("Feature", fields.as_object().cloned().unwrap(), 0);
        }
        s
    }

    #[test]
    fn selects_by_id_filter_and_order_like_a_full_scan() {
        let schema = Schema::new(TpSchema::default());
        let ty = schema.resolve("Features").unwrap();
        let s = store();
        let cache = std::sync::Mutex::new(RowCache::default());
        let select = |q: &str| select(&cache, &schema, &s, ty, &query(q, &schema, ty));
        assert_eq!(*select(""), vec![1, 2, 3, 4]);
        assert_eq!(*select("where=Id in (4,2,9,2)"), vec![2, 4]);
        assert_eq!(*select("where=Id eq 3"), vec![3]);
        assert_eq!(*select("where=Id in (1,2,3) and Effort gt 1"), vec![1, 3]);
        assert_eq!(*select("orderBy=Effort"), vec![2, 3, 1, 4]);
        assert_eq!(*select("where=Id in (1,4)&orderByDesc=Effort"), vec![4, 1]);
    }

    #[test]
    fn a_write_makes_kept_results_stale() {
        let schema = Schema::new(TpSchema::default());
        let ty = schema.resolve("Features").unwrap();
        let mut s = store();
        let cache = std::sync::Mutex::new(RowCache::default());
        let q = query("where=Effort gte 3", &schema, ty);
        let first = select(&cache, &schema, &s, ty, &q);
        assert_eq!(*first, vec![1, 4]);
        assert!(Arc::ptr_eq(&first, &select(&cache, &schema, &s, ty, &q)));
        let changes = json!({"Effort": 4}).as_object().cloned().unwrap();
        assert!(s.update("Feature", 2, changes, 1));
        assert_eq!(*select(&cache, &schema, &s, ty, &q), vec![1, 2, 4]);
    }
}
