//! The command line, as clap sees it. Every command has `--help` with examples.
//!
//! Why flags and not positional magic: scripts read best when every value is named. Secrets are never
//! flags (other users can read a process's arguments); they come from a prompt, standard input, the
//! environment or the keychain.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Global flags, accepted before or after the subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// The profile to use (default: the default profile)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// API base URL (overrides CCS_HOST and the profile)
    #[arg(long, global = true, value_name = "URL")]
    pub host: Option<String>,
    /// OAuth base URL (overrides CCS_OAUTH_HOST and the profile)
    #[arg(long = "oauth-host", global = true, value_name = "URL")]
    pub oauth_host: Option<String>,
    /// Contract id such as OCB0001234 (overrides CCS_CONTRACT and the profile's default)
    #[arg(long, global = true, value_name = "ID")]
    pub contract: Option<String>,
    /// Print one JSON document on stdout instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// Print nothing but errors (and the requested data)
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// More detail on stderr (-v: info, -vv: debug); secrets are never logged
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `ccs`: contracts, invoices and users of the Orange Cloud Customer Space API.
#[derive(Debug, Parser)]
#[command(
    name = "ccs",
    version,
    about = "Contracts, invoices and users of the Orange Business Cloud Customer Space API",
    after_help = "Examples:\n  ccs profile add work --client-id 3f2a…      (asks for the client secret and API key)\n  ccs auth check\n  ccs documents --type invoices --from 2026-01 --to 2026-06\n  ccs download --all --type invoices --from 2026-01 --out ~/Invoices\n\nSettings: flags, then CCS_CLIENT_ID, CCS_HOST, CCS_OAUTH_HOST, CCS_CONTRACT, then the profile.\nSecrets: CCS_CLIENT_SECRET and CCS_API_KEY, or the OS keychain (never flags).\nExit codes: 0 ok, 2 bad input, 3 authentication, 4 not accessible or not found,\n5 network/rate limit/server, 6 some downloads failed, 130 interrupted."
)]
pub struct Cli {
    /// Global flags.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage connection profiles (secrets go to the OS keychain)
    #[command(
        subcommand,
        after_help = "Examples:\n  ccs profile add work --client-id 3f2a9c\n  ccs profile list"
    )]
    Profile(ProfileCommand),
    /// Check credentials
    #[command(subcommand, after_help = "Examples:\n  ccs auth check")]
    Auth(AuthCommand),
    /// List the contracts your API key may see
    #[command(after_help = "Examples:\n  ccs contracts\n  ccs contracts --json")]
    Contracts,
    /// Show or create a contract
    #[command(
        subcommand,
        after_help = "Examples:\n  ccs contract show --contract OCB0001234"
    )]
    Contract(ContractCommand),
    /// List a contract's documents (newest first)
    #[command(
        after_help = "Examples:\n  ccs documents\n  ccs documents --type invoices --from 2026-01 --to 2026-03\n  ccs documents --all --csv > documents.csv"
    )]
    Documents(DocumentsArgs),
    /// Save documents to a folder (resumable; skips what is already saved)
    #[command(
        after_help = "Examples:\n  ccs download 5f3a9c01e4b0a1b2c3d4e5f6 --out .\n  ccs download --all --type invoices --from 2026-01 --out ~/Invoices --jobs 8\n  ccs download --all --out ./docs --zipped"
    )]
    Download(DownloadArgs),
    /// Manage users of a contract
    #[command(subcommand, after_help = "Examples:\n  ccs user create --help")]
    User(UserCommand),
    /// What the contract pays for, month by month, from its consumption reports
    #[command(
        after_help = "Examples:\n  ccs spend\n  ccs spend --by project --from 2026-01 --to 2026-06\n  ccs spend --by tag:env --region eu-west-0 --json\n  ccs spend --by service --lines \"Elastic Cloud Server\"\n\nAmounts are DiscountedAmount (what is paid), per currency, never added across currencies.\nThe reports are downloaded once into the document cache (CCS_CACHE_DIR overrides its folder)."
    )]
    Spend(SpendArgs),
    /// The document cache (consumption reports read by `ccs spend`)
    #[command(
        subcommand,
        after_help = "Examples:\n  ccs cache info\n  ccs cache clear"
    )]
    Cache(CacheCommand),
    /// Run the local API simulator and print the credentials it accepts
    #[command(
        after_help = "Examples:\n  ccs sandbox --port 8099\n  eval \"$(ccs sandbox --port 8099 | sed 's/^/export /')\"   (in another shell)"
    )]
    Sandbox(SandboxArgs),
}

/// `ccs profile …`.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add a profile; asks for the client secret and API key (or reads them with --stdin)
    #[command(
        after_help = "Examples:\n  ccs profile add work --client-id 3f2a9c --contract OCB0001234\n  printf '%s\\n%s\\n' \"$SECRET\" \"$KEY\" | ccs profile add ci --client-id 3f2a9c --stdin"
    )]
    Add {
        /// Profile name (letters, digits, '.', '_', '-')
        name: String,
        /// OAuth client id
        #[arg(long = "client-id", value_name = "ID")]
        client_id: String,
        /// Read the client secret (first line) and the API key (second line) from standard input
        #[arg(long)]
        stdin: bool,
    },
    /// Change a profile's settings or secrets
    #[command(
        after_help = "Examples:\n  ccs profile set work --contract OCB0001234\n  ccs profile set work --secrets"
    )]
    Set {
        /// Profile name
        name: String,
        /// New OAuth client id
        #[arg(long = "client-id", value_name = "ID")]
        client_id: Option<String>,
        /// Replace the client secret and API key (prompt, or --stdin)
        #[arg(long)]
        secrets: bool,
        /// With --secrets: read them from standard input (secret first line, key second)
        #[arg(long, requires = "secrets")]
        stdin: bool,
    },
    /// Rename a profile (its keychain entries move with it)
    #[command(after_help = "Examples:\n  ccs profile rename work office")]
    Rename {
        /// Current name
        old: String,
        /// New name
        new: String,
    },
    /// List profiles
    #[command(after_help = "Examples:\n  ccs profile list\n  ccs profile list --json")]
    List,
    /// Show one profile (secrets only as stored / not stored)
    #[command(after_help = "Examples:\n  ccs profile show work")]
    Show {
        /// Profile name
        name: String,
    },
    /// Remove a profile and its keychain entries
    #[command(after_help = "Examples:\n  ccs profile remove old-account")]
    Remove {
        /// Profile name
        name: String,
    },
    /// Make a profile the default
    #[command(after_help = "Examples:\n  ccs profile default work")]
    Default {
        /// Profile name
        name: String,
    },
    /// Create a profile from a Postman environment export (OrangeCloud_API.postman_environment.json)
    #[command(
        name = "import-postman",
        after_help = "Examples:\n  ccs profile import-postman OrangeCloud_API.postman_environment.json --name work"
    )]
    ImportPostman {
        /// The environment file exported from Postman
        file: PathBuf,
        /// Profile name (default: the environment's name)
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
}

/// `ccs auth …`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Get a token and list contracts: proves the client secret and the API key
    #[command(
        after_help = "Examples:\n  ccs auth check\n  ccs --profile work auth check --json\n  CCS_CLIENT_ID=… CCS_CLIENT_SECRET=… CCS_API_KEY=… ccs auth check"
    )]
    Check,
}

/// `ccs contract …`.
#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Show a contract's details
    #[command(after_help = "Examples:\n  ccs contract show --contract OCB0001234")]
    Show,
    /// Create a contract
    #[command(
        after_help = "Examples:\n  ccs contract create --billing-account-id BA-1 --offer-code FE --name 'R&D' --support-level Business \\\n     --referent-civility Mrs --referent-name Martin --referent-first-name Claire --referent-mail claire@example.com"
    )]
    Create(Box<NewContractArgs>),
}

/// `ccs contract create` flags.
#[derive(Debug, Args)]
pub struct NewContractArgs {
    /// Billing account id
    #[arg(long = "billing-account-id")]
    pub billing_account_id: String,
    /// Offer code
    #[arg(long = "offer-code")]
    pub offer_code: String,
    /// Contract name
    #[arg(long)]
    pub name: String,
    /// Support level
    #[arg(long = "support-level")]
    pub support_level: String,
    /// Referent's civility: Mr or Mrs
    #[arg(long = "referent-civility")]
    pub referent_civility: String,
    /// Referent's family name
    #[arg(long = "referent-name")]
    pub referent_name: String,
    /// Referent's given name
    #[arg(long = "referent-first-name")]
    pub referent_first_name: String,
    /// Referent's email
    #[arg(long = "referent-mail")]
    pub referent_mail: String,
    /// Referent's landline (E.164 or national digits)
    #[arg(long = "referent-fix-phone")]
    pub referent_fix_phone: Option<String>,
    /// Referent's mobile (E.164 or national digits)
    #[arg(long = "referent-mobile-phone")]
    pub referent_mobile_phone: Option<String>,
}

/// Filters shared by `documents` and `download`.
#[derive(Debug, Args, Clone)]
pub struct Filters {
    /// Document type: invoices, bills, reports, partialBills, partialConsumptionRatedReports,
    /// comsumptionRatedReports (consumptionRatedReports is accepted too)
    #[arg(long = "type", value_name = "T")]
    pub document_type: Option<String>,
    /// First period, inclusive (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
    /// Last period, inclusive (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<String>,
    /// How many of the newest documents to ask for
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit: u32,
}

/// `ccs documents` flags.
#[derive(Debug, Args)]
pub struct DocumentsArgs {
    /// Filters.
    #[command(flatten)]
    pub filters: Filters,
    /// Every document: ask again with a ten times larger limit while the answer fills it
    #[arg(long)]
    pub all: bool,
    /// Print CSV (RFC 4180) instead of a table
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

/// `ccs spend` flags.
#[derive(Debug, Args)]
pub struct SpendArgs {
    /// First month, inclusive (YYYY-MM); the table shows the last 6 months without --from/--to
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
    /// Last month, inclusive (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<String>,
    /// Rows by: service, charge, region, project, tag:KEY, resource
    #[arg(long, value_name = "DIMENSION", default_value = "service")]
    pub by: String,
    /// Only these regions (repeatable)
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Only these projects (repeatable)
    #[arg(long, value_name = "PROJECT")]
    pub project: Vec<String>,
    /// Only these services (repeatable)
    #[arg(long, value_name = "SERVICE")]
    pub service: Vec<String>,
    /// Only rows with this tag, KEY=VALUE, or KEY=(none) for rows without the key (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub tag: Vec<String>,
    /// Print the report lines behind one row (its label as the table shows it)
    #[arg(long, value_name = "KEY")]
    pub lines: Option<String>,
    /// Print CSV (one line per month and key, as --json) instead of a table
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// The document cache's size limit (bytes, or with K, M, G; default 2G); least recently used
    /// reports leave first
    #[arg(long = "cache-size", value_name = "SIZE")]
    pub cache_size: Option<String>,
}

/// `ccs cache …`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Where the cache is and how much it holds
    Info,
    /// Remove every cached document and its aggregates
    Clear,
}

/// `ccs download` flags.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Document ids (from `ccs documents`)
    #[arg(
        value_name = "DOC_ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub ids: Vec<String>,
    /// Every document matching the filters
    #[arg(long)]
    pub all: bool,
    /// Filters.
    #[command(flatten)]
    pub filters: Filters,
    /// Target folder (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Concurrent transfers
    #[arg(long, value_name = "N", default_value_t = ccs_core::bulk::DEFAULT_JOBS as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// Fetch again even what is already saved, and replace saved files changed since (without it,
    /// a changed file is kept and the fresh copy saved beside it as "name (2).pdf")
    #[arg(long)]
    pub overwrite: bool,
    /// Ask the server to wrap each document in a ZIP archive of its own (one <name>.zip per
    /// document, not one archive of them all)
    #[arg(long)]
    pub zipped: bool,
}

/// `ccs user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user on a contract (an email that already has a login keeps it)
    #[command(
        after_help = "Examples:\n  ccs user create --civility Mrs --first-name Claire --last-name Martin \\\n     --email claire.martin@example.com --login claire.martin --mobile-phone +33612345678"
    )]
    Create(NewUserArgs),
}

/// `ccs user create` flags.
#[derive(Debug, Args)]
pub struct NewUserArgs {
    /// Mr or Mrs
    #[arg(long)]
    pub civility: String,
    /// Given name
    #[arg(long = "first-name")]
    pub first_name: String,
    /// Family name
    #[arg(long = "last-name")]
    pub last_name: String,
    /// Email address
    #[arg(long)]
    pub email: String,
    /// Login: 8 to 64 letters without accents, digits, '.', '_', '-'
    #[arg(long)]
    pub login: String,
    /// Landline (E.164 or national digits)
    #[arg(long = "fix-phone")]
    pub fix_phone: Option<String>,
    /// Mobile (E.164 or national digits)
    #[arg(long = "mobile-phone")]
    pub mobile_phone: Option<String>,
}

/// `ccs sandbox` flags.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Documents per contract (default: a realistic set)
    #[arg(long)]
    pub documents: Option<u32>,
    /// Seed of the generated data
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
