/**
 * The commands and their options, as data. Kept free of heavy imports: the
 * help is printed from here, and main.ts loads a command's implementation
 * only when it runs.
 */
import { WEIGHT_OPTIONS } from "./common";
import { DIAGNOSTIC_FORMAT_OPTION, HELP_OPTION, NETWORK_OPTION, SOURCE_OPTIONS, type CommandSpec } from "./options";

export const CHECK = {
  name: "check",
  summary: "check sources: syntax, names and shapes, without building anything",
  positionals: "FILE|FOLDER|GLOB...",
  options: { ...DIAGNOSTIC_FORMAT_OPTION, ...SOURCE_OPTIONS, ...HELP_OPTION },
  details: `A FOLDER is searched recursively for *.sf files (node_modules and hidden
folders are skipped). Quote a GLOB so that sfc expands it rather than the shell:
  sfc check "models/**/*.sf" --format github
An input that cannot be read is exit status 2; the machine formats still write a
whole document (SARIF: a toolExecutionNotification; json: an SF0103 entry).`,
} as const satisfies CommandSpec;

export const COMPILE = {
  name: "compile",
  summary: "compile a network to ONNX",
  positionals: "FILE.sf -o OUT.onnx",
  options: {
    output: { type: "string", short: "o", value: "OUT.onnx", help: "where to write the model (through a temporary file, renamed when complete)" },
    triton: {
      type: "string",
      value: "DIR",
      help: "also (or instead of -o) write a Triton model repository: DIR/<network>/1/model.onnx and DIR/<network>/config.pbtxt",
    },
    "triton-kind": { type: "string", value: "gpu|cpu", help: "where Triton runs the model instances (default gpu)" },
    ...NETWORK_OPTION,
    ...SOURCE_OPTIONS,
    ...WEIGHT_OPTIONS,
    ...DIAGNOSTIC_FORMAT_OPTION,
    ...HELP_OPTION,
  },
  details: `Example:
  sfc compile std/slowfast.sf --network SlowFast_4x16_R50 -o r50.onnx
  sfc compile std/slowfast.sf --network SlowFast_4x16_R50 --weights SLOWFAST_4x16_R50.pyth --weight-names pyslowfast -o r50.onnx
  sfc compile std/slowfast.sf --network SlowFast_8x8_R50 --weights SLOWFAST_8x8_R50.pkl --triton models/`,
} as const satisfies CommandSpec;

export const RUN = {
  name: "run",
  summary: "run a compiled model (or a .sf, compiled first) in onnxruntime",
  positionals: "MODEL.onnx|FILE.sf",
  options: {
    input: { type: "string", multiple: true, value: "[NAME=]X.npy", help: "a float32 input; without it, a deterministic clip" },
    output: { type: "string", value: "Y.npy", help: "write the first output as .npy" },
    labels: { type: "string", value: "FILE", help: "class names: one per line, or a JSON array or {name: index} object" },
    top: { type: "string", value: "K", help: "how many classes to list per clip (default 5)" },
    views: { type: "boolean", help: "the batch is the views of one video (clips × crops): average their softmax scores, as PySlowFast's test loop does" },
    ep: { type: "string", value: "cpu|cuda|webgpu", help: "execution provider; falls back to cpu with a warning" },
    threads: { type: "string", value: "N", help: "onnxruntime intra-op threads" },
    ...NETWORK_OPTION,
    ...SOURCE_OPTIONS,
    ...WEIGHT_OPTIONS,
    ...DIAGNOSTIC_FORMAT_OPTION,
    ...HELP_OPTION,
  },
  details: `Needs onnxruntime-node, an optional peer dependency: npm install onnxruntime-node.
The options that build a model (--network, --set, --weights and the rest of
compile's) apply to a FILE.sf; with a MODEL.onnx, already compiled, they are refused.
An output of shape (N, classes) is listed as class scores, the model's output as
it is: logits when the network ends in a linear layer, probabilities when it ends
in softmax; the line says which. Any other output is described by its shape.`,
} as const satisfies CommandSpec;

export const INFO = {
  name: "info",
  summary: "shapes, parameters, multiply-adds and activations of a network",
  positionals: "FILE.sf",
  options: {
    ...NETWORK_OPTION,
    ...SOURCE_OPTIONS,
    depth: { type: "string", value: "stage|block|layer", help: "one row per stage (the default), per block, or per layer" },
    views: { type: "string", value: "N", help: "also give totals over N test views (PySlowFast tests 3 spatial × 10 temporal = 30)" },
    format: { type: "string", value: "table|json", help: "a table, or JSON with the same fields (diagnostics then as json too)" },
    "count-bn": { type: "boolean", help: "count batch norm's multiply-adds (left out by default, as the paper does)" },
    "keep-bn": { type: "boolean", help: "report the graph with batch norm kept rather than folded" },
    dynamic: { type: "string", multiple: true, value: "NAMES", help: "also give parameters and multiply-adds as formulas in these parameters, e.g. T,S" },
    ...HELP_OPTION,
  },
  details: `Counts are read from the graph IR. Multiply-adds are those of conv, linear and
matmul for one view; activations are those layers' output elements, as fvcore
counts them; parameter memory is float32 (4 bytes a parameter). The GFLOPs are
also split by part: each pathway, the lateral links and the head.`,
} as const satisfies CommandSpec;

export const GRAPH = {
  name: "graph",
  summary: "draw a network: pathways as lanes, stages, lateral links and fusions",
  positionals: "FILE.sf",
  options: {
    ...NETWORK_OPTION,
    ...SOURCE_OPTIONS,
    format: { type: "string", value: "dot|svg|mermaid", help: "Graphviz DOT (the default), SVG rendered by Graphviz, or a Mermaid flowchart" },
    depth: { type: "string", value: "stage|block", help: "one box per stage (the default) or per block" },
    output: { type: "string", short: "o", value: "FILE", help: "write to FILE instead of stdout" },
    ...HELP_OPTION,
  },
  details: `Example:
  sfc graph std/slowfast.sf --network SlowFast_4x16_R50 --format svg -o r50.svg`,
} as const satisfies CommandSpec;

export const LSP = {
  name: "lsp",
  summary: "the language server, for editors (set-up: editors/README.md in sfc's repository)",
  positionals: "--stdio",
  options: {
    stdio: { type: "boolean", help: "speak the Language Server Protocol over standard input and output" },
    clientProcessId: { type: "string", value: "PID", help: "the editor's process, as language clients pass it" },
    ...HELP_OPTION,
  },
} as const satisfies CommandSpec;

export const COMMANDS: readonly CommandSpec[] = [CHECK, COMPILE, RUN, INFO, GRAPH, LSP];
