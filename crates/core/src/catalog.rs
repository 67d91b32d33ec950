//! A contract's documents as a person browses them: searched, filtered by type and months, sorted,
//! selected — held once, on the Rust side.
//!
//! Why here and not in the web view: a contract can list 100,000 documents. Held in the page as well
//! as in Rust (which needs them to name bulk downloads), the list lived twice, and the web process
//! grew by ~165 MiB. The app keeps one [`Catalog`] per contract; the page asks for the rows in view
//! and the counts it prints, by filter and sort, a few dozen rows at a time.
//!
//! Why it is fast enough per key press: a document whose text has accents or other non-ASCII letters
//! is folded (lower case, no accents) once, when the list arrives, and plain ASCII text is matched in
//! place ignoring case (no copy: 100,000 folded copies were 14 MB); the whole list is sorted once per
//! sort order; and typing on narrows the previous matches instead of scanning every row again.

use crate::listed::{CompactDocuments, ListedDocument};
use ccs_api::{period_year_month, Document, DocumentId, DocumentType, DocumentsQuery, YearMonth};
use std::cmp::Ordering;
use std::collections::HashSet;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What the person asked to see. An empty search and `None`s show everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    /// Words that must all appear (any order, any case, accents ignored) in the file name, id,
    /// period or type.
    pub search: String,
    /// One type only.
    pub document_type: Option<DocumentType>,
    /// First month shown, inclusive.
    pub from: Option<YearMonth>,
    /// Last month shown, inclusive.
    pub to: Option<YearMonth>,
}

impl CatalogFilter {
    /// The filter that shows the invoices among what this one shows: "save this period's invoices".
    pub fn invoices(&self) -> Self {
        Self {
            document_type: Some(DocumentType::Invoices),
            ..self.clone()
        }
    }

    /// Whether every document that passes `next` also passed `self`: same type and months, and each
    /// earlier search word is contained in the word now at its place ("inv" → "invoice").
    fn narrows_to(&self, next: &CatalogFilter) -> bool {
        if self.document_type != next.document_type || self.from != next.from || self.to != next.to
        {
            return false;
        }
        let before = search_words(&self.search);
        let after = search_words(&next.search);
        before.len() <= after.len()
            && before
                .iter()
                .zip(&after)
                .all(|(b, a)| a.contains(b.as_str()))
    }
}

/// The column a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Issue date (`createdAt`; without one, the period's day or first day).
    Date,
    /// Billing period.
    Period,
    /// Amount (documents without one come last either way).
    Amount,
    /// File name, naturally ("Invoice_9" before "Invoice_10"), ignoring case and accents.
    Name,
}

/// Which way a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    /// Smallest, oldest or A first.
    Ascending,
    /// Largest, newest or Z first.
    Descending,
}

/// A sort order: the column, then the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogSort {
    /// By what.
    pub key: SortKey,
    /// Which way.
    pub direction: SortDirection,
}

impl Default for CatalogSort {
    /// Newest first: what people open the list for.
    fn default() -> Self {
        Self {
            key: SortKey::Date,
            direction: SortDirection::Descending,
        }
    }
}

/// What a filtered, sorted view holds, in numbers (the page prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewCounts {
    /// Documents in the catalog.
    pub total: usize,
    /// Documents the filter shows.
    pub matched: usize,
    /// Invoices among them.
    pub matched_invoices: usize,
    /// Selected documents among them.
    pub matched_selected: usize,
    /// Selected documents, shown or not.
    pub selected: usize,
}

/// One row of a view: the document and whether it is selected.
#[derive(Debug, Clone, Copy)]
pub struct CatalogRow<'a> {
    /// The document.
    pub document: ListedDocument<'a>,
    /// Whether it is selected.
    pub selected: bool,
}

/// A contract's documents with what browsing them needs (see the module's doc).
#[derive(Debug, Default)]
pub struct Catalog {
    documents: CompactDocuments,
    keys: Vec<RowKeys>,
    selected: Vec<bool>,
    /// The whole list in the order of a sort, computed once per order.
    sorted: Option<(CatalogSort, Vec<u32>)>,
    /// The rows of `sorted` that pass a filter, in that order.
    matched: Option<(CatalogFilter, Vec<u32>)>,
}

/// The values filtering and sorting read, computed once per document.
#[derive(Debug)]
struct RowKeys {
    /// Folded file name, id, period and type, one per line, for a document with non-ASCII text (the
    /// file name first, so that `folded[..name_len]` is the name that sorting compares); `None` for
    /// plain ASCII, read in place.
    folded: Option<Box<str>>,
    name_len: u32,
    month: Option<YearMonth>,
    /// Milliseconds since 1970: `createdAt`, else the period's day or first day.
    time: Option<i64>,
}

/// Builds a [`Catalog`] one document at a time, as the list is read (so the whole list never
/// exists as `Document`s besides the catalog).
#[derive(Debug, Default)]
pub struct CatalogBuilder {
    documents: CompactDocuments,
    keys: Vec<RowKeys>,
}

impl CatalogBuilder {
    /// A builder with room for `documents` (the limit asked for). Why: a list grown by doubling is
    /// copied at each step while the documents' text is allocated in between, leaving the outgrown
    /// copies to the allocator; room made once is touched only as far as it is used, and `build`
    /// gives back the rest. At most the API's longest list is reserved.
    pub fn with_capacity(documents: usize) -> Self {
        Self {
            documents: CompactDocuments::with_capacity(documents),
            keys: Vec::with_capacity(documents.min(DocumentsQuery::MAX_LIMIT as usize)),
        }
    }

    /// Adds the next document of the list (in the API's order).
    pub fn push(&mut self, document: Document) {
        let listed = self.documents.push(document);
        self.keys.push(RowKeys::of(listed));
    }

    /// The catalog of the documents pushed, none selected.
    pub fn build(mut self) -> Catalog {
        self.documents.shrink_to_fit();
        self.keys.shrink_to_fit();
        let selected = vec![false; self.documents.len()];
        Catalog {
            documents: self.documents,
            keys: self.keys,
            selected,
            sorted: None,
            matched: None,
        }
    }
}

impl Catalog {
    /// Selects the documents that `previous` (an older list of the same contract) had selected and
    /// this list still holds: "load more" and reloads keep the selection.
    pub fn keep_selection_of(&mut self, previous: &Catalog) {
        let kept: HashSet<&str> = previous
            .documents
            .iter()
            .zip(&previous.selected)
            .filter(|(_, &on)| on)
            .map(|(doc, _)| doc.id())
            .collect();
        if kept.is_empty() {
            return;
        }
        for (doc, on) in self.documents.iter().zip(self.selected.iter_mut()) {
            *on = kept.contains(doc.id());
        }
    }

    /// How many documents it holds.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// The types present, the six known ones in their usual order first, then others by name: what
    /// the type filter offers.
    pub fn types(&self) -> Vec<DocumentType> {
        let present: HashSet<&DocumentType> = self
            .documents
            .iter()
            .filter_map(|doc| doc.document_type())
            .collect();
        let mut others: Vec<DocumentType> = present
            .iter()
            .filter(|t| !t.is_known())
            .map(|t| (*t).clone())
            .collect();
        others.sort_by_cached_key(|t| fold(t.wire_name()));
        DocumentType::KNOWN
            .into_iter()
            .filter(|t| present.contains(t))
            .chain(others)
            .collect()
    }

    /// The positions (in the catalog) of the documents `filter` shows, in `sort` order. Cached: the
    /// same filter and sort cost nothing, a narrower search scans only the previous matches.
    fn view(&mut self, filter: &CatalogFilter, sort: CatalogSort) -> &[u32] {
        self.refresh(filter, sort);
        self.current()
    }

    /// Brings the cached view up to `filter` and `sort`.
    fn refresh(&mut self, filter: &CatalogFilter, sort: CatalogSort) {
        let resorted = !matches!(&self.sorted, Some((by, _)) if *by == sort);
        if resorted {
            let order = self.sorted_positions(sort);
            self.sorted = Some((sort, order));
            self.matched = None;
        }
        let current = matches!(&self.matched, Some((by, _)) if by == filter);
        if !current {
            let words = search_words(&filter.search);
            let keep = |&&i: &&u32| self.passes(i, &words, filter);
            let rows: Vec<u32> = match (&self.matched, &self.sorted) {
                (Some((before, previous)), _) if before.narrows_to(filter) => {
                    previous.iter().filter(keep).copied().collect()
                }
                (_, Some((_, order))) => order.iter().filter(keep).copied().collect(),
                (_, None) => Vec::new(),
            };
            self.matched = Some((filter.clone(), rows));
        }
    }

    /// The cached view's positions.
    fn current(&self) -> &[u32] {
        self.matched
            .as_ref()
            .map_or(&[], |(_, rows)| rows.as_slice())
    }

    /// The counts of a view (after [`Catalog::view`] with the same arguments, this is cheap).
    pub fn counts(&mut self, filter: &CatalogFilter, sort: CatalogSort) -> ViewCounts {
        let selected = self.selected.iter().filter(|&&on| on).count();
        let total = self.len();
        self.refresh(filter, sort);
        let positions = self.current();
        let mut counts = ViewCounts {
            total,
            matched: positions.len(),
            matched_invoices: 0,
            matched_selected: 0,
            selected,
        };
        for &i in positions {
            let i = i as usize;
            if self.documents.at(i).document_type() == Some(&DocumentType::Invoices) {
                counts.matched_invoices += 1;
            }
            if self.selected[i] {
                counts.matched_selected += 1;
            }
        }
        counts
    }

    /// Up to `count` rows of a view from `offset` (the rows a page shows).
    pub fn rows(
        &mut self,
        filter: &CatalogFilter,
        sort: CatalogSort,
        offset: usize,
        count: usize,
    ) -> Vec<CatalogRow<'_>> {
        self.refresh(filter, sort);
        self.current()
            .iter()
            .skip(offset)
            .take(count)
            .map(|&i| CatalogRow {
                document: self.documents.at(i as usize),
                selected: self.selected[i as usize],
            })
            .collect()
    }

    /// Selects or clears one document; false when the catalog does not hold it.
    pub fn select(&mut self, id: &DocumentId, selected: bool) -> bool {
        match self.documents.iter().position(|d| d.id() == id.as_str()) {
            Some(i) => {
                self.selected[i] = selected;
                true
            }
            None => false,
        }
    }

    /// Selects or clears every document a filter shows (the others keep their state).
    pub fn select_matching(&mut self, filter: &CatalogFilter, selected: bool) {
        let sort = self.sorted.as_ref().map(|(by, _)| *by).unwrap_or_default();
        let positions = self.view(filter, sort).to_vec();
        for i in positions {
            self.selected[i as usize] = selected;
        }
    }

    /// The selected documents, in the API's order.
    pub fn selected_documents(&self) -> Vec<Document> {
        self.documents
            .iter()
            .zip(&self.selected)
            .filter(|(_, &on)| on)
            .map(|(doc, _)| doc.to_document())
            .collect()
    }

    /// The documents of these ids that the list holds, in the API's order (a "Try again" of the
    /// ones that failed).
    pub fn documents_with_ids(&self, ids: &[String]) -> Vec<Document> {
        let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        (0..self.documents.len())
            .map(|i| self.documents.at(i))
            .filter(|doc| wanted.contains(doc.id()))
            .map(|doc| doc.to_document())
            .collect()
    }

    /// The documents a filter shows, in the API's order.
    pub fn matching_documents(&self, filter: &CatalogFilter) -> Vec<Document> {
        let words = search_words(&filter.search);
        (0..self.documents.len())
            .filter(|&i| self.passes(i as u32, &words, filter))
            .map(|i| self.documents.at(i).to_document())
            .collect()
    }

    fn passes(&self, i: u32, words: &[String], filter: &CatalogFilter) -> bool {
        let i = i as usize;
        let keys = &self.keys[i];
        if let Some(wanted) = &filter.document_type {
            if self.documents.at(i).document_type() != Some(wanted) {
                return false;
            }
        }
        if filter.from.is_some() || filter.to.is_some() {
            let Some(month) = keys.month else {
                return false;
            };
            if filter.from.is_some_and(|from| month < from)
                || filter.to.is_some_and(|to| month > to)
            {
                return false;
            }
        }
        let document = self.documents.at(i);
        words.iter().all(|word| match &keys.folded {
            Some(text) => text.contains(word.as_str()),
            None => searched_fields(document).any(|field| contains_ignoring_case(field, word)),
        })
    }

    /// Every position, in the order of `sort`; ties are broken by name then id, so the order never
    /// jumps between two views.
    fn sorted_positions(&self, sort: CatalogSort) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.documents.len() as u32).collect();
        let descending = sort.direction == SortDirection::Descending;
        let directed = |ordering: Ordering| {
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        };
        order.sort_by(|&a, &b| {
            let (ka, kb) = (&self.keys[a as usize], &self.keys[b as usize]);
            let (da, db) = (self.documents.at(a as usize), self.documents.at(b as usize));
            let (na, nb) = (ka.name(da), kb.name(db));
            let primary = match sort.key {
                SortKey::Date => missing_last(ka.time, kb.time, directed),
                SortKey::Period => missing_last(ka.month, kb.month, directed)
                    .then_with(|| directed(da.period().cmp(db.period()))),
                SortKey::Amount => missing_last(da.amount(), db.amount(), directed),
                SortKey::Name => directed(natural_cmp(na, nb)),
            };
            primary
                .then_with(|| natural_cmp(na, nb))
                .then_with(|| da.id().cmp(db.id()))
        });
        order
    }
}

impl RowKeys {
    fn of(doc: ListedDocument<'_>) -> Self {
        let folded = (!searched_fields(doc).all(str::is_ascii)).then(|| {
            let mut fields = searched_fields(doc).map(fold);
            let name = fields.next().unwrap_or_default();
            let text = fields.fold(name, |text, field| text + "\n" + &field);
            text.into_boxed_str()
        });
        let name_len = folded
            .as_ref()
            .and_then(|text| text.find('\n'))
            .and_then(|end| u32::try_from(end).ok())
            .unwrap_or(0);
        let created = doc
            .created_at()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(jiff::Timestamp::as_millisecond);
        Self {
            folded,
            name_len,
            month: period_year_month(doc.period()),
            time: created.or_else(|| period_time(doc.period())),
        }
    }

    /// The name that sorting compares (ignoring ASCII case): the folded one, or the file name itself.
    fn name<'a>(&'a self, doc: ListedDocument<'a>) -> &'a str {
        match &self.folded {
            Some(text) => text.get(..self.name_len as usize).unwrap_or(""),
            None => doc.filename(),
        }
    }
}

/// What the search words are looked for in, file name first.
fn searched_fields(doc: ListedDocument<'_>) -> impl Iterator<Item = &str> {
    let kind = doc.document_type().map_or("", DocumentType::wire_name);
    [doc.filename(), doc.id(), doc.period(), kind].into_iter()
}

/// Whether `haystack` contains `needle` (lower case) when ASCII letters are compared without case.
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    haystack.len() >= needle.len()
        && haystack.windows(needle.len()).any(|window| {
            window[0].to_ascii_lowercase() == first
                && window
                    .iter()
                    .zip(needle)
                    .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
}

/// Compares two optional values; a missing one comes last whichever the direction.
fn missing_last<T: PartialOrd>(
    a: Option<T>,
    b: Option<T>,
    directed: impl Fn(Ordering) -> Ordering,
) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => directed(a.partial_cmp(&b).unwrap_or(Ordering::Equal)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Lower case without accents, so "decembre" finds "Décembre".
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The search as folded words that must all appear.
fn search_words(search: &str) -> Vec<String> {
    fold(search).split_whitespace().map(str::to_owned).collect()
}

/// A period's day (`YYYYMMDD`) or first day (`YYYYMM`) at midnight UTC, in milliseconds.
fn period_time(period: &str) -> Option<i64> {
    let month = period_year_month(period)?;
    let day = period
        .get(6..8)
        .and_then(|d| d.parse::<i8>().ok())
        .filter(|d| (1..=31).contains(d))
        .unwrap_or(1);
    let year = i16::try_from(month.year()).ok()?;
    let month = i8::try_from(month.month()).ok()?;
    let date = jiff::civil::Date::new(year, month, day)
        .or_else(|_| jiff::civil::Date::new(year, month, 1))
        .ok()?;
    let time = date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(time.as_millisecond())
}

/// Compares two names with digit runs by value ("9" before "10"; "010" equals "10") and ASCII
/// letters without case.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (run_a, rest_a) = split_digits(a);
                let (run_b, rest_b) = split_digits(b);
                let ordering = run_a.len().cmp(&run_b.len()).then_with(|| run_a.cmp(run_b));
                if ordering != Ordering::Equal {
                    return ordering;
                }
                (a, b) = (rest_a, rest_b);
            }
            (Some(x), Some(y)) => {
                let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

/// A leading digit run without its leading zeros, and what follows it.
fn split_digits(text: &[u8]) -> (&[u8], &[u8]) {
    let end = text
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    let (run, rest) = text.split_at(end);
    let zeros = run
        .iter()
        .take(run.len().saturating_sub(1))
        .take_while(|&&b| b == b'0')
        .count();
    (&run[zeros..], rest)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The catalog of a list of documents (in the API's order), as `load_documents` builds it.
    fn catalog_of(documents: impl IntoIterator<Item = Document>) -> Catalog {
        let mut builder = CatalogBuilder::default();
        for document in documents {
            builder.push(document);
        }
        builder.build()
    }

    fn doc(id: &str, over: Value) -> Document {
        let mut value = json!({
            "id": id,
            "filename": format!("Invoice_OCB0000001_{id}.pdf"),
            "period": "202403",
            "documentType": "invoices",
            "createdAt": "2024-04-02T08:00:00Z",
            "size": 1000,
            "amount": 100,
            "currency": "EUR",
        });
        for (key, field) in over.as_object().unwrap() {
            value[key] = field.clone();
        }
        serde_json::from_value(value).unwrap()
    }

    fn sample() -> Vec<Document> {
        vec![
            doc(
                "a",
                json!({"filename": "Invoice_March.pdf", "createdAt": "2024-04-02T08:00:00Z", "amount": 300}),
            ),
            doc(
                "b",
                json!({"filename": "Billing_Report_March.xlsx", "documentType": "bills", "createdAt": "2024-04-01T08:00:00Z", "amount": null}),
            ),
            doc(
                "c",
                json!({"filename": "Invoice_January.pdf", "period": "202401", "createdAt": "2024-02-02T08:00:00Z", "amount": 100}),
            ),
            doc(
                "d",
                json!({"filename": "Report_20240215.csv", "documentType": "reports", "period": "20240215", "createdAt": null, "amount": null}),
            ),
            doc(
                "e",
                json!({"filename": "ConsumptionRatedReport_Dec.csv", "documentType": "comsumptionRatedReports", "period": "202312", "createdAt": "2024-01-03T08:00:00Z"}),
            ),
            doc(
                "f",
                json!({"filename": "Facture_Décembre.pdf", "period": "202312", "createdAt": "2024-01-02T10:00:00+02:00", "amount": 200}),
            ),
        ]
    }

    fn filter(search: &str) -> CatalogFilter {
        CatalogFilter {
            search: search.to_owned(),
            ..CatalogFilter::default()
        }
    }

    fn sort(key: SortKey, direction: SortDirection) -> CatalogSort {
        CatalogSort { key, direction }
    }

    /// The ids a view shows.
    fn ids(catalog: &mut Catalog, filter: &CatalogFilter, by: CatalogSort) -> Vec<String> {
        catalog
            .rows(filter, by, 0, usize::MAX)
            .iter()
            .map(|row| row.document.id().to_owned())
            .collect()
    }

    fn newest(catalog: &mut Catalog, filter: &CatalogFilter) -> Vec<String> {
        ids(catalog, filter, CatalogSort::default())
    }

    /// A month given as its `YYYYMM` number, as the tests write them.
    fn ym(number: u32) -> YearMonth {
        YearMonth::from_number(number).unwrap()
    }

    #[test]
    fn periods_name_months() {
        assert_eq!(period_year_month("202403"), Some(ym(202403)));
        assert_eq!(period_year_month("20240315"), Some(ym(202403)));
        assert_eq!(period_year_month("202413"), None);
        assert_eq!(period_year_month("March"), None);
        assert_eq!(period_year_month("2024"), None);
        let keys = RowKeys::of(
            CompactDocuments::default()
                .push(doc("d", json!({"period": "20240215", "createdAt": null}))),
        );
        assert_eq!(keys.month, Some(ym(202402)));
        assert_eq!(
            keys.time,
            Some(1_707_955_200_000),
            "the period's day at midnight UTC"
        );
    }

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Décembre"), "decembre");
        assert_eq!(fold("INVOICE"), "invoice");
        assert_eq!(fold("Évolution ÇA"), "evolution ca");
    }

    #[test]
    fn ascii_text_is_searched_in_place_ignoring_case() {
        assert!(contains_ignoring_case("Invoice_March.pdf", "march"));
        assert!(contains_ignoring_case("Invoice_March.pdf", "invoice_m"));
        assert!(contains_ignoring_case("abc", ""));
        assert!(!contains_ignoring_case("Invoice", "invoices"));
        assert!(!contains_ignoring_case("Decembre", "décembre"));
        let mut list = CompactDocuments::default();
        let keys = RowKeys::of(list.push(doc("a", json!({"filename": "Invoice_March.pdf"}))));
        assert!(keys.folded.is_none(), "no folded copy of plain ASCII");
        let keys = RowKeys::of(list.push(doc("f", json!({"filename": "Facture_Décembre.pdf"}))));
        assert_eq!(
            keys.folded.as_deref(),
            Some("facture_decembre.pdf\nf\n202403\ninvoices")
        );
        assert_eq!(keys.name_len, "facture_decembre.pdf".len() as u32);
    }

    #[test]
    fn search_matches_every_word_in_any_case_without_accents() {
        let mut catalog = catalog_of(sample());
        assert_eq!(newest(&mut catalog, &filter("")).len(), 6);
        assert_eq!(newest(&mut catalog, &filter("march")), ["a", "b"]);
        assert_eq!(newest(&mut catalog, &filter("MARCH invoice")), ["a"]);
        assert_eq!(newest(&mut catalog, &filter("decembre")), ["f"]);
        assert_eq!(newest(&mut catalog, &filter("   ")).len(), 6);
        assert_eq!(
            newest(&mut catalog, &filter("bills")),
            ["b"],
            "the type is searched"
        );
    }

    #[test]
    fn type_filter_accepts_either_spelling() {
        let mut catalog = catalog_of(sample());
        let of = |t: &str| CatalogFilter {
            document_type: Some(DocumentType::from_name(t)),
            ..CatalogFilter::default()
        };
        let mut invoices = newest(&mut catalog, &of("invoices"));
        invoices.sort();
        assert_eq!(invoices, ["a", "c", "f"]);
        assert_eq!(newest(&mut catalog, &of("consumptionRatedReports")), ["e"]);
        assert_eq!(newest(&mut catalog, &of("INVOICES")).len(), 3);
    }

    #[test]
    fn month_range_is_inclusive_and_includes_daily_reports() {
        let mut catalog = catalog_of(sample());
        let range = |from: Option<u32>, to: Option<u32>| CatalogFilter {
            from: from.map(ym),
            to: to.map(ym),
            ..CatalogFilter::default()
        };
        assert_eq!(
            newest(&mut catalog, &range(Some(202401), Some(202402))),
            ["d", "c"]
        );
        assert_eq!(newest(&mut catalog, &range(Some(202403), None)), ["a", "b"]);
        assert_eq!(newest(&mut catalog, &range(None, Some(202312))), ["e", "f"]);
    }

    #[test]
    fn sorts_by_date_newest_first_using_the_period_without_a_date() {
        let mut catalog = catalog_of(sample());
        let all = CatalogFilter::default();
        // f was created at 08:00 UTC (10:00 at +02:00), before e.
        assert_eq!(newest(&mut catalog, &all), ["a", "b", "d", "c", "e", "f"]);
        assert_eq!(
            ids(
                &mut catalog,
                &all,
                sort(SortKey::Date, SortDirection::Ascending)
            ),
            ["f", "e", "c", "d", "b", "a"]
        );
    }

    #[test]
    fn sorts_by_period_then_name() {
        let mut catalog = catalog_of(sample());
        let all = CatalogFilter::default();
        assert_eq!(
            ids(
                &mut catalog,
                &all,
                sort(SortKey::Period, SortDirection::Descending)
            ),
            ["b", "a", "d", "c", "e", "f"]
        );
    }

    #[test]
    fn missing_amounts_come_last_either_way() {
        let mut catalog = catalog_of(sample());
        let all = CatalogFilter::default();
        let down = ids(
            &mut catalog,
            &all,
            sort(SortKey::Amount, SortDirection::Descending),
        );
        assert_eq!(down[..4], ["a", "f", "e", "c"]);
        let up = ids(
            &mut catalog,
            &all,
            sort(SortKey::Amount, SortDirection::Ascending),
        );
        assert_eq!(up[..4], ["e", "c", "f", "a"]);
        let mut last = up[4..].to_vec();
        last.sort();
        assert_eq!(last, ["b", "d"]);
    }

    #[test]
    fn names_sort_naturally_ignoring_case_and_accents() {
        let names = [
            ("1", "Invoice_10.pdf"),
            ("2", "invoice_9.pdf"),
            ("3", "Évolution.pdf"),
            ("4", "evolution_2.pdf"),
            ("5", "Invoice_010.pdf"),
        ];
        let docs: Vec<Document> = names
            .iter()
            .map(|(id, name)| doc(id, json!({ "filename": name })))
            .collect();
        let mut catalog = catalog_of(docs);
        let up = ids(
            &mut catalog,
            &CatalogFilter::default(),
            sort(SortKey::Name, SortDirection::Ascending),
        );
        // "Invoice_10" and "Invoice_010" name the same number: the id breaks the tie.
        assert_eq!(up, ["3", "4", "2", "1", "5"]);
        assert_eq!(natural_cmp("a9", "a10"), Ordering::Less);
        assert_eq!(natural_cmp("a0", "a00"), Ordering::Equal);
        assert_eq!(natural_cmp("a", "a1"), Ordering::Less);
        assert_eq!(natural_cmp("Invoice_9", "invoice_10"), Ordering::Less);
        assert_eq!(natural_cmp("B", "a"), Ordering::Greater);
    }

    #[test]
    fn present_types_list_known_ones_first_in_the_usual_order() {
        let mut docs = sample();
        docs.push(doc("z", json!({"documentType": "creditNotes"})));
        docs.push(doc("y", json!({"documentType": "advices"})));
        let types: Vec<String> = catalog_of(docs)
            .types()
            .iter()
            .map(|t| t.wire_name().to_owned())
            .collect();
        assert_eq!(
            types,
            [
                "invoices",
                "bills",
                "comsumptionRatedReports",
                "reports",
                "advices",
                "creditNotes"
            ]
        );
    }

    #[test]
    fn typing_on_gives_the_same_rows_as_a_fresh_filter_key_by_key_forth_and_back() {
        let mut catalog = catalog_of(sample());
        let text = "invoice ma";
        let typed = (1..=text.len()).map(|n| &text[..n]);
        let erased = (0..text.len()).rev().map(|n| &text[..n]);
        for search in typed.chain(erased).chain(["d", "de", "d"]) {
            let fresh = newest(&mut catalog_of(sample()), &filter(search));
            assert_eq!(newest(&mut catalog, &filter(search)), fresh, "{search:?}");
        }
    }

    #[test]
    fn narrowing_is_recognised_only_when_it_holds() {
        let narrows = |a: &str, b: &str| filter(a).narrows_to(&filter(b));
        assert!(narrows("inv", "invoice"));
        assert!(narrows("invoice", "invoice 2025"));
        assert!(narrows("", "x"));
        assert!(!narrows("invoice", "invoic"));
        assert!(!narrows("invoice 2025", "invoice"));
        assert!(!narrows("ab cd", "abx"));
        let typed = CatalogFilter {
            document_type: Some(DocumentType::Bills),
            ..filter("inv")
        };
        assert!(!filter("inv").narrows_to(&typed));
    }

    #[test]
    fn counts_and_selection() {
        let mut catalog = catalog_of(sample());
        let all = CatalogFilter::default();
        let by = CatalogSort::default();
        let counts = catalog.counts(&all, by);
        assert_eq!(
            (counts.total, counts.matched, counts.matched_invoices),
            (6, 6, 3)
        );
        assert!(catalog.select(&DocumentId::from_server("b"), true));
        assert!(!catalog.select(&DocumentId::from_server("nope"), true));
        // "invoice" also finds f, whose type is `invoices`.
        catalog.select_matching(&filter("invoice"), true);
        let march = filter("march");
        let counts = catalog.counts(&march, by);
        assert_eq!(
            (counts.matched, counts.matched_selected, counts.selected),
            (2, 2, 4)
        );
        let selected: Vec<_> = catalog
            .rows(&all, by, 0, 10)
            .iter()
            .filter(|row| row.selected)
            .map(|row| row.document.id().to_owned())
            .collect();
        assert_eq!(selected, ["a", "b", "c", "f"]);
        catalog.select_matching(&march, false);
        let kept: Vec<_> = catalog
            .selected_documents()
            .iter()
            .map(|d| d.id.as_str().to_owned())
            .collect();
        assert_eq!(kept, ["c", "f"], "clearing the shown rows keeps the others");
        catalog.select_matching(&all, false);
        assert_eq!(catalog.counts(&all, by).selected, 0);
    }

    #[test]
    fn a_new_list_keeps_the_selection_of_documents_still_listed() {
        let mut catalog = catalog_of(sample());
        catalog.select(&DocumentId::from_server("a"), true);
        catalog.select(&DocumentId::from_server("f"), true);
        let mut more = sample();
        more.retain(|d| d.id.as_str() != "f");
        more.push(doc("g", json!({})));
        let mut next = catalog_of(more);
        next.keep_selection_of(&catalog);
        let kept: Vec<_> = next
            .selected_documents()
            .iter()
            .map(|d| d.id.as_str().to_owned())
            .collect();
        assert_eq!(kept, ["a"]);
    }

    #[test]
    fn the_invoices_of_a_view() {
        let catalog = catalog_of(sample());
        let period = CatalogFilter {
            from: Some(ym(202312)),
            to: Some(ym(202401)),
            ..CatalogFilter::default()
        };
        let invoices: Vec<_> = catalog
            .matching_documents(&period.invoices())
            .iter()
            .map(|d| d.id.as_str().to_owned())
            .collect();
        assert_eq!(invoices, ["c", "f"]);
    }

    #[test]
    fn pages_of_a_view() {
        let mut catalog = catalog_of(sample());
        let all = CatalogFilter::default();
        let by = CatalogSort::default();
        let page: Vec<_> = catalog
            .rows(&all, by, 2, 3)
            .iter()
            .map(|row| row.document.id().to_owned())
            .collect();
        assert_eq!(page, ["d", "c", "e"]);
        assert!(catalog.rows(&all, by, 6, 3).is_empty());
    }

    #[test]
    fn a_hundred_thousand_documents() {
        let kinds = ["invoices", "bills", "comsumptionRatedReports", "reports"];
        let docs: Vec<Document> = (0..100_000u32)
            .map(|i| {
                let month = 201501 + (i / 1000) * 100 + (i % 12);
                let amount = if i % 7 == 0 {
                    Value::Null
                } else {
                    json!((i * 37) % 10_000)
                };
                let created = jiff::Timestamp::from_second(1_420_070_400 + i64::from(i) * 60)
                    .unwrap()
                    .to_string();
                doc(
                    &format!("id{i}"),
                    json!({
                        "filename": format!("{}_{i}.pdf", kinds[i as usize % 4]),
                        "documentType": kinds[i as usize % 4],
                        "period": month.to_string(),
                        "createdAt": created,
                        "amount": amount,
                    }),
                )
            })
            .collect();
        let mut catalog = catalog_of(docs);
        let by = CatalogSort::default();
        let all = newest(&mut catalog, &CatalogFilter::default());
        assert_eq!(all.len(), 100_000);
        assert_eq!(all[0], "id99999");
        let invoices = CatalogFilter {
            document_type: Some(DocumentType::Invoices),
            ..CatalogFilter::default()
        };
        assert_eq!(catalog.counts(&invoices, by).matched, 25_000);
        let typed = CatalogFilter {
            search: "_4242".into(),
            ..invoices
        };
        assert_eq!(
            newest(&mut catalog, &typed),
            ["id42428", "id42424", "id42420"]
        );
        let by_amount = sort(SortKey::Amount, SortDirection::Descending);
        let rows = catalog.rows(&CatalogFilter::default(), by_amount, 0, 1);
        assert_eq!(rows[0].document.amount(), Some(9999.0));
        let by_name = sort(SortKey::Name, SortDirection::Ascending);
        let rows = catalog.rows(&filter("bills"), by_name, 0, 1);
        assert_eq!(rows[0].document.filename(), "bills_1.pdf");
    }
}
