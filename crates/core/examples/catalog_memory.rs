//! How much memory the app's document catalogs hold, list after list, as the desktop app builds them.
//!
//! Why: "load more" builds a longer list while the previous one is still shown, then drops the old
//! one; what the allocator keeps of the old lists is memory the app holds for nothing. This replays
//! that sequence against a sandbox and prints the process's resident and proportional memory
//! (`/proc/self/smaps_rollup`, Linux) after each list is built and after the old one is dropped.
//!
//! ```sh
//! ccs-sandbox --documents 100000   # prints CCS_HOST, CCS_OAUTH_HOST, CCS_CLIENT_ID, … to export
//! cargo run --release -p ccs-core --example catalog_memory -- 5000,50000,100000
//! ```

use ccs_api::{Client, ClientConfig, ContractId, Credentials, DocumentsQuery};
use ccs_core::catalog::{Catalog, CatalogBuilder};
use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

type Failure = Box<dyn Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    let limits = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "5000,50000,100000".to_owned())
        .split(',')
        .map(str::parse::<u32>)
        .collect::<Result<Vec<_>, _>>()?;
    let variable = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let client = Arc::new(Client::new(
        ClientConfig {
            api_base: variable("CCS_HOST")?,
            oauth_base: variable("CCS_OAUTH_HOST")?,
            request_timeout: Duration::from_secs(60),
            ..ClientConfig::default()
        },
        Credentials::new(
            &variable("CCS_CLIENT_ID")?,
            &variable("CCS_CLIENT_SECRET")?,
            &variable("CCS_API_KEY")?,
        ),
    )?);
    let contract = ContractId::parse(&variable("CCS_CONTRACT")?)?;
    // A runtime with worker threads, like the app's: each list may be read on another thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        println!("{:<38} {}", "start", memory()?);
        let mut shown: Option<Catalog> = None;
        for limit in limits {
            let (client, contract) = (Arc::clone(&client), contract.clone());
            let catalog =
                tokio::spawn(async move { load(&client, &contract, limit).await }).await??;
            println!(
                "{:<38} {}",
                format!("{limit} read, the old list still shown"),
                memory()?
            );
            shown = Some(catalog);
            println!("{:<38} {}", "the old list dropped", memory()?);
        }
        drop(shown);
        Ok(())
    })
}

/// One list read as the app's `load_documents` reads it.
async fn load(client: &Client, contract: &ContractId, limit: u32) -> Result<Catalog, Failure> {
    let mut builder = CatalogBuilder::with_capacity(limit as usize);
    let query = DocumentsQuery {
        document_type: None,
        limit,
    };
    client
        .list_documents_each(contract, &query, &mut |document| builder.push(document))
        .await?;
    Ok(builder.build())
}

/// The process's resident and proportional set sizes.
fn memory() -> Result<String, Failure> {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup")?;
    let field = |name: &str| -> Result<f64, Failure> {
        let line = rollup
            .lines()
            .find(|line| line.starts_with(name))
            .ok_or_else(|| format!("no {name} in smaps_rollup"))?;
        let kib: f64 = line.split_whitespace().nth(1).unwrap_or("").parse()?;
        Ok(kib / 1024.0)
    };
    Ok(format!(
        "RSS {:6.1} MiB, PSS {:6.1} MiB",
        field("Rss:")?,
        field("Pss:")?
    ))
}
