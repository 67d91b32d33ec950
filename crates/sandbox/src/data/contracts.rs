//! Fictitious contracts: realistic French and European customers, deterministic per seed.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::dates::{rfc3339, DAY};

/// Customer names: invented companies in the style of real Flexible Engine customers.
const CUSTOMERS: [&str; 10] = [
    "Boulangeries Martin & Fils SAS",
    "Transports Lefèvre Logistique",
    "Atelier Numérique de Bretagne",
    "Coopérative Agricole des Trois Vallées",
    "Éditions Saint-Aubin SARL",
    "Hôtellerie Belle-Rive SAS",
    "Nordlicht Datenwerk GmbH",
    "Vinícola Serra Alta Lda",
    "Laboratoires Castelmaure",
    "Mobilités Urbaines du Rhône",
];

/// Contract labels as customers name their environments.
const LABELS: [&str; 5] = [
    "Production",
    "Hors production",
    "Data Platform",
    "Recette",
    "Site web",
];

const FIRST_NAMES: [(&str, &str); 8] = [
    ("Mrs", "Camille"),
    ("Mr", "Julien"),
    ("Mrs", "Élodie"),
    ("Mr", "Thomas"),
    ("Mrs", "Sophie"),
    ("Mr", "Nicolas"),
    ("Mrs", "Inès"),
    ("Mr", "François"),
];

const LAST_NAMES: [&str; 8] = [
    "Durand",
    "Lefebvre",
    "Moreau",
    "Girard",
    "Rousseau",
    "Fontaine",
    "Chevalier",
    "Mercier",
];

/// The offer every contract carries in the sandbox.
pub(crate) const OFFER_NAME: &str = "Flexible Engine";

/// A contract's referent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Contact {
    pub(crate) civility: String,
    pub(crate) last_name: String,
    pub(crate) first_name: String,
    pub(crate) email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fix_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mobile_phone: Option<String>,
}

/// The customer holding a contract.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// `{ "name": "Flexible Engine" }`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Offer {
    pub(crate) name: String,
}

/// The full contract, serialised as `GET /contract` sends it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Contract {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) contract_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) platform_id: Option<String>,
    pub(crate) customer: Customer,
    pub(crate) offer: Offer,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) status: String,
    pub(crate) support_level: String,
    pub(crate) billing_account_id: String,
    pub(crate) contact: Contact,
}

/// What `GET /contracts` lists for one contract.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContractSummary {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: String,
    pub(crate) offer: Offer,
}

impl Contract {
    /// The list form.
    pub(crate) fn summary(&self) -> ContractSummary {
        ContractSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            created_at: self.created_at.clone(),
            offer: self.offer.clone(),
        }
    }
}

/// Strips accents so names can become e-mail addresses.
pub(crate) fn ascii_fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            other => other,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect::<String>()
        .to_lowercase()
}

/// A French phone number, `+33 1 23 45 67 89` style.
fn phone(rng: &mut ChaCha8Rng, first: u32) -> String {
    format!(
        "+33 {first} {:02} {:02} {:02} {:02}",
        rng.gen_range(10..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    )
}

/// A fresh `OCB` + 7 digits id not in `taken`.
pub(crate) fn fresh_contract_id(rng: &mut ChaCha8Rng, taken: &[String]) -> String {
    loop {
        let id = format!("OCB{:07}", rng.gen_range(1_000..10_000_000));
        if !taken.contains(&id) {
            return id;
        }
    }
}

/// `count` contracts created around `created_before` seconds (each a little earlier).
pub(crate) fn generate(
    rng: &mut ChaCha8Rng,
    count: usize,
    created_before: i64,
    now: i64,
) -> Vec<Contract> {
    let mut customers = CUSTOMERS.to_vec();
    customers.shuffle(rng);
    let mut ids: Vec<String> = Vec::new();
    let mut contracts = Vec::with_capacity(count);
    for index in 0..count {
        let id = fresh_contract_id(rng, &ids);
        ids.push(id.clone());
        let customer = customers[index % customers.len()];
        let (civility, first_name) = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
        let last_name = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let domain = ascii_fold(&customer.split_whitespace().take(2).collect::<String>());
        let created = created_before - rng.gen_range(0..120) * DAY - rng.gen_range(0..DAY);
        let updated = created + rng.gen_range(30..400) * DAY + rng.gen_range(0..DAY);
        let label = LABELS[rng.gen_range(0..LABELS.len())];
        contracts.push(Contract {
            name: format!("{customer} - {label}"),
            contract_type: if rng.gen_bool(0.6) {
                "PAYG"
            } else {
                "COMMITMENT"
            }
            .to_owned(),
            platform_id: rng
                .gen_bool(0.5)
                .then(|| format!("{:032x}", rng.gen::<u128>())),
            customer: Customer {
                id: format!("CUS{:08}", rng.gen_range(0..100_000_000)),
                name: customer.to_owned(),
            },
            offer: Offer {
                name: OFFER_NAME.to_owned(),
            },
            created_at: rfc3339(created),
            updated_at: rfc3339(updated.min(now)),
            status: "ACTIVE".to_owned(),
            support_level: ["Standard", "Premium", "Business"][rng.gen_range(0..3)].to_owned(),
            billing_account_id: format!("BA{:010}", rng.gen_range(0..10_000_000_000_u64)),
            contact: Contact {
                civility: civility.to_owned(),
                last_name: last_name.to_owned(),
                first_name: first_name.to_owned(),
                email: format!(
                    "{}.{}@{domain}.example",
                    ascii_fold(first_name),
                    ascii_fold(last_name)
                ),
                fix_phone: Some(phone(rng, 1)),
                mobile_phone: Some(phone(rng, 6)),
            },
            id,
        });
    }
    contracts
}
