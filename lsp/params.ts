/**
 * The parts of a request's or notification's parameters the server reads,
 * checked against the protocol before any service reads them. A request that
 * breaks it is answered with InvalidParams naming the field and what it must
 * be, rather than with the text of whatever JavaScript error reading it would
 * have thrown; a notification that breaks it is ignored, and said so in the
 * client's log.
 */
import { ErrorCodes, ResponseError, type Diagnostic, type Position, type Range } from "vscode-languageserver";

function invalid(method: string, what: string): never {
  throw new ResponseError(ErrorCodes.InvalidParams, `${method}: ${what}`);
}

type Fields = Record<string, unknown>;

function object(value: unknown, path: string, method: string): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid(method, `${path} must be an object`);
  return value as Fields;
}

function string(value: unknown, path: string, method: string): string {
  return typeof value === "string" ? value : invalid(method, `${path} must be a string`);
}

function integer(value: unknown, path: string, method: string): number {
  return Number.isSafeInteger(value) ? (value as number) : invalid(method, `${path} must be an integer`);
}

function array(value: unknown, path: string, method: string): readonly unknown[] {
  return Array.isArray(value) ? value : invalid(method, `${path} must be an array`);
}

function position(value: unknown, path: string, method: string): Position {
  const p = object(value, path, method);
  const at = (field: "line" | "character"): number => {
    const n = integer(p[field], `${path}.${field}`, method);
    return n >= 0 ? n : invalid(method, `${path}.${field} must be at least 0`);
  };
  return { line: at("line"), character: at("character") };
}

function range(value: unknown, path: string, method: string): Range {
  const r = object(value, path, method);
  return { start: position(r.start, `${path}.start`, method), end: position(r.end, `${path}.end`, method) };
}

/**
 * What the protocol library itself reads of a request before any handler
 * runs: a `params` given as null (it reads its `workDoneToken`; params left
 * out it answers itself, and a method nobody handles gets MethodNotFound),
 * and initialize's `params.capabilities`. A request that breaks it is
 * answered with InvalidParams before dispatch; after, the library's
 * TypeError would be the answer, as an InternalError.
 */
export function checkBeforeDispatch(method: string, params: unknown): void {
  // Messages that take no parameters (a client may send null for them), and `$/` ones, which the library answers itself.
  if (method === "shutdown" || method === "exit" || method.startsWith("$/")) return;
  if (params === null) invalid(method, "params must be an object");
  if (method === "initialize") object(object(params, "params", method).capabilities, "params.capabilities", method);
}

/** The request's or notification's parameters, and its `textDocument`. */
function document(params: unknown, method: string): { params: Fields; textDocument: Fields; uri: string } {
  const p = object(params, "params", method);
  const textDocument = object(p.textDocument, "params.textDocument", method);
  return { params: p, textDocument, uri: string(textDocument.uri, "params.textDocument.uri", method) };
}

/** `textDocument.uri`: symbols and semantic tokens. */
export function documentParams(params: unknown, method: string): { uri: string } {
  return { uri: document(params, method).uri };
}

/** `textDocument.uri` and `position`: hover, definition, rename, completion, references. */
export function positionParams(params: unknown, method: string): { uri: string; position: Position; params: Fields } {
  const d = document(params, method);
  return { uri: d.uri, position: position(d.params.position, "params.position", method), params: d.params };
}

/** `textDocument.uri` and `range`: inlay hints. */
export function rangeParams(params: unknown, method: string): { uri: string; range: Range } {
  const d = document(params, method);
  return { uri: d.uri, range: range(d.params.range, "params.range", method) };
}

/** textDocument/references: and whether the declaration is among them (`context.includeDeclaration`). */
export function referencesParams(params: unknown, method: string): { uri: string; position: Position; includeDeclaration: boolean } {
  const p = positionParams(params, method);
  const include = object(p.params.context, "params.context", method).includeDeclaration;
  return { ...p, includeDeclaration: typeof include === "boolean" ? include : invalid(method, "params.context.includeDeclaration must be a boolean") };
}

/** textDocument/rename: and the new name. */
export function renameParams(params: unknown, method: string): { uri: string; position: Position; newName: string } {
  const p = positionParams(params, method);
  return { ...p, newName: string(p.params.newName, "params.newName", method) };
}

/** textDocument/codeAction: and the diagnostics it is asked about, each with its message and range. */
export function codeActionParams(params: unknown, method: string): { uri: string; diagnostics: Diagnostic[] } {
  const d = document(params, method);
  const context = object(d.params.context, "params.context", method);
  const diagnostics = array(context.diagnostics, "params.context.diagnostics", method).map((value, i) => {
    const path = `params.context.diagnostics[${i}]`;
    const diagnostic = object(value, path, method);
    string(diagnostic.message, `${path}.message`, method);
    range(diagnostic.range, `${path}.range`, method);
    return diagnostic as unknown as Diagnostic;
  });
  return { uri: d.uri, diagnostics };
}

/** textDocument/didOpen: the document's text and version. */
export function openParams(params: unknown, method: string): { uri: string; languageId: string; version: number; text: string } {
  const d = document(params, method);
  return {
    uri: d.uri,
    languageId: string(d.textDocument.languageId, "params.textDocument.languageId", method),
    version: integer(d.textDocument.version, "params.textDocument.version", method),
    text: string(d.textDocument.text, "params.textDocument.text", method),
  };
}

/** textDocument/didChange: the new version, and each change: a range and its new text, or the whole text. */
export function changeParams(
  params: unknown,
  method: string,
): { uri: string; version: number; contentChanges: Array<{ range: Range; text: string } | { text: string }> } {
  const d = document(params, method);
  const contentChanges = array(d.params.contentChanges, "params.contentChanges", method).map((value, i) => {
    const path = `params.contentChanges[${i}]`;
    const change = object(value, path, method);
    const text = string(change.text, `${path}.text`, method);
    return change.range === undefined ? { text } : { range: range(change.range, `${path}.range`, method), text };
  });
  return { uri: d.uri, version: integer(d.textDocument.version, "params.textDocument.version", method), contentChanges };
}

/** initialize: the client's capabilities the server reads, its settings, and the workspace's roots. */
export function initializeParams(params: unknown, method: string): { settings: unknown; watchSources: boolean; refreshInlayHints: boolean; roots: string[] } {
  const p = object(params, "params", method);
  const capabilities = object(p.capabilities, "params.capabilities", method);
  // Capabilities a client leaves out, or gives in a form the protocol does not know, are capabilities it lacks.
  const workspace = typeof capabilities.workspace === "object" && capabilities.workspace !== null ? (capabilities.workspace as Fields) : {};
  const flag = (group: unknown, field: string): boolean => typeof group === "object" && group !== null && (group as Fields)[field] === true;
  const folders = p.workspaceFolders ?? undefined;
  const roots =
    folders !== undefined
      ? array(folders, "params.workspaceFolders", method).map((f, i) =>
          string(object(f, `params.workspaceFolders[${i}]`, method).uri, `params.workspaceFolders[${i}].uri`, method),
        )
      : p.rootUri === undefined || p.rootUri === null
        ? []
        : [string(p.rootUri, "params.rootUri", method)];
  return {
    settings: p.initializationOptions,
    watchSources: flag(workspace.didChangeWatchedFiles, "dynamicRegistration"),
    refreshInlayHints: flag(workspace.inlayHint, "refreshSupport"),
    roots,
  };
}

/** workspace/didChangeWatchedFiles: the files that changed. */
export function watchedFilesParams(params: unknown, method: string): { uris: string[] } {
  const changes = array(object(params, "params", method).changes, "params.changes", method);
  return { uris: changes.map((c, i) => string(object(c, `params.changes[${i}]`, method).uri, `params.changes[${i}].uri`, method)) };
}

/** workspace/didChangeConfiguration: the settings, whatever form they take (read as ServerSettings where they are one). */
export function configurationParams(params: unknown, method: string): { settings: unknown } {
  return { settings: object(params, "params", method).settings };
}
