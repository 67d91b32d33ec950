//! `ccs spend` and `ccs cache`: what a contract pays for, month by month, from its consumption
//! reports (fetched once into the document cache, aggregated once), and the cache itself.

use crate::args::{CacheCommand, SpendArgs};
use crate::commands::query::{checked_months, fetch};
use crate::commands::session;
use crate::exit;
use crate::output::{print_json, print_table};
use crate::Context;
use ccs_api::YearMonth;
use ccs_core::cache::DocumentCache;
use ccs_core::export::neutralise_formula;
use ccs_core::spend::{
    drill_down, projected_rows, top_movers, Dimension, Filter, Fixed, Grouped, Key, MonthInfo,
    Selection, TagCondition, ZipLimits,
};
use ccs_core::spend_source::{
    choose_reports, listed_amounts, load_spend, spend_records, LoadProgress, LoadedReport,
    SpendData, SpendRecord,
};
use ccs_core::CoreError;
use std::collections::HashMap;
use tokio_util::sync::CancellationToken;

/// Months shown as columns of the table when neither `--from` nor `--to` is given.
const TABLE_MONTHS: usize = 6;
/// Lines printed by `--lines` at most.
const LINES_LIMIT: usize = 10_000;

fn io(source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: "<standard output>".into(),
        source,
    }
}

/// `--cache-size`: bytes, or a number with K, M, G (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, CoreError> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((at, _)) => (&text[..at], text[at..].trim_end_matches(['B', 'b', 'i'])),
        None => (text, ""),
    };
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => {
            return Err(CoreError::field(
                "cache-size",
                format!("\"{text}\" is not a size: write bytes, or a number with K, M or G (2G)"),
            ))
        }
    };
    number
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| {
            CoreError::field(
                "cache-size",
                format!("\"{text}\" is not a size: write bytes, or a number with K, M or G (2G)"),
            )
        })
}

/// The filter of the flags, checked before any request.
fn filter_of(args: &SpendArgs) -> Result<Filter, CoreError> {
    let (from, to) = checked_months(args.from.as_deref(), args.to.as_deref())?;
    let tags = args
        .tag
        .iter()
        .map(|t| {
            t.parse::<TagCondition>()
                .map_err(|e| CoreError::field("tag", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filter {
        from,
        to,
        regions: args.region.clone(),
        projects: args.project.clone(),
        services: args.service.clone(),
        tags,
        ..Filter::default()
    })
}

/// `ccs spend`.
pub async fn spend(context: &Context, args: SpendArgs) -> Result<u8, CoreError> {
    let dimension: Dimension = args
        .by
        .parse()
        .map_err(|e: ccs_core::spend::SpendError| CoreError::field("by", e.to_string()))?;
    let filter = filter_of(&args)?;
    let mut cache = DocumentCache::open_default()?;
    if let Some(size) = &args.cache_size {
        cache = cache.with_limit(parse_size(size)?);
    }
    let session = session(context, true).await?;
    let contract = session.connection.require_contract()?;
    let everything = crate::args::Filters {
        document_type: None,
        from: None,
        to: None,
        limit: 1000,
    };
    let listing = fetch(&session, &contract, &everything, true).await?;
    let mut reports = choose_reports(&listing.documents, filter.from, filter.to);
    let table = !args.csv && !context.out.json && args.lines.is_none();
    if table && args.from.is_none() && args.to.is_none() && reports.len() > TABLE_MONTHS {
        // People read the last months; only those are fetched (and kept in the cache).
        reports.drain(..reports.len() - TABLE_MONTHS);
        context.out.note(format!(
            "the last {TABLE_MONTHS} months; --from and --to show others"
        ));
    }
    if reports.is_empty() {
        session.keep_token().await;
        context.out.note(format!(
            "No consumption reports for contract {contract} in these months: nothing to add up."
        ));
        // Scripts still get a document they can parse.
        if args.csv {
            print_csv(&[])?;
        } else if context.out.json {
            print_json(&Vec::<SpendRecord>::new()).map_err(io)?;
        }
        return Ok(exit::OK);
    }
    let out = context.out;
    // One line: a log of 47 steps says less than the count (the cache makes reruns quick).
    let progress = move |p: LoadProgress| {
        if p.ready == 0 {
            out.note(format!("reading {} consumption reports…", p.total));
        }
    };
    let data = load_spend(
        &session.client,
        &cache,
        &contract,
        reports,
        &progress,
        CancellationToken::new(),
    )
    .await?;
    session.keep_token().await;
    for warning in data.warnings.iter().take(10) {
        context.out.warn(warning.to_string());
    }
    // Reports aggregated by an earlier run: their skipped rows were detailed then.
    for report in data
        .reports
        .iter()
        .filter(|r| r.from_cache && r.bad_rows > 0)
    {
        context.out.warn(format!(
            "{}: {} row(s) could not be read and were skipped",
            report.report.document.filename, report.bad_rows
        ));
    }
    let grouped = data.cube.group(&dimension, &filter)?;
    if let Some(key) = &args.lines {
        return print_lines(context, &data, &dimension, &filter, &grouped, key);
    }
    if args.csv {
        print_csv(&spend_records(&grouped))?;
    } else if context.out.json {
        print_json(&spend_records(&grouped)).map_err(io)?;
    } else {
        print_tables(context, &grouped, &dimension)?;
        print_reconciliation(context, &data, &listing.documents, &filter)?;
    }
    Ok(exit::OK)
}

/// `--csv`: the JSON's records, one line each (RFC 4180, text cells never start a formula).
fn print_csv(records: &[SpendRecord]) -> Result<(), CoreError> {
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    let csv_error = |e: csv::Error| io(std::io::Error::other(e));
    writer
        .write_record([
            "month",
            "key",
            "currency",
            "amount",
            "discountedAmount",
            "quantity",
            "partial",
            "projected",
        ])
        .map_err(csv_error)?;
    for record in records {
        writer
            .write_record([
                record.month.as_str(),
                &neutralise_formula(&record.key),
                &record.currency,
                &record.amount,
                &record.discounted_amount,
                &record.quantity,
                if record.partial { "true" } else { "false" },
                if record.projected { "true" } else { "false" },
            ])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(io)
}

/// Two decimals for people (the JSON and CSV keep every decimal).
fn money(value: Fixed) -> String {
    value.round_to(2).to_string_with(2)
}

/// The table: per currency, keys as rows, months as columns (the last six unless --from/--to),
/// the month to date and its projection, the total, and the change between the last two closed
/// months. Amounts are `DiscountedAmount`, what is paid. Every cell is looked up in maps built once
/// (a grouping by resource has thousands of keys).
fn print_tables(
    context: &Context,
    grouped: &Grouped,
    dimension: &Dimension,
) -> Result<(), CoreError> {
    let months: &[MonthInfo] = &grouped.months;
    let shown = |month: YearMonth| months.iter().any(|m| m.month == month);
    let movers = top_movers(grouped, usize::MAX);
    // (currency, key, month, projected) → DiscountedAmount.
    let mut cells: HashMap<(&str, &Key, YearMonth, bool), Fixed> = HashMap::new();
    let projected = projected_rows(grouped);
    for row in grouped.rows.iter().chain(projected.iter()) {
        *cells
            .entry((row.currency.as_str(), &row.key, row.month, row.projected))
            .or_insert(Fixed::ZERO) += row.sums.discounted_amount;
    }
    let mut changes: HashMap<(&str, &Key), Fixed> = HashMap::new();
    if let Some(movers) = &movers {
        for change in &movers.changes {
            changes.insert((change.currency.as_str(), &change.key), change.change);
        }
    }
    let mut currencies: Vec<&str> = grouped.rows.iter().map(|r| r.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    let signed = |c: Fixed| {
        let text = money(c);
        if c.is_negative() {
            text
        } else {
            format!("+{text}")
        }
    };
    for currency in currencies {
        // Each key's total over the months shown (the month to date counted as it is, not projected).
        let mut totals: HashMap<&Key, Fixed> = HashMap::new();
        for row in grouped
            .rows
            .iter()
            .filter(|r| r.currency == currency && shown(r.month))
        {
            *totals.entry(&row.key).or_insert(Fixed::ZERO) += row.sums.discounted_amount;
        }
        let mut keys: Vec<&Key> = grouped
            .rows
            .iter()
            .filter(|r| r.currency == currency)
            .map(|r| &r.key)
            .collect();
        keys.sort();
        keys.dedup();
        keys.sort_by_cached_key(|key| {
            std::cmp::Reverse(totals.get(key).copied().unwrap_or(Fixed::ZERO))
        });
        let mut header: Vec<String> = vec![dimension.to_string().to_uppercase()];
        for info in months {
            if info.partial {
                header.push(format!("{} (to date)", info.month));
                header.push(format!("{} (projected)", info.month));
            } else {
                header.push(info.month.to_string());
            }
        }
        header.push("TOTAL".into());
        if let Some(movers) = &movers {
            header.push(format!("CHANGE {}→{}", movers.previous, movers.current));
        }
        let mut rows = Vec::new();
        let mut column_sums: Vec<Fixed> = Vec::new();
        for key in &keys {
            let mut row = vec![key.to_string()];
            let mut column = 0;
            let mut add = |row: &mut Vec<String>, value: Option<Fixed>| {
                if column_sums.len() <= column {
                    column_sums.push(Fixed::ZERO);
                }
                if let Some(value) = value {
                    column_sums[column] += value;
                    row.push(money(value));
                } else {
                    row.push(String::new());
                }
                column += 1;
            };
            for info in months {
                add(
                    &mut row,
                    cells.get(&(currency, *key, info.month, false)).copied(),
                );
                if info.partial {
                    add(
                        &mut row,
                        cells.get(&(currency, *key, info.month, true)).copied(),
                    );
                }
            }
            row.push(money(totals.get(key).copied().unwrap_or(Fixed::ZERO)));
            if movers.is_some() {
                row.push(
                    changes
                        .get(&(currency, *key))
                        .copied()
                        .map(signed)
                        .unwrap_or_default(),
                );
            }
            rows.push(row);
        }
        let mut total_row = vec!["TOTAL".to_owned()];
        total_row.extend(column_sums.iter().copied().map(money));
        total_row.push(money(totals.values().copied().sum()));
        if movers.is_some() {
            let change: Fixed = changes
                .iter()
                .filter(|((c, _), _)| *c == currency)
                .map(|(_, change)| *change)
                .sum();
            total_row.push(signed(change));
        }
        rows.push(total_row);
        if !context.out.quiet {
            println!("{currency}, DiscountedAmount by {dimension}:");
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        print_table(&header, &rows).map_err(io)?;
        println!();
    }
    Ok(())
}

/// Each closed month's total, per currency, beside the invoice's (or bill's) listed amount in that
/// currency — over the months asked for only, never narrowed by region, project, service or tag
/// (a part of the bill is not the bill). A currency without a listed amount says so.
fn print_reconciliation(
    context: &Context,
    data: &SpendData,
    documents: &[ccs_api::Document],
    filter: &Filter,
) -> Result<(), CoreError> {
    let months_only = Filter {
        from: filter.from,
        to: filter.to,
        ..Filter::default()
    };
    let listed = listed_amounts(documents);
    let totals = data.cube.totals(&months_only)?;
    let currencies_in = |month: YearMonth| totals.iter().filter(|t| t.month == month).count();
    let mut rows = Vec::new();
    for total in totals.iter().filter(|t| !t.partial) {
        let same_currency = listed
            .get(&total.month)
            .filter(|amount| match &amount.currency {
                Some(currency) => currency.trim().eq_ignore_ascii_case(total.currency.trim()),
                // A list without currencies: only a month of one currency can be compared.
                None => currencies_in(total.month) == 1,
            });
        let Some(amount) = same_currency else {
            rows.push(vec![
                total.month.to_string(),
                total.currency.clone(),
                money(total.sums.discounted_amount),
                "— (no listed amount in this currency)".to_owned(),
                String::new(),
            ]);
            continue;
        };
        let reconciled = ccs_core::spend::reconcile(
            total.sums.discounted_amount,
            &total.currency,
            amount.amount,
            amount.currency.as_deref(),
        )?;
        rows.push(vec![
            total.month.to_string(),
            total.currency.clone(),
            money(reconciled.report_total),
            format!(
                "{} ({})",
                money(reconciled.listed_amount),
                amount.document_type
            ),
            money(reconciled.difference),
        ]);
    }
    if rows.is_empty() || context.out.quiet {
        return Ok(());
    }
    println!("Reports against the documents list:");
    print_table(
        &["MONTH", "CURRENCY", "REPORTS", "LISTED", "DIFFERENCE"],
        &rows,
    )
    .map_err(io)
}

/// `--lines KEY`: the report lines behind one key of the grouping.
fn print_lines(
    context: &Context,
    data: &SpendData,
    dimension: &Dimension,
    filter: &Filter,
    grouped: &Grouped,
    label: &str,
) -> Result<u8, CoreError> {
    let Some(row) = grouped.rows.iter().find(|r| r.key.to_string() == label) else {
        let mut known: Vec<String> = grouped.rows.iter().map(|r| r.key.to_string()).collect();
        known.sort();
        known.dedup();
        known.truncate(20);
        return Err(CoreError::field(
            "lines",
            format!(
                "no {dimension} \"{label}\" in these months; some there are: {}",
                known.join(", ")
            ),
        ));
    };
    let inputs: Vec<_> = data.reports.iter().map(LoadedReport::input).collect();
    let selection = Selection {
        dimension: dimension.clone(),
        key: row.key.clone(),
        currency: None,
        filter: filter.clone(),
    };
    let found = drill_down(&inputs, &selection, LINES_LIMIT, &ZipLimits::default(), 2)?;
    if context.out.json {
        print_json(&found.lines).map_err(io)?;
    } else {
        let rows: Vec<Vec<String>> = found
            .lines
            .iter()
            .map(|line| {
                let column = |i: usize| line.columns.get(i).cloned().unwrap_or_default();
                vec![
                    line.month.to_string(),
                    column(7),
                    column(10),
                    column(11),
                    column(12),
                    line.quantity.to_string_with(3),
                    money(line.discounted_amount),
                    column(19),
                ]
            })
            .collect();
        print_table(
            &[
                "MONTH",
                "SERVICE",
                "RESOURCE",
                "PROJECT",
                "TAGS",
                "QUANTITY",
                "DISCOUNTED",
                "CURRENCY",
            ],
            &rows,
        )
        .map_err(io)?;
    }
    if found.truncated {
        context.out.warn(format!(
            "{} lines match; the first {LINES_LIMIT} are shown",
            found.matching
        ));
    }
    Ok(exit::OK)
}

/// `ccs cache …`.
pub fn cache(context: &Context, command: CacheCommand) -> Result<u8, CoreError> {
    let cache = DocumentCache::open_default()?;
    match command {
        CacheCommand::Clear => {
            let cleared = cache.clear()?;
            context.out.note(format!(
                "removed {} file(s), {} from {}",
                cleared.files,
                crate::output::human_size(cleared.bytes),
                cache.dir().display()
            ));
        }
        CacheCommand::Info => {
            let usage = cache.usage();
            if context.out.json {
                print_json(&serde_json::json!({
                    "folder": cache.dir().display().to_string(),
                    "bytes": usage,
                }))
                .map_err(io)?;
            } else {
                println!(
                    "{}: {}",
                    cache.dir().display(),
                    crate::output::human_size(usage)
                );
            }
        }
    }
    Ok(exit::OK)
}
