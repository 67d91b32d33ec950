//! Questions to the aggregates: never across currencies, filters crossing dimensions, top N and
//! "other", merging cubes, serde, month over month and top movers, the projection of the month to
//! date, reconciliation with a bill, drill-down, and several files read in parallel.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod spend_support;

use ccs_api::YearMonth;
use ccs_core::spend::{
    aggregate_files, drill_down, month_over_month, project, projected_rows, read_report, reconcile,
    top_movers, AggregateOptions, Cube, CubeBuilder, Dimension, Dimensions, Filter, Fixed, Key,
    ReportInput, ReportMeta, Selection, SpendError, TagCondition, ZipLimits,
};
use spend_support::{report, row, zip};

fn month(year: u16, month: u8) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn cube_of(reports: &[(YearMonth, bool, Vec<String>)], dimensions: Dimensions) -> Cube {
    let mut builder = CubeBuilder::new(dimensions);
    for (month, partial, rows) in reports {
        let meta = ReportMeta {
            name: format!("{month}.csv"),
            month: *month,
            partial: *partial,
        };
        read_report(&report(rows)[..], &meta, &mut builder).unwrap();
    }
    builder.finish()
}

fn amounts(rows: &[ccs_core::spend::GroupRow]) -> Vec<(String, String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r.month.to_string(),
                r.currency.clone(),
                r.key.to_string(),
                r.sums.discounted_amount.to_string(),
            )
        })
        .collect()
}

fn strings(list: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    list.iter()
        .map(|(a, b, c, d)| ((*a).into(), (*b).into(), (*c).into(), (*d).into()))
        .collect()
}

/// Two months, two currencies, two regions, three projects, tags.
fn sample() -> Cube {
    let september = vec![
        row(&[
            ("ServiceCloud", "ECS"),
            ("DiscountedAmount", "100"),
            ("Region", "eu-west-0"),
            ("Project", "prod"),
            ("Tags", "env=prod"),
        ]),
        row(&[
            ("ServiceCloud", "OBS"),
            ("DiscountedAmount", "50"),
            ("Region", "eu-west-0"),
            ("Project", "dev"),
            ("Tags", "env=dev"),
        ]),
        row(&[
            ("ServiceCloud", "ECS"),
            ("DiscountedAmount", "30"),
            ("Currency", "USD"),
            ("Region", "us-east"),
            ("Project", "prod"),
        ]),
    ];
    let october = vec![
        row(&[
            ("ServiceCloud", "ECS"),
            ("DiscountedAmount", "160"),
            ("Region", "eu-west-0"),
            ("Project", "prod"),
            ("Tags", "env=prod"),
        ]),
        row(&[
            ("ServiceCloud", "OBS"),
            ("DiscountedAmount", "40"),
            ("Region", "eu-west-1"),
            ("Project", "dev"),
            ("Tags", "env=dev,team=a"),
        ]),
        row(&[
            ("ServiceCloud", "EVS"),
            ("DiscountedAmount", "25"),
            ("Region", "eu-west-0"),
            ("Project", "data"),
            ("Tags", ""),
        ]),
        row(&[
            ("ServiceCloud", "ECS"),
            ("DiscountedAmount", "-10"),
            ("Region", "eu-west-0"),
            ("Project", "prod"),
            ("Tags", "env=prod"),
        ]),
        row(&[
            ("ServiceCloud", "ECS"),
            ("DiscountedAmount", "45"),
            ("Currency", "USD"),
            ("Region", "us-east"),
            ("Project", "prod"),
        ]),
    ];
    cube_of(
        &[
            (month(2026, 9), false, september),
            (month(2026, 10), false, october),
        ],
        Dimensions::ALL,
    )
}

#[test]
fn currencies_are_never_added_together() {
    let grouped = sample()
        .group(&Dimension::Service, &Filter::default())
        .unwrap();
    assert_eq!(
        amounts(&grouped.rows),
        strings(&[
            ("2026-09", "EUR", "ECS", "100"),
            ("2026-09", "EUR", "OBS", "50"),
            ("2026-10", "EUR", "ECS", "150"),
            ("2026-10", "EUR", "OBS", "40"),
            ("2026-10", "EUR", "EVS", "25"),
            ("2026-09", "USD", "ECS", "30"),
            ("2026-10", "USD", "ECS", "45"),
        ])
    );
    let totals: Vec<_> = sample()
        .totals(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|t| {
            (
                t.month.to_string(),
                t.currency,
                t.sums.discounted_amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("2026-09".to_owned(), "EUR".to_owned(), "150".to_owned()),
            ("2026-10".into(), "EUR".into(), "215".into()),
            ("2026-09".into(), "USD".into(), "30".into()),
            ("2026-10".into(), "USD".into(), "45".into()),
        ]
    );
}

#[test]
fn filters_cross_dimensions() {
    let cube = sample();
    let filter = Filter {
        regions: vec!["eu-west-0".into()],
        projects: vec!["prod".into(), "data".into()],
        from: Some(month(2026, 10)),
        ..Filter::default()
    };
    let grouped = cube.group(&Dimension::Service, &filter).unwrap();
    assert_eq!(
        amounts(&grouped.rows),
        strings(&[
            ("2026-10", "EUR", "ECS", "150"),
            ("2026-10", "EUR", "EVS", "25")
        ])
    );
    assert_eq!(grouped.months.len(), 1);
    // Tags: same key or, different keys and; "(none)" for rows without the key.
    let filter = Filter {
        tags: vec!["env=dev".parse().unwrap(), "env=(none)".parse().unwrap()],
        ..Filter::default()
    };
    let grouped = cube.group(&Dimension::Project, &filter).unwrap();
    assert_eq!(
        amounts(&grouped.rows),
        strings(&[
            ("2026-09", "EUR", "dev", "50"),
            ("2026-10", "EUR", "dev", "40"),
            ("2026-10", "EUR", "data", "25"),
        ])
    );
    let filter = Filter {
        tags: vec![
            TagCondition {
                key: "env".into(),
                value: Some("dev".into()),
            },
            TagCondition {
                key: "team".into(),
                value: Some("a".into()),
            },
        ],
        currencies: vec!["EUR".into()],
        ..Filter::default()
    };
    let grouped = cube.group(&Dimension::Region, &filter).unwrap();
    assert_eq!(
        amounts(&grouped.rows),
        strings(&[("2026-10", "EUR", "eu-west-1", "40")])
    );
}

#[test]
fn top_n_and_other_per_currency() {
    let top = sample()
        .group(&Dimension::Service, &Filter::default())
        .unwrap()
        .top(1);
    assert_eq!(
        amounts(&top.rows),
        strings(&[
            ("2026-09", "EUR", "ECS", "100"),
            ("2026-09", "EUR", "(other)", "50"),
            ("2026-10", "EUR", "ECS", "150"),
            ("2026-10", "EUR", "(other)", "65"),
            ("2026-09", "USD", "ECS", "30"),
            ("2026-10", "USD", "ECS", "45"),
        ])
    );
}

#[test]
fn a_dimension_not_kept_is_refused() {
    let cube = cube_of(
        &[(month(2026, 10), false, vec![row(&[])])],
        Dimensions::SERVICE,
    );
    assert!(cube.group(&Dimension::Service, &Filter::default()).is_ok());
    assert!(matches!(
        cube.group(&Dimension::Resource, &Filter::default()),
        Err(SpendError::NotAggregated { .. })
    ));
    let filter = Filter {
        regions: vec!["x".into()],
        ..Filter::default()
    };
    assert!(matches!(
        cube.group(&Dimension::Service, &filter),
        Err(SpendError::NotAggregated { .. })
    ));
    assert!("tag:".parse::<Dimension>().is_err());
    assert_eq!(
        "tag:env".parse::<Dimension>().unwrap(),
        Dimension::Tag("env".into())
    );
}

#[test]
fn merged_cubes_intern_again_and_round_trip_through_serde() {
    let whole = sample();
    let september = cube_of(
        &[(
            month(2026, 9),
            false,
            vec![row(&[("ServiceCloud", "OBS"), ("DiscountedAmount", "7")])],
        )],
        Dimensions::ALL,
    );
    let october = cube_of(
        &[(
            month(2026, 10),
            false,
            vec![
                row(&[("ServiceCloud", "ECS"), ("DiscountedAmount", "3")]),
                row(&[("ServiceCloud", "OBS"), ("DiscountedAmount", "1")]),
            ],
        )],
        Dimensions::ALL,
    );
    let merged = Cube::merge(&[october, september, whole.clone()]);
    let grouped = merged
        .group(
            &Dimension::Service,
            &Filter {
                currencies: vec!["EUR".into()],
                ..Filter::default()
            },
        )
        .unwrap();
    assert_eq!(
        amounts(&grouped.rows),
        strings(&[
            ("2026-09", "EUR", "ECS", "100"),
            ("2026-09", "EUR", "OBS", "57"),
            ("2026-10", "EUR", "ECS", "153"),
            ("2026-10", "EUR", "OBS", "41"),
            ("2026-10", "EUR", "EVS", "25"),
        ])
    );
    let json = serde_json::to_string(&whole).unwrap();
    let back: Cube = serde_json::from_str(&json).unwrap();
    assert_eq!(back, whole);
    // Another version, or a damaged file, is an error, not a panic.
    let other_version = json.replacen("\"version\":1", "\"version\":99", 1);
    assert!(serde_json::from_str::<Cube>(&other_version).is_err());
    let damaged = json.replacen("\"service\":[", "\"service\":[4000000,", 1);
    assert!(serde_json::from_str::<Cube>(&damaged).is_err());
}

#[test]
fn month_over_month_and_top_movers_use_the_last_two_closed_months() {
    let mut cube_reports = vec![
        (
            month(2026, 9),
            false,
            vec![
                row(&[("ServiceCloud", "ECS"), ("DiscountedAmount", "100")]),
                row(&[("ServiceCloud", "OBS"), ("DiscountedAmount", "50")]),
                row(&[("ServiceCloud", "RDS"), ("DiscountedAmount", "20")]),
            ],
        ),
        (
            month(2026, 10),
            false,
            vec![
                row(&[("ServiceCloud", "ECS"), ("DiscountedAmount", "160")]),
                row(&[("ServiceCloud", "OBS"), ("DiscountedAmount", "45")]),
                row(&[("ServiceCloud", "EVS"), ("DiscountedAmount", "30")]),
            ],
        ),
    ];
    // The month to date is not a closed month: it does not move the comparison.
    cube_reports.push((
        month(2026, 11),
        true,
        vec![row(&[
            ("ServiceCloud", "ECS"),
            ("DiscountedAmount", "999"),
            ("EndDate", "2026-11-10 23:59:59"),
        ])],
    ));
    let cube = cube_of(&cube_reports, Dimensions::ALL);
    let grouped = cube.group(&Dimension::Service, &Filter::default()).unwrap();
    let movers = top_movers(&grouped, 3).unwrap();
    assert_eq!(
        (movers.previous, movers.current),
        (month(2026, 9), month(2026, 10))
    );
    let found: Vec<(String, String)> = movers
        .changes
        .iter()
        .map(|c| (c.key.to_string(), c.change.to_string()))
        .collect();
    assert_eq!(
        found,
        [
            ("ECS".to_owned(), "60".to_owned()),
            ("EVS".into(), "30".into()),
            ("RDS".into(), "-20".into())
        ]
    );
    let all = month_over_month(&grouped, month(2026, 9), month(2026, 10));
    assert_eq!(all.changes.len(), 4);
    assert_eq!(all.changes[3].key, Key::text("OBS"));
    assert_eq!(all.changes[3].change, Fixed::from_int(-5));
    // Without the month before the last closed one, there is nothing to compare.
    let lone = cube_of(&cube_reports[1..2], Dimensions::ALL);
    assert!(top_movers(
        &lone.group(&Dimension::Service, &Filter::default()).unwrap(),
        3
    )
    .is_none());
}

#[test]
fn the_month_to_date_is_projected_to_the_month_end() {
    let cube = cube_of(
        &[(
            month(2026, 11),
            true,
            vec![
                row(&[
                    ("DiscountedAmount", "100"),
                    ("Amount", "120"),
                    ("EndDate", "2026-11-07 23:59:59"),
                ]),
                row(&[
                    ("DiscountedAmount", "20"),
                    ("Amount", "20"),
                    ("EndDate", "2026-11-12 00:00:00"),
                ]),
            ],
        )],
        Dimensions::ALL,
    );
    let info = &cube.months()[0];
    assert!(info.partial);
    assert_eq!(info.latest_end.unwrap().to_string(), "2026-11-12T00:00:00");
    // Midnight on the 12th ends the 11th: 11 days of 30.
    assert_eq!(info.days_covered(), Some(11));
    let grouped = cube.group(&Dimension::Service, &Filter::default()).unwrap();
    let projected = projected_rows(&grouped);
    assert_eq!(projected.len(), 1);
    assert!(projected[0].projected && projected[0].partial);
    // 120 × 30 / 11 = 327.272727272727… ; 140 × 30 / 11 = 381.818181818181…
    assert_eq!(
        projected[0].sums.discounted_amount.to_string_with(4),
        "327.2727"
    );
    assert_eq!(projected[0].sums.amount.to_string_with(2), "381.82");
    let whole = project(&grouped.rows[0].sums, info).unwrap();
    assert_eq!(whole, projected[0].sums);
    // An end in a later month covers the whole month; none at all, no projection.
    let mut later = info.clone();
    later.latest_end = Some("2026-12-01 00:00:00".parse().unwrap());
    assert_eq!(later.days_covered(), Some(30));
    later.latest_end = None;
    assert_eq!(project(&grouped.rows[0].sums, &later), None);
}

#[test]
fn reconciliation_shows_the_difference() {
    let total: Fixed = "1234.5600".parse().unwrap();
    let same = reconcile(total, "EUR", 1234.56, Some("EUR")).unwrap();
    assert_eq!(same.difference, Fixed::ZERO);
    assert!(same.matches_to_the_cent);
    let off = reconcile(total, "EUR", 1234.5, None).unwrap();
    assert_eq!(off.difference.to_string(), "0.06");
    assert!(!off.matches_to_the_cent);
    let rounding: Fixed = "1234.5649".parse().unwrap();
    let close = reconcile(rounding, "EUR", 1234.56, None).unwrap();
    assert_eq!(close.difference.to_string(), "0.0049");
    assert!(close.matches_to_the_cent);
    assert!(matches!(
        reconcile(total, "EUR", 1234.56, Some("USD")),
        Err(SpendError::CurrencyMismatch { .. })
    ));
    assert!(matches!(
        reconcile(total, "EUR", f64::NAN, None),
        Err(SpendError::InvalidAmount { .. })
    ));
}

#[test]
fn files_are_read_in_parallel_and_drilled_into() {
    let folder = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for m in 1..=6u8 {
        let rows: Vec<String> = (0..200)
            .map(|i| {
                row(&[
                    ("ServiceCloud", if i % 2 == 0 { "ECS" } else { "OBS" }),
                    ("IdResource", &format!("vm-{}", i % 7)),
                    ("DiscountedAmount", "0,01"),
                    ("Tags", if i % 3 == 0 { "env=prod" } else { "" }),
                ])
            })
            .collect();
        let bytes = report(&rows);
        let path = folder.path().join(format!("2026-{m:02}.csv"));
        if m % 2 == 0 {
            std::fs::write(&path, zip(&[("inner.csv", &bytes)])).unwrap();
        } else {
            std::fs::write(&path, bytes).unwrap();
        }
        inputs.push(ReportInput {
            path,
            month: month(2026, m),
            partial: false,
        });
    }
    let options = AggregateOptions::default();
    let one = aggregate_files(&inputs, &options, 1).unwrap();
    let three = aggregate_files(&inputs, &options, 3).unwrap();
    assert_eq!(one.files.len(), 6);
    assert_eq!(one.files[1].name, "2026-02.csv (inner.csv)");
    let by_service = |cube: &Cube| {
        amounts(
            &cube
                .group(&Dimension::Service, &Filter::default())
                .unwrap()
                .rows,
        )
    };
    assert_eq!(by_service(&one.cube), by_service(&three.cube));
    assert_eq!(
        by_service(&one.cube)[0],
        ("2026-01".into(), "EUR".into(), "ECS".into(), "1".into())
    );

    // The lines behind March's vm-3 tagged env=prod: i ≡ 3 (mod 7) and i ≡ 0 (mod 3), i < 200.
    let selection = Selection {
        dimension: Dimension::Resource,
        key: Key::text("vm-3"),
        currency: Some("EUR".into()),
        filter: Filter {
            from: Some(month(2026, 3)),
            to: Some(month(2026, 4)),
            tags: vec!["env=prod".parse().unwrap()],
            ..Filter::default()
        },
    };
    let lines = drill_down(&inputs, &selection, 5, &ZipLimits::default(), 2).unwrap();
    let expected_per_month = (0..200).filter(|i| i % 7 == 3 && i % 3 == 0).count() as u64;
    assert_eq!(lines.matching, 2 * expected_per_month);
    assert_eq!(lines.lines.len(), 5);
    assert!(lines.truncated);
    assert_eq!(lines.lines[0].month, month(2026, 3));
    assert_eq!(lines.lines[0].line, 5); // i = 3, after the header
    assert_eq!(lines.lines[0].columns[10], "vm-3");
    // What the cube says for the same cell.
    let cell = one
        .cube
        .group(&Dimension::Resource, &selection.filter)
        .unwrap()
        .rows
        .into_iter()
        .filter(|r| r.key == Key::text("vm-3"))
        .map(|r| r.sums.rows)
        .sum::<u64>();
    assert_eq!(cell, lines.matching);
    // "(other)" is several keys.
    let other = Selection {
        key: Key::Other,
        ..selection
    };
    assert!(matches!(
        drill_down(&inputs, &other, 5, &ZipLimits::default(), 1),
        Err(SpendError::InvalidQuery { .. })
    ));
    // A failing file is named.
    let mut broken = inputs.clone();
    broken[2].path = folder.path().join("missing.csv");
    match aggregate_files(&broken, &options, 2) {
        Err(error) => assert_eq!(error.file(), Some("missing.csv")),
        Ok(_) => panic!("a missing file was read"),
    }
}

#[test]
fn charges_group_by_code_and_label() {
    let cube = cube_of(
        &[(
            month(2026, 10),
            false,
            vec![
                row(&[
                    ("CodeLabel", "s6.large.2"),
                    ("ChargeLabel", "ECS Linux"),
                    ("DiscountedAmount", "2"),
                ]),
                row(&[
                    ("CodeLabel", "s6.large.2"),
                    ("ChargeLabel", "ECS Windows"),
                    ("DiscountedAmount", "3"),
                ]),
                row(&[
                    ("CodeLabel", "s6.large.2"),
                    ("ChargeLabel", "ECS Linux"),
                    ("DiscountedAmount", "4"),
                ]),
                row(&[
                    ("CodeLabel", ""),
                    ("ChargeLabel", ""),
                    ("DiscountedAmount", "1"),
                ]),
            ],
        )],
        Dimensions::ALL,
    );
    let grouped = cube.group(&Dimension::Charge, &Filter::default()).unwrap();
    assert_eq!(
        amounts(&grouped.rows),
        strings(&[
            ("2026-10", "EUR", "ECS Linux (s6.large.2)", "6"),
            ("2026-10", "EUR", "ECS Windows (s6.large.2)", "3"),
            ("2026-10", "EUR", "(empty)", "1"),
        ])
    );
    assert_eq!(
        grouped.rows[0].key,
        Key::Charge {
            code: "s6.large.2".into(),
            label: "ECS Linux".into()
        }
    );
    assert_eq!(
        serde_json::to_value(&grouped.rows[0].key).unwrap(),
        serde_json::json!({"kind": "charge", "code": "s6.large.2", "label": "ECS Linux"})
    );
    for text in [
        "service", "charge", "region", "project", "resource", "tag:env",
    ] {
        assert_eq!(text.parse::<Dimension>().unwrap().to_string(), text);
    }
}
