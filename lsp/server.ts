/**
 * `sfc lsp --stdio`: the language server. It wires the protocol to the
 * services (one per file beside this one), all of which read the library's
 * check results; nothing here checks anything itself.
 */
import {
  CodeActionKind,
  createConnection,
  ErrorCodes,
  ResponseError,
  DidChangeWatchedFilesNotification,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type Connection,
  type DataCallback,
  type Disposable,
  type InitializeResult,
  type ResponseMessage,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  changeParams,
  checkBeforeDispatch,
  codeActionParams,
  configurationParams,
  documentParams,
  initializeParams,
  openParams,
  positionParams,
  rangeParams,
  referencesParams,
  renameParams,
  watchedFilesParams,
} from "./params";
import { codeActions } from "./code-actions";
import { complete, TRIGGER_CHARACTERS } from "./completion";
import { DiagnosticsService } from "./diagnostics";
import { hover } from "./hover";
import { inlayHints } from "./inlay-hints";
import { definition, references } from "./navigation";
import { prepareRename, rename } from "./rename";
import { LEGEND, semanticTokens } from "./semantic-tokens";
import { documentSymbols } from "./symbols";
import { Workspace } from "./workspace";

/** Settings under `sfc` (initializationOptions, or workspace/didChangeConfiguration). */
export interface ServerSettings {
  /** Show each assignment's shape after it (default true). */
  readonly inlayHints?: boolean;
  /** Quiet time after an edit before checking, in ms (default 50, at most 60,000). */
  readonly diagnosticsDelay?: number;
}

/**
 * The stream's reader, with a message the connection cannot dispatch (a
 * `$/cancelRequest` without an id, which the protocol library reads before
 * any handler could check it) dropped and said so in the client's log: the
 * reader reports whatever its callback throws as a broken stream, which
 * would end the server. A request whose parameters the library would fail
 * to read is answered with InvalidParams instead of being dispatched; one
 * before `initialize` with ServerNotInitialized, and one after `shutdown`
 * with InvalidRequest, as the protocol asks; notifications then, but `exit`,
 * are dropped.
 */
class DispatchingReader extends StreamMessageReader {
  /** "initializing" from the initialize request until its handler has answered (initializeAnswered). */
  private state: "new" | "initializing" | "running" | "shut down" = "new";

  /** The initialize handler's outcome: a refused initialize leaves the server waiting for another. */
  initializeAnswered(ok: boolean): void {
    // The handler runs after the reader has passed on what came with it: a shutdown read meanwhile stands.
    if (this.state === "initializing") this.state = ok ? "running" : "new";
  }

  /** Whether the client asked for shutdown: the input closing then is the end the protocol expects. */
  get shutDown(): boolean {
    return this.state === "shut down";
  }

  constructor(
    input: NodeJS.ReadableStream,
    private readonly dropped: (why: string) => void,
    private readonly refuse: (id: number | string, error: ResponseError<void>) => void,
  ) {
    super(input);
  }

  private checkState(method: string): void {
    if (this.state === "new" && method !== "initialize")
      throw new ResponseError(ErrorCodes.ServerNotInitialized, `${method}: the server is not initialized; send initialize first`);
    // Requests sent on while initialize is answered are taken, as they come after it.
    if (this.state !== "new" && method === "initialize") throw new ResponseError(ErrorCodes.InvalidRequest, "initialize: the server is initialized already");
    if (this.state === "shut down") throw new ResponseError(ErrorCodes.InvalidRequest, `${method}: the server is shut down; only exit is taken`);
  }

  override listen(callback: DataCallback): Disposable {
    return super.listen((message) => {
      const request = message as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof request.method === "string" && (typeof request.id === "number" || typeof request.id === "string")) {
        const id = request.id;
        try {
          this.checkState(request.method);
          checkBeforeDispatch(request.method, request.params);
        } catch (e) {
          if (!(e instanceof ResponseError)) throw e;
          return this.refuse(id, e);
        }
        if (request.method === "initialize") this.state = "initializing";
        if (request.method === "shutdown") this.state = "shut down";
      } else if (
        typeof request.method === "string" &&
        request.id === undefined &&
        request.method !== "exit" &&
        (this.state === "new" || this.state === "shut down")
      ) {
        return;
      }
      try {
        callback(message);
      } catch (e) {
        const method = "method" in message && typeof message.method === "string" ? message.method : "a message";
        this.dropped(`${method} could not be read (${e instanceof Error ? e.message : String(e)}); it is ignored`);
      }
    });
  }
}

/** The longest quiet time after an edit that the diagnosticsDelay setting may ask for. */
const MAX_DIAGNOSTICS_DELAY_MS = 60_000;

/** How long inlay hints wait for the checks of pending edits at most (an edit every few ms would hold them back for ever). */
const INLAY_HINT_WAIT_MS = 1000;

/**
 * Runs the server on `input` and `output` until `exit` is called: with 0 when
 * the input closes after the client's shutdown request, else 1 (the
 * protocol's rule), and with the reason when the input can no longer be read
 * as messages. A frame without a readable Content-Length leaves the reader
 * unable to find the next message, so the server would answer nothing again;
 * exiting lets the editor restart it. A message body that is not JSON is
 * skipped, since the next message is found by the length.
 */
export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, exit: (code: number, why?: string) => void): Connection {
  let log = (_why: string): void => {};
  const writer = new StreamMessageWriter(output);
  const reader = new DispatchingReader(
    input,
    (why) => log(why),
    // As every other send here: a client gone meanwhile is no failure of the server's.
    (id, error) => void writer.write({ jsonrpc: "2.0", id, error: error.toJson() } as ResponseMessage).catch(() => undefined),
  );
  reader.onError((error) => {
    if (!(error instanceof SyntaxError)) exit(1, error.message.split("\n")[0]!);
  });
  reader.onClose(() => exit(reader.shutDown ? 0 : 1));
  const connection = createConnection(reader, writer);
  log = (why) => connection.console.error(why);
  const workspace = new Workspace();
  const diagnostics = new DiagnosticsService(connection, workspace, { delayMs: 50 });
  let showInlayHints = true;

  // A notification that breaks the protocol has no answer to carry the error: it is ignored, and said so in the client's log.
  const notification =
    <P>(method: string, read: (params: unknown, method: string) => P, handle: (params: P) => void) =>
    (params: unknown): void => {
      let parsed: P;
      try {
        parsed = read(params, method);
      } catch (e) {
        if (!(e instanceof ResponseError)) throw e;
        connection.console.error(`${e.message}; the notification is ignored`);
        return;
      }
      handle(parsed);
    };
  const apply = (settings: ServerSettings | undefined): void => {
    if (!settings) return;
    if (typeof settings.inlayHints === "boolean") showInlayHints = settings.inlayHints;
    // A delay past a minute is no quiet time a user means, and past 2³¹ ms Node's timers cannot wait it: such a value is ignored.
    const delay = settings.diagnosticsDelay;
    if (typeof delay === "number" && delay >= 0 && delay <= MAX_DIAGNOSTICS_DELAY_MS) diagnostics.options.delayMs = delay;
  };

  // Files that open documents import may change on disk; the client is asked to say so where it can be.
  let watchSources = false;

  connection.onInitialize((params): InitializeResult => {
    let p: ReturnType<typeof initializeParams>;
    try {
      p = initializeParams(params, "initialize");
    } catch (e) {
      reader.initializeAnswered(false);
      throw e;
    }
    reader.initializeAnswered(true);
    apply(p.settings as ServerSettings | undefined);
    watchSources = p.watchSources;
    diagnostics.refreshInlayHints = p.refreshInlayHints;
    workspace.setRoots(p.roots);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: TRIGGER_CHARACTERS },
        documentSymbolProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: "sfc" },
    };
  });

  connection.onInitialized(() => {
    if (watchSources)
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.sf" }] }).catch(() => undefined);
  });

  // A source saved elsewhere: the open documents that read it are checked again.
  connection.onDidChangeWatchedFiles(
    notification("workspace/didChangeWatchedFiles", watchedFilesParams, ({ uris }) => {
      for (const uri of uris) for (const dep of workspace.changedOnDisk(uri)) diagnostics.schedule(dep.uri, diagnostics.options.delayMs);
    }),
  );

  connection.onDidChangeConfiguration(
    notification("workspace/didChangeConfiguration", configurationParams, ({ settings }) => {
      apply((settings as { sfc?: ServerSettings } | undefined)?.sfc);
      diagnostics.askForInlayHints();
    }),
  );

  // Documents: kept as text here, edits applied incrementally.
  const texts = new Map<string, TextDocument>();
  connection.onDidOpenTextDocument(
    notification("textDocument/didOpen", openParams, (d) => {
      texts.set(d.uri, TextDocument.create(d.uri, d.languageId, d.version, d.text));
      workspace.open(d.uri, d.text, d.version);
      diagnostics.changed(d.uri);
    }),
  );
  connection.onDidChangeTextDocument(
    notification("textDocument/didChange", changeParams, (d) => {
      const doc = texts.get(d.uri);
      if (!doc) return;
      const updated = TextDocument.update(doc, d.contentChanges, d.version);
      texts.set(d.uri, updated);
      workspace.change(d.uri, updated.getText(), d.version);
      diagnostics.changed(d.uri);
    }),
  );
  connection.onDidCloseTextDocument(
    notification("textDocument/didClose", documentParams, (d) => {
      const doc = workspace.document(d.uri);
      texts.delete(d.uri);
      diagnostics.cancel(d.uri);
      workspace.close(d.uri);
      void connection.sendDiagnostics({ uri: d.uri, diagnostics: [] });
      // Files that imported it now read it from disk.
      if (doc) for (const dep of workspace.invalidate(doc.path)) diagnostics.schedule(dep.uri, diagnostics.options.delayMs);
      // The blocks it imported lose the types it gave them at its defaults.
      diagnostics.refreshViews();
    }),
  );

  // Each request's parameters are read through lsp/params.ts: one that breaks the protocol is InvalidParams.
  connection.onHover((params) => {
    const p = positionParams(params, "textDocument/hover");
    return hover(workspace, p.uri, p.position);
  });
  connection.onDefinition((params) => {
    const p = positionParams(params, "textDocument/definition");
    return definition(workspace, p.uri, p.position);
  });
  connection.onReferences((params) => {
    const p = referencesParams(params, "textDocument/references");
    return references(workspace, p.uri, p.position, p.includeDeclaration);
  });
  connection.onPrepareRename((params) => {
    const p = positionParams(params, "textDocument/prepareRename");
    return prepareRename(workspace, p.uri, p.position);
  });
  connection.onRenameRequest((params) => {
    const p = renameParams(params, "textDocument/rename");
    return rename(workspace, p.uri, p.position, p.newName);
  });
  connection.onCompletion((params) => {
    const p = positionParams(params, "textDocument/completion");
    return complete(workspace, p.uri, p.position, params.context ?? undefined);
  });
  connection.onCodeAction((params) => {
    const p = codeActionParams(params, "textDocument/codeAction");
    return codeActions(workspace, p.uri, p.diagnostics);
  });
  connection.onDocumentSymbol((params) => {
    const file = workspace.fileFacts(documentParams(params, "textDocument/documentSymbol").uri);
    return file ? documentSymbols(file) : [];
  });
  connection.languages.semanticTokens.on((params) => {
    const file = workspace.fileFacts(documentParams(params, "textDocument/semanticTokens/full").uri);
    return file ? semanticTokens(file) : { data: [] };
  });
  connection.languages.inlayHint.on(async (params, token) => {
    const { uri, range } = rangeParams(params, "textDocument/inlayHint");
    if (!showInlayHints) return [];
    // After the document's and its importers' diagnostics: their checks are made then, each in its own turn.
    await diagnostics.whenSettled(() => [uri, ...workspace.importerUris(uri)], INLAY_HINT_WAIT_MS);
    if (token.isCancellationRequested) return [];
    const shown = workspace.shownTypes(uri);
    return shown ? inlayHints(shown, range) : [];
  });

  connection.listen();
  return connection;
}
