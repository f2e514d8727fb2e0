/**
 * The library's typings as a user of the package sees them: every export
 * documented, no `any` in its signatures, and every type a function takes or
 * returns, or a field of an exported type holds, importable from the package
 * root rather than from dist/.
 */
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const entry = path.join(root, "compiler/index.ts");
const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: ["node"] });
const checker = program.getTypeChecker();
const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
const resolved = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
const exported = new Set(exports.map(resolved));

/**
 * Internals that public types carry for the tools built on them, not for
 * callers to name: a fact's module and scope (the language server's), the
 * prebuilt syntax trees of the bundled CLI's host.
 */
const INTERNAL = new Set(["FileFacts.module", "FileFacts.scope", "SourceHost.prebuiltAst"]);

const isOurs = (s: ts.Symbol | undefined): boolean =>
  s?.declarations?.some((d) => !path.relative(root, d.getSourceFile().fileName).startsWith("..") && !d.getSourceFile().fileName.includes("node_modules")) ??
  false;

/** Named types of ours that `type` mentions and the root does not export, with where; `any` where one appears. */
function unexported(type: ts.Type, where: string, found: Map<string, string>, depth = 0): void {
  if (INTERNAL.has(where) || depth > 4) return;
  if (type.flags & ts.TypeFlags.Any) {
    found.set("any", where);
    return;
  }
  const named = type.aliasSymbol ?? type.getSymbol();
  const declaresType = (named?.flags ?? 0) & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum);
  if (named && declaresType && isOurs(named)) {
    if (!exported.has(named)) found.set(named.name, where);
    // An exported type is checked as an export of its own.
    return;
  }
  for (const argument of type.aliasTypeArguments ?? []) unexported(argument, `${where}<>`, found, depth + 1);
  if (type.isUnionOrIntersection()) {
    for (const member of type.types) unexported(member, where, found, depth);
    return;
  }
  if (!(type.flags & ts.TypeFlags.Object)) return;
  const object = type as ts.ObjectType;
  if (object.objectFlags & ts.ObjectFlags.Reference)
    for (const argument of checker.getTypeArguments(type as ts.TypeReference)) unexported(argument, `${where}<>`, found, depth + 1);
  if (checker.isArrayType(type) || checker.isTupleType(type)) return;
  for (const signature of type.getCallSignatures()) signatureTypes(signature, where, found, depth + 1);
  // The members of a library type (Map, Uint8Array) are the library's.
  if (named && declaresType) return;
  for (const property of type.getProperties()) unexported(checker.getTypeOfSymbol(property), `${where}.${property.name}`, found, depth + 1);
}

function signatureTypes(signature: ts.Signature, where: string, found: Map<string, string>, depth: number): void {
  for (const parameter of signature.getParameters()) unexported(checker.getTypeOfSymbol(parameter), `${where}(${parameter.name})`, found, depth);
  unexported(signature.getReturnType(), `${where}()`, found, depth);
}

describe("the package root's typings", () => {
  it("document every export", () => {
    const undocumented = exports.filter((e) => resolved(e).getDocumentationComment(checker).length === 0).map((e) => e.name);
    expect(undocumented).toEqual([]);
  });

  it("name no type a caller would have to import from dist/, and no any", () => {
    const found = new Map<string, string>();
    for (const e of exports) {
      const symbol = resolved(e);
      if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))
        for (const signature of checker.getTypeOfSymbol(symbol).getCallSignatures()) signatureTypes(signature, e.name, found, 0);
      // A class's own methods are its business; an interface's or alias's fields are the caller's.
      if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
        const declared = checker.getDeclaredTypeOfSymbol(symbol);
        const members = declared.isUnion() ? declared.types : [declared];
        for (const member of members.filter((m) => m.flags & ts.TypeFlags.Object)) {
          // An array or tuple's members are the library's; its elements are ours.
          if (checker.isArrayType(member) || checker.isTupleType(member)) unexported(member, e.name, found, 1);
          else for (const property of member.getProperties()) unexported(checker.getTypeOfSymbol(property), `${e.name}.${property.name}`, found, 1);
        }
      }
    }
    expect(Object.fromEntries(found)).toEqual({});
  });

  it("name protobufjs's Long for onnx-proto's typings, whatever types the caller's tsconfig lists", () => {
    // The program lists its types (["node"]), so @types/long is in it only because the package says so.
    const onnxTypes = program.getSourceFiles().filter((f) => f.fileName.includes("/node_modules/onnx-proto/"));
    expect(onnxTypes.length).toBeGreaterThan(0);
    const problems = onnxTypes.flatMap((f) => program.getSemanticDiagnostics(f)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
    expect(problems).toEqual([]);
  });
});
