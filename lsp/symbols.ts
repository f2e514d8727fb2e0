/** Document symbols: blocks, networks (aliases too), parameters, names maps, and each body's stages and pathways. */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type * as A from "../compiler/ast";
import type { FileFacts } from "../compiler/index";
import { header } from "./declarations";
import { spanToRange } from "./positions";

export function documentSymbols(file: FileFacts): DocumentSymbol[] {
  const text = file.module.text;
  const out: DocumentSymbol[] = [];
  for (const item of file.module.ast.items) {
    switch (item.kind) {
      case "import":
        break;
      case "param":
        out.push(symbol(item.name, SymbolKind.Constant, item.span, "param"));
        break;
      case "names":
        out.push(symbol(item.name, SymbolKind.Namespace, item.span, "names map"));
        break;
      case "alias":
        out.push(symbol(item.name, SymbolKind.Module, item.span, header(item, text)));
        break;
      case "block":
      case "network":
        out.push({
          ...symbol(item.name, item.kind === "network" ? SymbolKind.Module : SymbolKind.Class, item.span, item.kind),
          children: bodySymbols(item.body),
        });
        break;
    }
  }
  return out;
}

function symbol(name: A.Ident, kind: SymbolKind, span: A.Item["span"], detail: string): DocumentSymbol {
  return { name: name.text, kind, detail, range: spanToRange(span), selectionRange: spanToRange(name.span) };
}

function bodySymbols(stmts: readonly A.Stmt[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const s of stmts) {
    switch (s.kind) {
      case "stage":
        out.push({ ...symbol(s.name, SymbolKind.Namespace, s.span, "stage"), children: bodySymbols(s.body) });
        break;
      case "pathway":
        out.push(symbol(s.name, SymbolKind.Variable, s.span, "pathway"));
        break;
      case "if":
        out.push(...bodySymbols(s.then), ...bodySymbols(s.otherwise ?? []));
        break;
      case "assign":
      case "return":
      case "lateral":
        break;
    }
  }
  return out;
}
