/**
 * Diagnostics as you type: each change schedules a check of the document
 * (and of open documents that import it) after a short quiet time, and the
 * results are published per document. A problem in an imported file is shown
 * on the import that brings it in, and again in that file when it is open.
 */
import { DiagnosticSeverity, type Connection, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver";
import type { Diagnostic } from "../compiler/index";
import { spanToRange } from "./positions";
import type { Workspace } from "./workspace";

export interface DiagnosticsOptions {
  /** Quiet time after the last edit before checking, in milliseconds. */
  delayMs: number;
}

export class DiagnosticsService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /**
   * Documents whose quiet time is over, published one per turn of the event
   * loop: an edit of a module checks its importers too, and between two
   * documents the diagnostics already sent go out and waiting requests (a
   * hover) are answered, rather than all of them after the last check.
   */
  private readonly due: string[] = [];
  private draining = false;
  /** Requests waiting until documents are checked and published (whenSettled). */
  private readonly waiters: Array<{ readonly uris: () => readonly string[]; readonly done: () => void }> = [];
  /** Whether the client asks for inlay hints again when told to (workspace/inlayHint/refresh). */
  refreshInlayHints = false;

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    readonly options: DiagnosticsOptions,
  ) {}

  /** After an edit of `uri`: check it and the open documents that import it, once the typing pauses. */
  changed(uri: string): void {
    const doc = this.workspace.document(uri);
    if (!doc) return;
    for (const d of [doc, ...this.workspace.invalidate(doc.path)]) this.schedule(d.uri, this.options.delayMs);
  }

  /** Checks `uri` and publishes its diagnostics after `delayMs`, however often it was scheduled meanwhile. */
  schedule(uri: string, delayMs: number): void {
    // A document edited again while it waits for its turn waits for its quiet time again.
    this.forget(uri);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.publishSoon(uri);
      }, delayMs),
    );
  }

  /** Nothing more is published for `uri` (closed). */
  cancel(uri: string): void {
    this.forget(uri);
    this.settle();
  }

  /** Whether `uri` waits for its quiet time or for its turn. */
  pending(uri: string): boolean {
    return this.timers.has(uri) || this.due.includes(uri);
  }

  /**
   * Resolves once none of `uris()` is pending, or after `maxMs`: a request
   * that needs documents checked (inlay hints) then reads the analyses their
   * diagnostics made, each in its own turn, rather than checking them all at once.
   */
  whenSettled(uris: () => readonly string[], maxMs: number): Promise<void> {
    if (!uris().some((u) => this.pending(u))) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        uris,
        done: (): void => {
          clearTimeout(timer);
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, maxMs);
      this.waiters.push(waiter);
    });
  }

  private forget(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    const at = this.due.indexOf(uri);
    if (at >= 0) this.due.splice(at, 1);
  }

  private settle(): void {
    for (const w of [...this.waiters]) if (!w.uris().some((u) => this.pending(u))) w.done();
  }

  private publishSoon(uri: string): void {
    if (!this.due.includes(uri)) this.due.push(uri);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => this.publishNext());
  }

  private publishNext(): void {
    const uri = this.due.shift();
    try {
      if (uri !== undefined) this.publish(uri);
    } catch (e) {
      // One document the checker fails on must not stop the others' diagnostics.
      this.connection.console.error(`sfc: the diagnostics of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      if (this.due.length > 0) setImmediate(() => this.publishNext());
      else {
        this.draining = false;
        this.refreshViews();
      }
      this.settle();
    }
  }

  /**
   * The modules of blocks whose importers' analyses are all current get
   * their types at the importers' defaults now, which costs no check, so
   * that the last version that parsed keeps them; where those types changed,
   * the client is asked for inlay hints again. Called when every document
   * due has been checked, and when an importer closes.
   */
  refreshViews(): void {
    if (this.workspace.refreshViews()) this.askForInlayHints();
  }

  /** workspace/inlayHint/refresh, sent only to a client that said it takes it. */
  askForInlayHints(): void {
    if (this.refreshInlayHints) void this.connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  publish(uri: string): void {
    const doc = this.workspace.document(uri);
    const analysis = this.workspace.analysis(uri);
    if (!doc || !analysis) return;
    const diagnostics = analysis.result.diagnostics.flatMap((d) =>
      this.forDocument(d, analysis.path, analysis.result.facts?.files.get(analysis.path)?.module.imports ?? []),
    );
    void this.connection.sendDiagnostics({ uri, version: analysis.version, diagnostics });
  }

  private forDocument(
    d: Diagnostic,
    docPath: string,
    imports: ReadonlyArray<{ decl: { moduleSpan: import("../compiler/span").Span }; target: string | undefined }>,
  ): LspDiagnostic[] {
    if (d.primary.span.file === docPath) return [this.toLsp(d)];
    // A problem inside an imported module: on the import that brings it in.
    const via = imports.find((i) => i.target === d.primary.span.file);
    if (!via) return [];
    const s = d.primary.span;
    return [
      {
        ...this.toLsp(d),
        range: spanToRange(via.decl.moduleSpan),
        message: `in ${s.file}:${s.line}:${s.column}: ${d.message}`,
        relatedInformation: [
          { location: { uri: this.workspace.uriOf(s.file), range: spanToRange(s) }, message: d.primary.label || d.message },
          ...this.related(d),
        ],
      },
    ];
  }

  toLsp(d: Diagnostic): LspDiagnostic {
    const lines = [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])];
    return {
      range: spanToRange(d.primary.span),
      severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      source: "sfc",
      message: lines.join("\n"),
      // The primary label first ("found `|>`"), as `sfc check --format json` gives it: an editor shows no label of its own.
      relatedInformation: [
        ...(d.primary.label === ""
          ? []
          : [{ location: { uri: this.workspace.uriOf(d.primary.span.file), range: spanToRange(d.primary.span) }, message: d.primary.label }]),
        ...this.related(d),
      ],
    };
  }

  private related(d: Diagnostic): DiagnosticRelatedInformation[] {
    return [...d.related, ...d.chain]
      .filter((r) => r.span.file !== "<command line>")
      .map((r) => ({ location: { uri: this.workspace.uriOf(r.span.file), range: spanToRange(r.span) }, message: r.label }));
  }
}
