//! The sandbox's data set: contracts and their documents, generated once at start from the seed
//! and the clock, then only extended by `POST /contracts`.

pub(crate) mod contracts;
pub(crate) mod dates;
pub(crate) mod documents;
pub(crate) mod story;

use std::collections::HashMap;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use contracts::Contract;
use dates::DAY;
use documents::{Doc, DocParams, Extras};

/// Contracts with documents, as the brief asks (the first also gets the extras).
const WITH_DOCUMENTS: usize = 4;

/// The contract (by index) whose reports also carry rows in a second currency.
const SECOND_CURRENCY_CONTRACT: usize = 1;

/// Every contract and document the sandbox knows.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// What `GET /contracts` lists, in order: 4 with documents, 1 empty, then created ones.
    pub(crate) visible: Vec<Contract>,
    /// A contract that exists but that the API key may not see.
    pub(crate) foreign: Contract,
    /// Documents by contract id, newest first.
    pub(crate) documents: HashMap<String, Vec<Doc>>,
}

/// What the generator needs from the configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CatalogParams {
    pub(crate) seed: u64,
    pub(crate) now: i64,
    pub(crate) per_contract: Option<u32>,
    pub(crate) document_size: Option<u64>,
    pub(crate) hostile_names: bool,
    pub(crate) big_document: Option<u64>,
}

impl Catalog {
    /// Generates the whole data set; the same parameters give the same catalog.
    pub(crate) fn generate(params: CatalogParams) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let history_days = if params.per_contract.is_some() {
            3700
        } else {
            1440
        };
        let created_before = (params.now.div_euclid(DAY) - history_days) * DAY;
        let mut all = contracts::generate(&mut rng, WITH_DOCUMENTS + 2, created_before, params.now);
        let foreign = all.pop();
        let doc_params = DocParams {
            now: params.now,
            per_contract: params.per_contract,
            document_size: params.document_size,
        };
        let mut documents = HashMap::new();
        for (index, contract) in all.iter().enumerate() {
            let docs = if index < WITH_DOCUMENTS {
                let extras = Extras {
                    hostile_names: index == 0 && params.hostile_names,
                    big_document: params.big_document.filter(|_| index == 0),
                    second_currency: index == SECOND_CURRENCY_CONTRACT,
                };
                documents::generate(contract, params.seed, doc_params, extras)
            } else {
                Vec::new()
            };
            documents.insert(contract.id.clone(), docs);
        }
        let foreign = foreign.unwrap_or_else(|| all[0].clone());
        let foreign_docs =
            documents::generate(&foreign, params.seed, doc_params, Extras::default());
        documents.insert(foreign.id.clone(), foreign_docs);
        Self {
            visible: all,
            foreign,
            documents,
        }
    }

    /// A visible contract by id.
    pub(crate) fn visible(&self, id: &str) -> Option<&Contract> {
        self.visible.iter().find(|c| c.id == id)
    }

    /// Every contract id in use, visible or not.
    pub(crate) fn all_ids(&self) -> Vec<String> {
        self.visible
            .iter()
            .chain(std::iter::once(&self.foreign))
            .map(|c| c.id.clone())
            .collect()
    }

    /// The contract a document belongs to and the document, when `contract_id` owns it.
    pub(crate) fn document(
        &self,
        contract_id: &str,
        document_id: &str,
    ) -> Option<(&Contract, &Doc)> {
        let contract = self
            .visible(contract_id)
            .or_else(|| (self.foreign.id == contract_id).then_some(&self.foreign))?;
        let doc = self
            .documents
            .get(contract_id)?
            .iter()
            .find(|d| d.info.id == document_id)?;
        Some((contract, doc))
    }
}
