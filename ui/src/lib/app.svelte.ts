// Application state shared by the screens: where we are, which connection is in use, the error banner
// and the success notice. One small class with runes; screens read and call it, nothing else.

import * as backend from "./backend";
import type { ConnectionView, ContractView } from "./backend";
import { contractRow } from "./contracts";
import { describeError, type ErrorContext, type ErrorView } from "./errors";
import { toAppError } from "./failure";
import type { Message } from "./i18n/translate";

/** The screens, with what each needs to show itself. */
export type Screen =
  | { name: "loading" }
  | { name: "firstRun" }
  | { name: "contracts"; highlight?: string }
  | { name: "contract"; contract: string }
  | { name: "documents"; contract: string }
  | { name: "createUser"; contract: string }
  | { name: "createContract" }
  | { name: "settings" };

/** The error banner: what went wrong, and the action that a retry runs again (if any). */
export type Banner = {
  readonly id: number;
  readonly view: ErrorView;
  readonly retry: (() => Promise<void>) | null;
};

export type AttemptOptions = {
  /** Names the contract in "no access to contract …". */
  readonly context?: ErrorContext;
  /** Whether the banner may run the action again (rate limits, network). */
  readonly retry?: boolean;
};

class AppState {
  screen = $state<Screen>({ name: "loading" });
  connection = $state<ConnectionView | null>(null);
  banner = $state<Banner | null>(null);
  notice = $state<Message | null>(null);
  /** Contracts created in this session, kept until the server lists them. */
  created = $state.raw<ContractView[]>([]);
  #nextBanner = 1;

  /** Shows a screen; the banner and notice belong to the previous one. */
  go(screen: Screen): void {
    this.banner = null;
    this.notice = null;
    this.screen = screen;
  }

  /** Shows an error. */
  fail(thrown: unknown, options: AttemptOptions = {}, retry: (() => Promise<void>) | null = null): void {
    this.banner = { id: this.#nextBanner++, view: describeError(toAppError(thrown), options.context), retry };
  }

  dismissError(): void {
    this.banner = null;
  }

  /**
   * Runs `action`, clearing the banner first; a failure becomes the banner. Returns whether it worked.
   * Why the action includes its follow-up (assigning the result): a retry from the banner must redo all.
   */
  async attempt(action: () => Promise<void>, options: AttemptOptions = {}): Promise<boolean> {
    this.banner = null;
    try {
      await action();
      return true;
    } catch (thrown) {
      this.fail(thrown, options, options.retry ? async () => void (await this.attempt(action, options)) : null);
      return false;
    }
  }

  /** The contracts that came with the start answer, for the first contracts screen only. */
  private startContracts: backend.ContractView[] | null = null;

  /** The contracts fetched with the start answer, once; later lists (a refresh) ask the server. */
  takeStartContracts(): backend.ContractView[] | null {
    const contracts = this.startContracts;
    this.startContracts = null;
    return contracts;
  }

  /** Finds where to start: the window's connection, else the default profile, else the first run. */
  async start(): Promise<void> {
    let hasProfiles = true;
    const ok = await this.attempt(async () => {
      const start = await backend.openStartProfile();
      switch (start.kind) {
        case "connected":
          this.connection = start.connection;
          this.startContracts = start.contracts;
          this.screen = { name: "contracts" };
          return;
        case "sandbox":
          // The sandbox runs inside the app: a Sandbox profile is reopened by starting it again.
          this.connection = await backend.startSandbox();
          this.screen = { name: "contracts" };
          return;
        case "choose":
          hasProfiles = start.hasProfiles;
          this.screen = { name: hasProfiles ? "settings" : "firstRun" };
          return;
      }
    });
    // A start profile that did not connect: the error is shown, and settings is where to fix it.
    if (!ok) this.screen = { name: hasProfiles ? "settings" : "firstRun" };
  }

  /** Starts the demo: the in-process sandbox and its profile. */
  async startDemo(): Promise<void> {
    await this.attempt(async () => {
      this.connection = await backend.startSandbox();
      this.go({ name: "contracts" });
    });
  }

  /** Uses a saved profile, then proves its secrets with a token and a contracts call. */
  async connectProfile(name: string): Promise<boolean> {
    return this.attempt(async () => {
      this.connection = await backend.connect(name);
      await backend.authCheck();
      this.go({ name: "contracts" });
    });
  }

  /** Remembers a contract just created, so the list shows it even before the server does. */
  addCreated(detail: backend.ContractDetailView): void {
    const row = contractRow(detail);
    this.created = [row, ...this.created.filter((contract) => contract.id !== row.id)];
  }
}

export const app = new AppState();
