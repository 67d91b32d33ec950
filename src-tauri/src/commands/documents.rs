//! A contract's documents: listed once into the app's memory, then browsed by the page a window of
//! rows at a time (filter, sort, selection all on this side; see `ccs_core::catalog` for why).

use super::track;
use crate::dto::{
    DocumentChoice, DocumentFilterInput, DocumentRowsView, DocumentSortInput, DocumentView,
    DocumentsLoaded, DocumentsQueryInput, RowsRequest, SelectionChange, SortDirectionInput,
    SortKeyInput,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use ccs_api::{Document, DocumentId, DocumentType, DocumentsQuery, YearMonth};
use ccs_core::catalog::{
    Catalog, CatalogBuilder, CatalogFilter, CatalogSort, SortDirection, SortKey,
};
use ccs_core::listed::ListedDocument;
use ccs_core::settings::parse_contract;
use ccs_core::{CoreError, ErrorCode};
use tauri::{AppHandle, State};

/// The most rows one `document_rows` answer carries: a screenful or a few, never the list.
const MAX_ROWS: u32 = 500;

/// Lists a contract's documents (newest first, up to `limit`) into the app; the page then asks for
/// the rows it shows with `document_rows`.
#[tauri::command]
#[specta::specta]
pub async fn load_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    contract: String,
    query: DocumentsQueryInput,
) -> AppResult<DocumentsLoaded> {
    let active = track(&state, state.active())?;
    let result = async {
        let contract_id = parse_contract(&contract)?;
        let document_type = document_type_of(query.document_type.as_deref());
        let limit = query.limit.clamp(1, DocumentsQuery::MAX_LIMIT);
        // Each document goes into the catalog's compact form as it is read.
        let mut builder = CatalogBuilder::with_capacity(limit as usize);
        let listed = active
            .client
            .list_documents_each(
                &contract_id,
                &DocumentsQuery {
                    document_type,
                    limit,
                },
                &mut |document| builder.push(document),
            )
            .await?;
        let catalog = builder.build();
        let types = catalog
            .types()
            .iter()
            .map(|t| t.wire_name().to_owned())
            .collect();
        state.store_catalog(contract_id.as_str(), catalog, query.keep_selection);
        Ok(DocumentsLoaded {
            total: count(listed.count),
            limit: listed.limit,
            filled_limit: listed.filled_limit,
            types,
        })
    }
    .await;
    super::emit_token_state(&app, &active, &result).await;
    track(&state, result)
}

/// A window of a contract's listed documents, filtered and sorted, with the counts the page prints.
#[tauri::command]
#[specta::specta]
pub async fn document_rows(
    state: State<'_, AppState>,
    contract: String,
    request: RowsRequest,
) -> AppResult<DocumentRowsView> {
    let result = (|| {
        let contract = parse_contract(&contract)?;
        let filter = catalog_filter(&request.filter)?;
        let sort = catalog_sort(request.sort);
        state.with_catalog(contract.as_str(), |catalog| {
            rows_view(catalog, &filter, sort, request.offset, request.count)
        })
    })();
    track(&state, result)
}

/// Selects or clears one document, or every document a filter shows.
#[tauri::command]
#[specta::specta]
pub async fn select_documents(
    state: State<'_, AppState>,
    contract: String,
    change: SelectionChange,
) -> AppResult<()> {
    let result = (|| {
        let contract = parse_contract(&contract)?;
        match change {
            SelectionChange::One { id, selected } => {
                // As the list sent it: the catalog holds the server's ids unchecked.
                let id = DocumentId::from_server(id);
                if state.with_catalog(contract.as_str(), |catalog| catalog.select(&id, selected))? {
                    Ok(())
                } else {
                    Err(AppError::new(
                        ErrorCode::NotListed,
                        "This document is no longer in the list: open the contract's documents again.",
                    ))
                }
            }
            SelectionChange::Matching { filter, selected } => {
                let filter = catalog_filter(&filter)?;
                state.with_catalog(contract.as_str(), |catalog| {
                    catalog.select_matching(&filter, selected);
                })
            }
        }
    })();
    track(&state, result)
}

/// The documents a bulk save takes, with what the list knows of them (to name the files); none is
/// refused before any folder is asked for.
pub(crate) fn chosen_documents(
    state: &AppState,
    contract: &str,
    choice: &DocumentChoice,
) -> AppResult<Vec<Document>> {
    let chosen = match choice {
        DocumentChoice::Selected => {
            state.with_catalog(contract, |catalog| catalog.selected_documents())
        }
        DocumentChoice::Invoices { filter } => {
            let filter = catalog_filter(filter)?.invoices();
            state.with_catalog(contract, |catalog| catalog.matching_documents(&filter))
        }
        DocumentChoice::Documents { ids } => {
            state.with_catalog(contract, |catalog| catalog.documents_with_ids(ids))
        }
    }?;
    if chosen.is_empty() {
        return Err(AppError::new(
            ErrorCode::NothingChosen,
            "No document to save: select some, or change the filters.",
        ));
    }
    Ok(chosen)
}

fn rows_view(
    catalog: &mut Catalog,
    filter: &CatalogFilter,
    sort: CatalogSort,
    offset: u32,
    wanted: u32,
) -> DocumentRowsView {
    let counts = catalog.counts(filter, sort);
    let rows = catalog
        .rows(filter, sort, offset as usize, wanted.min(MAX_ROWS) as usize)
        .into_iter()
        .map(|row| document_view(row.document, row.selected))
        .collect();
    DocumentRowsView {
        total: count(counts.total),
        matched: count(counts.matched),
        matched_invoices: count(counts.matched_invoices),
        matched_selected: count(counts.matched_selected),
        selected: count(counts.selected),
        offset,
        rows,
    }
}

fn document_view(d: ListedDocument<'_>, selected: bool) -> DocumentView {
    DocumentView {
        id: d.id().to_owned(),
        filename: d.filename().to_owned(),
        period: d.period().to_owned(),
        document_type: d.document_type().map(|t| t.wire_name().to_owned()),
        created_at: d.created_at().map(str::to_owned),
        size: d.size().map(|s| s as f64),
        amount: d.amount(),
        currency: d.currency().map(str::to_owned),
        selected,
    }
}

/// The filter as the core reads it; a month that is no month is refused, named by its field.
fn catalog_filter(input: &DocumentFilterInput) -> Result<CatalogFilter, CoreError> {
    let month = |field: &'static str, value: Option<u32>| {
        value
            .map(|number| {
                YearMonth::from_number(number).ok_or_else(|| {
                    CoreError::field(
                        field,
                        format!("{number} is not a month (YYYYMM, e.g. 202403)"),
                    )
                })
            })
            .transpose()
    };
    Ok(CatalogFilter {
        search: input.search.clone(),
        document_type: document_type_of(input.document_type.as_deref()),
        from: month("from", input.from)?,
        to: month("to", input.to)?,
    })
}

/// A type as the page sends it (any spelling; blank for all).
fn document_type_of(text: Option<&str>) -> Option<DocumentType> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(DocumentType::from_name)
}

fn catalog_sort(input: DocumentSortInput) -> CatalogSort {
    CatalogSort {
        key: match input.key {
            SortKeyInput::Date => SortKey::Date,
            SortKeyInput::Period => SortKey::Period,
            SortKeyInput::Amount => SortKey::Amount,
            SortKeyInput::Name => SortKey::Name,
        },
        direction: match input.direction {
            SortDirectionInput::Asc => SortDirection::Ascending,
            SortDirectionInput::Desc => SortDirection::Descending,
        },
    }
}

/// A count for the UI (TypeScript numbers; a list never holds 4 billion documents).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;

    fn filter(from: Option<u32>, to: Option<u32>) -> DocumentFilterInput {
        DocumentFilterInput {
            search: String::new(),
            document_type: Some(" consumptionRatedReports ".into()),
            from,
            to,
        }
    }

    #[test]
    fn filters_are_checked_and_types_read_in_any_spelling() {
        let read = catalog_filter(&filter(Some(202401), Some(202412))).unwrap();
        assert_eq!(
            read.document_type,
            Some(DocumentType::ConsumptionRatedReports)
        );
        assert_eq!(
            (read.from, read.to),
            (YearMonth::new(2024, 1), YearMonth::new(2024, 12))
        );
        for wrong in [202413, 2024, 20240101] {
            let error = catalog_filter(&filter(Some(wrong), None)).unwrap_err();
            assert_eq!(error.kind(), ErrorCode::InvalidInput, "{wrong}");
        }
    }
}
