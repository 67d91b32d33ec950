// The one typed gateway between the web view and Rust. Nothing else imports the generated bindings or
// any @tauri-apps module: components call these functions, which return the value or throw an
// AppFailure carrying the Rust side's typed AppError (one typed gateway: docs/architecture.md, "ui").
//
// Why the types are derived from the command signatures instead of imported by name: tauri-specta
// names types by serde phase (`DocumentView_Serialize` for what Rust sends, `_Deserialize` for what it
// reads), and that naming depends on its version and settings. What a command returns does not.

import { commands, events, VALIDATION_LIMITS } from "../bindings";
import { asFailure } from "./failure";

export { AppFailure } from "./failure";
/** The core's form limits and patterns (crates/core/src/validate.rs), for checks as the person types. */
export { VALIDATION_LIMITS };

type Commands = typeof commands;
type Outcome<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
/** The value a command gives on success. */
type Ok<F extends (...args: never[]) => unknown> = Extract<Outcome<F>, { status: "ok" }> extends { data: infer T } ? T : never;
/** The error a command gives on failure. */
type Err<F extends (...args: never[]) => unknown> = Extract<Outcome<F>, { status: "error" }> extends { error: infer E } ? E : never;

// What Rust sends.
export type AppError = Err<Commands["listProfiles"]>;
export type FieldErrorView = AppError["fields"][number];
/** The rule a field error names (Rust's `Rule`), the code the UI translates. */
export type FieldRule = NonNullable<FieldErrorView["rule"]>;
/** A broken rule's parameters by name (`max`, `found`, …). */
export type RuleParams = FieldErrorView["params"];
export type ProfileView = Ok<Commands["listProfiles"]>[number];
export type ConnectionView = Ok<Commands["connect"]>;
export type StartView = Ok<Commands["openStartProfile"]>;
export type ImportOutcome = NonNullable<Ok<Commands["importPostman"]>>;
export type AuthCheckView = Ok<Commands["authCheck"]>;
export type ContractView = Ok<Commands["listContracts"]>[number];
export type ContractDetailView = Ok<Commands["contractDetail"]>;
export type DetailField = ContractDetailView["fields"][number];
export type DocumentsLoaded = Ok<Commands["loadDocuments"]>;
export type DocumentRowsView = Ok<Commands["documentRows"]>;
export type DocumentView = DocumentRowsView["rows"][number];
export type SaveOutcome = Ok<Commands["downloadDocument"]>;
export type OpenOutcome = Ok<Commands["openPath"]>;
export type BulkOutcome = NonNullable<Ok<Commands["downloadDocuments"]>>;
export type BulkFileView = BulkOutcome["files"][number];
export type CreatedUserView = Ok<Commands["createUser"]>;
export type SettingsView = Ok<Commands["getSettings"]>;
export type ProxyChoice = SettingsView["proxy"];
export type BulkProgress = Parameters<Parameters<typeof events.bulkProgress.listen>[0]>[0]["payload"];
export type SaveProgress = Parameters<Parameters<typeof events.saveProgressEvent.listen>[0]>[0]["payload"];
export type TokenState = Parameters<Parameters<typeof events.tokenState.listen>[0]>[0]["payload"];

// What the UI sends: every field present (null for "none"), civility as one of the two values.
export type Civility = "Mr" | "Mrs";
export type ProfileInput = Required<Parameters<Commands["saveProfile"]>[0]>;
export type DocumentsQueryInput = Required<Parameters<Commands["loadDocuments"]>[1]>;
export type RowsRequest = Parameters<Commands["documentRows"]>[1];
export type DocumentFilterInput = Required<RowsRequest["filter"]>;
/** A month in the number form of Rust's `YearMonth`: YYYYMM (202403 is March 2024). */
export type YearMonthNumber = NonNullable<DocumentFilterInput["from"]>;
export type DocumentSortInput = RowsRequest["sort"];
export type SelectionChange = Parameters<Commands["selectDocuments"]>[1];
/** Which documents a bulk save takes: the selected ones, or the invoices a filter shows. */
export type DocumentChoice = Parameters<Commands["downloadDocuments"]>[1];
export type NewUserInput = Required<Parameters<Commands["createUser"]>[1]> & { civility: Civility };
export type NewContractInput = Required<Parameters<Commands["createContract"]>[0]> & { referentCivility: Civility };

/** Awaits a command; an error result or a rejected promise (IPC failure) becomes an AppFailure. */
async function unwrap<T>(pending: Promise<{ status: "ok"; data: T } | { status: "error"; error: unknown }>): Promise<T> {
  let outcome: { status: "ok"; data: T } | { status: "error"; error: unknown };
  try {
    outcome = await pending;
  } catch (thrown) {
    throw asFailure(thrown);
  }
  if (outcome.status === "ok") return outcome.data;
  throw asFailure(outcome.error);
}

// Profiles and connection.
export const listProfiles = (): Promise<ProfileView[]> => unwrap(commands.listProfiles());
export const saveProfile = (input: ProfileInput): Promise<ProfileView> => unwrap(commands.saveProfile(input));
export const removeProfile = (name: string): Promise<null> => unwrap(commands.removeProfile(name));
export const setDefaultProfile = (name: string): Promise<null> => unwrap(commands.setDefaultProfile(name));
/** Shows the native open dialog in Rust; null when the person closed it. */
export const importPostman = (): Promise<ImportOutcome | null> => unwrap(commands.importPostman());
export const startSandbox = (): Promise<ConnectionView> => unwrap(commands.startSandbox());
export const connect = (profile: string): Promise<ConnectionView> => unwrap(commands.connect(profile));
export const openStartProfile = (): Promise<StartView> => unwrap(commands.openStartProfile());
export const authCheck = (): Promise<AuthCheckView> => unwrap(commands.authCheck());

// Contracts and documents.
export const listContracts = (): Promise<ContractView[]> => unwrap(commands.listContracts());
export const contractDetail = (contract: string): Promise<ContractDetailView> => unwrap(commands.contractDetail(contract));
/** Lists a contract's documents into the app (the list stays in Rust); rows come from documentRows. */
export const loadDocuments = (contract: string, query: DocumentsQueryInput): Promise<DocumentsLoaded> =>
  unwrap(commands.loadDocuments(contract, query));
/** A window of the listed documents, filtered and sorted, with the counts the page prints. */
export const documentRows = (contract: string, request: RowsRequest): Promise<DocumentRowsView> =>
  unwrap(commands.documentRows(contract, request));
export const selectDocuments = (contract: string, change: SelectionChange): Promise<null> =>
  unwrap(commands.selectDocuments(contract, change));
/** Shows the native save dialog in Rust and streams the file there; bytes never cross IPC. */
export const downloadDocument = (contract: string, documentId: string, suggestedName: string): Promise<SaveOutcome> =>
  unwrap(commands.downloadDocument(contract, documentId, suggestedName));
/** Shows the native folder picker in Rust; null when the person closed it. */
export const downloadDocuments = (contract: string, choice: DocumentChoice): Promise<BulkOutcome | null> =>
  unwrap(commands.downloadDocuments(contract, choice));
/** The chosen documents as one ZIP file, saved where the native save dialog says; null when closed. */
export const saveArchive = (contract: string, choice: DocumentChoice): Promise<BulkOutcome | null> =>
  unwrap(commands.saveArchive(contract, choice));
/** "Try again": the documents that failed, into the folder of the run they failed in. */
export const retryDocuments = (contract: string, ids: string[], folder: string): Promise<BulkOutcome> =>
  unwrap(commands.retryDocuments(contract, ids, folder));
export const cancelDownloads = (): Promise<null> => unwrap(commands.cancelDownloads());
/** Stops the running single save: nothing is left under the chosen name, nor a temporary file. */
export const cancelSave = (): Promise<null> => unwrap(commands.cancelSave());

/** Calls `handler` on each single-save progress event until the returned function is called. */
export async function onSaveProgress(handler: (progress: SaveProgress) => void): Promise<() => void> {
  try {
    return await events.saveProgressEvent.listen((event) => handler(event.payload));
  } catch (thrown) {
    throw asFailure(thrown);
  }
}

/** Calls `handler` on each bulk-download progress event until the returned function is called. */
export async function onBulkProgress(handler: (progress: BulkProgress) => void): Promise<() => void> {
  try {
    return await events.bulkProgress.listen((event) => handler(event.payload));
  } catch (thrown) {
    throw asFailure(thrown);
  }
}

/** Calls `handler` each time the backend reports how the connection's token stands. */
export async function onTokenState(handler: (state: TokenState) => void): Promise<() => void> {
  try {
    return await events.tokenState.listen((event) => handler(event.payload));
  } catch (thrown) {
    throw asFailure(thrown);
  }
}

// Forms.
export const createUser = (contract: string, user: NewUserInput): Promise<CreatedUserView> =>
  unwrap(commands.createUser(contract, user));
export const createContract = (input: NewContractInput): Promise<ContractDetailView> =>
  unwrap(commands.createContract(input));
/** A phone number as the app will send it (the rule is Rust's). */
export const phoneAsSent = (text: string): Promise<string> => commands.phoneAsSent(text);

// Settings and support.
export const getSettings = (): Promise<SettingsView> => unwrap(commands.getSettings());
export const setProxy = (proxy: ProxyChoice): Promise<SettingsView> => unwrap(commands.setProxy(proxy));
/** Opens a file this app saved with the system's default application, or (a kind of file this API
 * does not serve: its name came from the server) shows it in its folder instead. */
export const openPath = (path: string): Promise<OpenOutcome> => unwrap(commands.openPath(path));
/** Shows a file this app saved in its folder. */
export const revealPath = (path: string): Promise<null> => unwrap(commands.revealPath(path));
export const diagnostics = (): Promise<string> => unwrap(commands.diagnostics());
