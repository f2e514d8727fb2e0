/**
 * Every diagnostic the compiler can give, under a stable code. Codes are never
 * reused; docs/diagnostics.md documents each one with an example that triggers
 * it, and a test keeps that page, this table and the UI tests in step.
 */
export interface CatalogueEntry {
  readonly severity: "error" | "warning";
  readonly title: string;
  /** What it means and what usually fixes it, for docs/diagnostics.md. */
  readonly explain: string;
  /** Set for a code that only the machine formats' notifications carry (cli/io.ts), never a source's diagnostic: it has no UI example. */
  readonly notification?: true;
}

export const CATALOGUE = {
  // Reading the source
  SF0001: {
    severity: "error",
    title: "unexpected character",
    explain:
      "A character that cannot start any token (a control byte, a stray symbol), or a string or block comment that never ends. A character that is invisible (a zero-width space, a bidirectional control, a byte-order mark inside the text) or looks like an ASCII letter (the Cyrillic е of `rеlu`) is named by its code point, and shown as � in the excerpt; a look-alike letter is then read as the letter it looks like, so that no syntax errors follow from it.",
  },
  SF0002: {
    severity: "error",
    title: "syntax error",
    explain:
      "The tokens do not form a declaration, statement or expression. The parser recovers and keeps going, so every syntax error in the file is reported.",
  },
  SF0003: {
    severity: "error",
    title: "nesting too deep",
    explain:
      "Brackets nested more than 128 deep (the most the parser takes, whatever the limit) or unary minus signs more than 200 deep (the file is refused before parsing), an expression more than 200 levels deep, such as a sum of 300 terms, or block calls and stages nested more than 200 deep, such as a chain of blocks each calling the one before. A network whose calls, with the expressions inside them, still nest deeper than the stack holds is refused at the network, under the same code: no input can crash sfc by its stack. Raise it with --limit nesting=N.",
  },
  SF0004: {
    severity: "error",
    title: "number out of range",
    explain:
      "A number literal, in a source or a --set value, whose exact value needs more than 1000 digits written out (1e1001, 1e-1001; --limit number-digits raises it), a number computed from others that does (a chain of parameters each the square of the last), an expression that expands past 256 terms or degree 64 in the sizes it depends on, or a size that must become a tensor dimension, or a number an op's node takes as an attribute (a stride), larger than 2³¹. Numbers are exact (bigint rationals) until then, whatever their exponent.",
  },
  // Names, imports and arguments
  SF0101: {
    severity: "error",
    title: "unknown name",
    explain: "A name that is neither a local value, a parameter, a dimension variable nor a network parameter in scope.",
  },
  SF0102: {
    severity: "error",
    title: "duplicate declaration",
    explain:
      "Two declarations with one name in one file (two formals of one block or network too), a name both declared and imported or imported from two modules, or a block named like a built-in op.",
  },
  SF0103: {
    severity: "error",
    title: "module not found",
    explain: "An import whose file or standard-library module does not exist, or a file given on the command line that cannot be read.",
  },
  SF0104: {
    severity: "error",
    title: "import cycle",
    explain: "Files that import each other in a cycle. The import that closes the cycle is reported with the whole cycle.",
  },
  SF0105: { severity: "error", title: "name not exported by module", explain: "An import list names something the module does not declare." },
  SF0106: {
    severity: "error",
    title: "unknown op or block",
    explain: "A call to something that is neither a built-in op nor a block in scope: a misspelling, or a block that is not imported.",
  },
  SF0107: {
    severity: "error",
    title: "unknown argument",
    explain: "An argument name the op or block does not take, more positional arguments than it has, or a network alias's argument without a name.",
  },
  SF0108: { severity: "error", title: "missing argument", explain: "A required argument or parameter is missing." },
  SF0109: {
    severity: "error",
    title: "argument given twice",
    explain: "One argument of a call given twice, or one parameter set twice with --set to different values (under one spelling or two: alpha and α).",
  },
  SF0110: {
    severity: "error",
    title: "unknown network",
    explain:
      "The network to compile does not exist, an alias targets something that is not a network, or a file with several networks was given without --network.",
  },
  SF0111: { severity: "error", title: "unknown parameter", explain: "A --set or alias argument names a parameter the network does not have." },
  SF0112: {
    severity: "error",
    title: "invalid parameter value",
    explain:
      "A parameter value that cannot be used: neither a number, a word nor a boolean (an extent such as 2², a list), not one of a choice parameter's words, or a fraction for an int; or a --set value that cannot be read: an expression (4+4) rather than a value, or a fraction over 0.",
  },
  SF0113: {
    severity: "error",
    title: "unknown pathway",
    explain: "A lateral link names a pathway that does not exist, or a variable not declared with `pathway`.",
  },
  SF0114: { severity: "error", title: "unknown fusion", explain: "A lateral link's fusion is neither concat nor sum." },
  SF0115: {
    severity: "error",
    title: "recursive block",
    explain:
      "A block that calls itself, directly or through other blocks. A block is checked once for every value of its dimension variables, so its calls may form no cycle; repeated structure is written with `repeat`.",
  },
  SF0116: {
    severity: "error",
    title: "network called like a block",
    explain:
      "A call to a network. Networks are compiled, not called: put what they share in a block, or declare an alias, `network Small = Big(width: 32)`, for other parameter values.",
  },
  SF0117: {
    severity: "error",
    title: "misplaced graph input",
    explain:
      "`input(<type>)` declares a further input of the compiled graph: it is allowed in a network body only (a block's inputs are its formals), takes exactly one type, and cannot be piped into.",
  },
  SF0118: {
    severity: "error",
    title: "wrong number of tensors",
    explain: "An op over several tensors given the wrong number of them: `concat` (and a lateral link fused by concat) takes two or more, `add` exactly two.",
  },
  SF0119: {
    severity: "error",
    title: "network alias cycle",
    explain:
      "Network aliases that name each other in a cycle (`network A = B(...)` and `network B = A(...)`), so that none of them has a network to start from. The whole cycle is shown.",
  },
  SF0120: {
    severity: "error",
    title: "not a block value",
    explain:
      'A block-valued parameter (`transform: block`) given something that is not a block: a number, an op, a network or an expression. Its value is a block\'s name, optionally with named arguments, `tconv(k: 7)`, or one of the words its declaration lists (`block | "none"`).',
  },
  SF0121: {
    severity: "error",
    title: "argument a block value cannot bind",
    explain:
      "A block value binds an argument the block does not declare, binds one twice, passes one by position, or binds a tensor input (those are given where the value is called). `tconv(k: 7)` binds `k`; `x`, `α` and `β` come at the call.",
  },
  SF0122: {
    severity: "error",
    title: "argument already bound by the block value",
    explain:
      "A call of a block-valued parameter gives an argument its value already binds: with `transform = tconv(k: 7)`, `transform(k: 3)` would silently replace the 7. Bind it in one place.",
  },
  SF0123: {
    severity: "error",
    title: "a word called like a block",
    explain:
      'A block-valued parameter whose value is one of its words (`"none"`) is called. Test it first: `if transform != "none" { ... transform(...) ... }`.',
  },
  SF0124: {
    severity: "warning",
    title: "block value drops an argument the default binds",
    explain:
      "A setting or alias gives a block-valued parameter a block without an argument its default binds, so the block's own default is used instead: SlowFast's default is `tconv(k: K, ratio: ratio)`, and `--set transform=tconv_only` on a network with K = 7 gives tconv_only's own k = 5. Bind it to keep it: `--set 'transform=tconv_only(k: K)'`.",
  },
  SF0125: {
    severity: "error",
    title: "requirement no size can meet",
    explain:
      "A block's body needs a divisibility that no sizes give, such as `S/(S + 1)` a whole number: for every S ≥ 1, 0 < S < S + 1, so the quotient lies strictly between 0 and 1. Every call would fail it (SF0302), so it is reported in the block, with the bounds that prove it and a size where it fails. Write the rounding you mean (`⌊S/(S + 1)⌋`) or the division you meant.",
  },
  // Values and shapes
  SF0201: {
    severity: "error",
    title: "result does not have the declared type",
    explain:
      "A block's body returns a tensor whose type differs from the declared result type, for some values of its dimension variables. The mismatched dimension and the declaration are both shown.",
  },
  SF0202: {
    severity: "error",
    title: "operand shapes differ",
    explain: "Two sizes an op needs equal differ: concat or add operands, matmul's inner dimensions, or a block argument's dimension.",
  },
  SF0203: {
    severity: "error",
    title: "wrong kind of tensor",
    explain: "A tensor of the wrong kind for an op or block: a video tensor where a vector is needed, or the reverse, or where a raw tensor is (`matmul`).",
  },
  SF0204: {
    severity: "error",
    title: "wrong kind of value",
    explain: "A value of the wrong kind: a number where a tensor is needed, a boolean where a number is, and so on.",
  },
  SF0205: {
    severity: "error",
    title: "dimension is not an integer",
    explain: "A dimension that must be a whole number is a fraction, such as the Fast width βC with β = 1/6 and C = 64. The fix is a rounding you write.",
  },
  SF0206: {
    severity: "error",
    title: "dimension is not positive",
    explain: "A dimension would be zero or negative: the input is too small for the kernels and strides applied to it.",
  },
  SF0207: {
    severity: "error",
    title: "cannot infer a dimension variable",
    explain: "A block's dimension variables cannot be solved from its arguments: each dimension of an argument's type may hold one unknown, used linearly.",
  },
  SF0208: { severity: "error", title: "reshape changes the element count", explain: "A reshape to a shape with another number of elements." },
  SF0209: { severity: "error", title: "invalid axis permutation", explain: "A transpose whose permutation is not a permutation of the tensor's axes." },
  SF0210: {
    severity: "error",
    title: "block body does not return",
    explain:
      "A block or network body with a path that ends without a `return`: none written, none reached with a network's parameters, or, in a block whose path is taken only under conditions it cannot decide (`if go { return ... }` and nothing after), a call that takes it (`go: false`), reported at the call.",
  },
  SF0211: {
    severity: "error",
    title: "invalid attribute value",
    explain:
      "An attribute outside its range: a negative pad, a zero stride, a dropout probability outside [0, 1), a batch-norm ε that is not positive, both or neither of frames' every and count. Numbers are exact in the source but float32 in the model, so a number is also checked as the model holds it: 1e39 is too large, and ε = 1e-400 becomes 0.",
  },
  SF0212: {
    severity: "error",
    title: "condition cannot be decided",
    explain:
      "A condition in a generic block that depends on a dimension or a parameter and so cannot be decided once for all its values. One that holds for every size is decided: dimension variables count from 1, so `C >= 1` and `2C > C` are true.",
  },
  SF0213: {
    severity: "error",
    title: "declared type is malformed",
    explain: "A type that is not one of <C>, <T, S², C>, <T, H×W, C>, <T, H, W, C> or [d0, d1, ...], or an unknown parameter sort.",
  },
  // Instantiation: obligations decided with values bound
  SF0301: {
    severity: "error",
    title: "dimension is not a multiple",
    explain:
      "A block argument's dimension must be a multiple of a factor (αT frames for a lateral link with stride α) and is not. The values, where they came from, and the nearest values that work are shown.",
  },
  SF0302: {
    severity: "error",
    title: "block requirement violated",
    explain:
      "A call does not meet a requirement the block's generic check carried into its signature, such as an odd kernel for a (k − 1)/2 pad, or equal channels for an identity shortcut. A requirement found in an `if` branch applies only to calls that take the branch (`when k > 2`).",
  },
  // Weights
  SF0401: {
    severity: "error",
    title: "missing weight",
    explain: "A weight of the network that the checkpoint does not have, under the chosen weight-name map.",
  },
  SF0402: {
    severity: "error",
    title: "unexpected weight",
    explain: "A checkpoint tensor that no weight of the network takes (num_batches_tracked is ignored).",
  },
  SF0403: {
    severity: "error",
    title: "weight has the wrong shape",
    explain: "A checkpoint tensor whose shape differs from the weight's, or whose type is not floating point. Expected and found shapes are shown.",
  },
  SF0405: {
    severity: "error",
    title: "unknown weight-name map",
    explain: "--weight-names names a map that is neither sfc nor a names map visible to the network.",
  },
  SF0406: {
    severity: "error",
    title: "malformed name rule",
    explain: "A names-map rule whose template uses a capture its pattern does not have, or a pattern naming a capture twice.",
  },
  SF0407: {
    severity: "error",
    title: "names map matches little of the checkpoint",
    explain:
      "Under the chosen --weight-names map, fewer than half of the network's weights are in the checkpoint: one summary replaces the separate errors, and names the layout the checkpoint's names look like.",
  },
  SF0408: {
    severity: "error",
    title: "--reinit matches no weight",
    explain: "A --reinit pattern that matches no weight of the network, by sfc's name or the checkpoint's.",
  },
  SF0409: {
    severity: "error",
    title: "two weights, one checkpoint tensor",
    explain:
      "The --weight-names map gives two of the network's weights the same checkpoint name, so one tensor would be loaded into both: a rule of the map is too broad (a pattern without the part that tells them apart).",
  },
  // Emission
  SF0501: {
    severity: "error",
    title: "op not expressible at this opset",
    explain: "The chosen --opset cannot express an op of the graph (softmax before opset 13, for instance), or is outside the supported range.",
  },
  // Resource limits (compiler/limits.ts), each raised with --limit NAME=N
  SF0601: {
    severity: "error",
    title: "tensor too large",
    explain: "A tensor (an input, a value or a weight) with more than 2³¹ − 1 elements, such as --set T=500000000. Raise it with --limit tensor-elements=N.",
  },
  SF0602: {
    severity: "error",
    title: "model too large",
    explain:
      "The network's weights take more than 2 GiB, which an ONNX file cannot hold (std/slowfast.sf's SlowFast_4x16_R50 with --set C=512). Raise it with --limit model-bytes=N for a smaller model elsewhere; ONNX's own limit stays.",
  },
  SF0603: {
    severity: "error",
    title: "too many frames selected",
    explain: "A `frames` selection of more than 100,000 frames. Raise it with --limit frames=N.",
  },
  SF0604: {
    severity: "error",
    title: "network too large",
    explain:
      "The network expands to more than 200,000 graph nodes, or makes more than 200,000 block calls: repeats and block calls are unrolled, so 41 blocks that each call the previous one twice would make 2⁴¹, and calls are counted too since a body may build no node. Raise it with --limit nodes=N.",
  },
  SF0605: {
    severity: "warning",
    title: "too many diagnostics",
    explain: "A file has more than 100 diagnostics: the first 100 are shown and the rest counted. Raise it with --limit diagnostics=N.",
  },
  SF0606: {
    severity: "error",
    title: "input clip too large",
    explain:
      "`sfc run` would make or read an input clip larger than 1 GiB (SlowFast_4x16_R50 with --set T=100 --set S=500 asks for 2.4 GB). Raise it with --limit clip-bytes=N.",
  },
  SF0607: {
    severity: "error",
    title: "too many threads",
    explain: "`sfc run --threads N` asks for more threads than the machine has cores. Force it with --limit threads=N.",
  },
  SF0608: {
    severity: "error",
    title: "too many paths to check",
    explain:
      "A block's body is checked for every value of its parameters, so an `if` on a condition it cannot decide (a boolean formal) checks what follows once per branch. More than 4,096 paths, such as twenty `if`s on twenty different flags (a million), are refused at the `if` that would pass the limit. Raise it with --limit branches=N.",
  },
  SF0609: {
    severity: "error",
    title: "drawing too large for SVG",
    explain:
      "`sfc graph --format svg` would hand Graphviz more than 2,000 boxes and links, or more than 50 pathways (a fortieth of that limit); a standard SlowFast at --depth block has under 200 and two. Graphviz's layout grows much faster than the drawing: 8,000 boxes and links take half a minute, 100 pathways fused side by side 20 s, and larger drawings exhaust its memory. Write DOT or Mermaid instead, which have no such bound, draw one box per stage with --depth stage, or raise it with --limit svg-items=N.",
  },
  SF0610: {
    severity: "error",
    title: "source file too large",
    explain:
      "A source file, given or imported, is larger than 256 KiB. Parsing takes up to 3 KB of memory per byte of source (a long list of numbers), so a megabyte would come near the memory a process has; the file is not parsed. The standard library's largest module is 10 KB, and a generated chain of 5,000 blocks 250 KB. Raise it with --limit source-bytes=N.",
  },
  // Dynamic shapes
  SF0701: {
    severity: "error",
    title: "dynamic parameter shapes a weight",
    explain:
      "--dynamic names a parameter that sets the shape of a weight (C, β, classes, a kernel size): a model's weights are fixed, so only parameters that shape no weight, such as the clip length T and the crop size S, can stay symbolic. The message names the weight.",
  },
  SF0702: {
    severity: "error",
    title: "parameter cannot be dynamic",
    explain:
      "--dynamic names a parameter that cannot stay symbolic in the model: a choice rather than a size, one that changes which layers exist or sets an attribute ONNX fixes (a pooling kernel), one no input's size reveals at run time, one named N like the model's batch dimension, or one at whose other values the network does not check.",
  },
  SF0703: {
    severity: "error",
    title: "input the model does not take",
    explain:
      "An input given to `sfc run` breaks what the model states it takes (its `requirements` metadata, or its input shapes): a clip of the wrong size, rank or batch, or two inputs that do not agree. Nothing is run; the message says which size is wrong and, where it can, the nearest sizes that fit. A serving system makes the same check with the library's `checkInputs` (docs/deploy.md).",
  },
  // The command itself
  SF0801: {
    severity: "error",
    title: "command failed",
    notification: true,
    explain:
      "The command stopped, with exit status 2, for a reason outside the sources: an option value it cannot take, a file it cannot read or write, a checkpoint it cannot load, onnxruntime refusing the model, or a fault in sfc. People read it as one line, `sfc: …`; the machine formats carry it in their one document: a json entry with this code at the start of `<command line>`, SARIF's toolExecutionNotification (the run is then not executionSuccessful), github's error annotation. No source produces it, so it has no example.",
  },
} as const satisfies Record<string, CatalogueEntry>;

/** A diagnostic's stable code, "SF0301"; docs/diagnostics.md explains each. */
export type DiagnosticCode = keyof typeof CATALOGUE;
