//! `ccs spend` and `ccs cache`: what a contract pays for, month by month, from its consumption
//! reports (fetched once into the document cache, aggregated once), and the cache itself.

use crate::args::{CacheCommand, SpendArgs};
use crate::commands::query::fetch;
use crate::commands::session;
use crate::exit;
use crate::output::{print_json, print_table};
use crate::Context;
use ccs_api::YearMonth;
use ccs_core::cache::DocumentCache;
use ccs_core::export::neutralise_formula;
use ccs_core::spend::{
    drill_down, top_movers, Dimension, Filter, Grouped, Key, Selection, TagCondition, ZipLimits,
};
use ccs_core::spend_source::{
    choose_reports, listed_amounts, load_spend, spend_records, LoadProgress, SpendData,
};
use ccs_core::validate::{parse_year_month, FieldError};
use ccs_core::CoreError;
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

fn month(field: &'static str, text: Option<&str>) -> Result<Option<YearMonth>, CoreError> {
    text.map(|t| {
        parse_year_month(t).map_err(|problem| CoreError::InvalidInput {
            fields: vec![FieldError { field, ..problem }],
        })
    })
    .transpose()
}

/// The filter of the flags, checked before any request.
fn filter_of(args: &SpendArgs) -> Result<Filter, CoreError> {
    let from = month("from", args.from.as_deref())?;
    let to = month("to", args.to.as_deref())?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(CoreError::field("from", "--from is after --to"));
        }
    }
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
    let reports = choose_reports(&listing.documents, filter.from, filter.to);
    if reports.is_empty() {
        context.out.note(format!(
            "No consumption reports for contract {contract} in these months: nothing to add up."
        ));
        session.keep_token().await;
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
    let grouped = data.cube.group(&dimension, &filter)?;
    if let Some(key) = &args.lines {
        return print_lines(context, &data, &dimension, &filter, &grouped, key);
    }
    if args.csv {
        print_csv(&grouped)?;
    } else if context.out.json {
        print_json(&spend_records(&grouped)).map_err(io)?;
    } else {
        print_tables(
            context,
            &grouped,
            &dimension,
            args.from.is_none() && args.to.is_none(),
        )?;
        print_reconciliation(context, &data, &listing.documents, &filter)?;
    }
    Ok(exit::OK)
}

/// `--csv`: the JSON's records, one line each (RFC 4180, text cells never start a formula).
fn print_csv(grouped: &Grouped) -> Result<(), CoreError> {
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
    for record in spend_records(grouped) {
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
fn money(value: ccs_core::spend::Fixed) -> String {
    value.round_to(2).to_string_with(2)
}

/// The table: per currency, keys as rows, months as columns (the last six unless --from/--to),
/// the month to date and its projection, the total, and the change between the last two closed
/// months. Amounts are `DiscountedAmount`, what is paid.
fn print_tables(
    context: &Context,
    grouped: &Grouped,
    dimension: &Dimension,
    last_months_only: bool,
) -> Result<(), CoreError> {
    let mut months: Vec<_> = grouped.months.clone();
    if last_months_only && months.len() > TABLE_MONTHS {
        months.drain(..months.len() - TABLE_MONTHS);
        context.out.note(format!(
            "the last {TABLE_MONTHS} months; --from and --to show others"
        ));
    }
    let movers = top_movers(grouped, usize::MAX);
    let projected = ccs_core::spend::projected_rows(grouped);
    let mut currencies: Vec<&str> = grouped.rows.iter().map(|r| r.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    for currency in currencies {
        let mut keys: Vec<&Key> = grouped
            .rows
            .iter()
            .filter(|r| r.currency == currency)
            .map(|r| &r.key)
            .collect();
        keys.sort();
        keys.dedup();
        let total_of = |key: &Key| -> ccs_core::spend::Fixed {
            grouped
                .series(currency, key)
                .filter(|r| months.iter().any(|m| m.month == r.month))
                .fold(ccs_core::spend::Fixed::ZERO, |sum, r| {
                    sum + r.sums.discounted_amount
                })
        };
        keys.sort_by_key(|key| std::cmp::Reverse(total_of(key)));
        let mut header: Vec<String> = vec![dimension.to_string().to_uppercase()];
        for info in &months {
            header.push(if info.partial {
                format!("{} (to date)", info.month)
            } else {
                info.month.to_string()
            });
            if info.partial {
                header.push(format!("{} (projected)", info.month));
            }
        }
        header.push("TOTAL".into());
        if let Some(movers) = &movers {
            header.push(format!("CHANGE {}→{}", movers.previous, movers.current));
        }
        let row_for =
            |label: String,
             cell: &dyn Fn(&ccs_core::spend::MonthInfo, bool) -> Option<ccs_core::spend::Fixed>,
             total: ccs_core::spend::Fixed,
             change: Option<ccs_core::spend::Fixed>| {
                let mut row = vec![label];
                for info in &months {
                    row.push(cell(info, false).map(money).unwrap_or_default());
                    if info.partial {
                        row.push(cell(info, true).map(money).unwrap_or_default());
                    }
                }
                row.push(money(total));
                if movers.is_some() {
                    row.push(
                        change
                            .map(|c| {
                                let text = money(c);
                                if c.is_negative() {
                                    text
                                } else {
                                    format!("+{text}")
                                }
                            })
                            .unwrap_or_default(),
                    );
                }
                row
            };
        let mut rows = Vec::new();
        for key in &keys {
            let cell = |info: &ccs_core::spend::MonthInfo, projection: bool| {
                let source = if projection {
                    projected.iter().collect::<Vec<_>>()
                } else {
                    grouped.series(currency, key).collect()
                };
                source
                    .into_iter()
                    .find(|r| r.currency == currency && &r.key == *key && r.month == info.month)
                    .map(|r| r.sums.discounted_amount)
            };
            let change = movers.as_ref().and_then(|m| {
                m.changes
                    .iter()
                    .find(|c| c.currency == currency && &c.key == *key)
                    .map(|c| c.change)
            });
            rows.push(row_for(key.to_string(), &cell, total_of(key), change));
        }
        let totals = grouped.totals();
        let month_total = |info: &ccs_core::spend::MonthInfo, projection: bool| {
            if projection {
                let sum = projected
                    .iter()
                    .filter(|r| r.currency == currency && r.month == info.month)
                    .fold(ccs_core::spend::Fixed::ZERO, |s, r| {
                        s + r.sums.discounted_amount
                    });
                return Some(sum);
            }
            totals
                .iter()
                .find(|t| t.currency == currency && t.month == info.month)
                .map(|t| t.sums.discounted_amount)
        };
        let all = keys
            .iter()
            .fold(ccs_core::spend::Fixed::ZERO, |s, k| s + total_of(k));
        let change = movers.as_ref().map(|m| {
            m.changes
                .iter()
                .filter(|c| c.currency == currency)
                .fold(ccs_core::spend::Fixed::ZERO, |s, c| s + c.change)
        });
        rows.push(row_for("TOTAL".into(), &month_total, all, change));
        if !context.out.quiet {
            println!("{currency}, DiscountedAmount by {dimension}:");
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        print_table(&header, &rows).map_err(io)?;
        println!();
    }
    Ok(())
}

/// Each closed month's total beside its invoice's (or bill's) listed amount.
fn print_reconciliation(
    context: &Context,
    data: &SpendData,
    documents: &[ccs_api::Document],
    filter: &Filter,
) -> Result<(), CoreError> {
    let listed = listed_amounts(documents);
    let totals = data.cube.totals(filter)?;
    let mut rows = Vec::new();
    for total in totals.iter().filter(|t| !t.partial) {
        let Some(amount) = listed.get(&total.month) else {
            continue;
        };
        let currency_of_list = amount
            .currency
            .as_deref()
            .unwrap_or(total.currency.as_str());
        if currency_of_list != total.currency {
            continue;
        }
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
    let inputs: Vec<_> = data.reports.iter().map(|r| r.input.clone()).collect();
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
