// Checkpoints of a compiled model's weights, for the benchmarks that compile
// from a file: a .safetensors file and a torch.save archive (.pyth, the zip
// format of PyTorch >= 1.6, laid out as torch.save lays it out: stored
// entries aligned to 64 bytes, a pickled OrderedDict of _rebuild_tensor_v2
// calls whose storages are the entries archive/data/<key>). Both are written
// tensor by tensor, so a large model is never copied into one buffer here.
"use strict";
const fs = require("node:fs");
const zlib = require("node:zlib");

/** The float weights of an ONNX model (constants the emitter adds, named node/purpose, left out). */
function modelWeights(modelFile) {
  const { onnx } = require("onnx-proto");
  const model = onnx.ModelProto.decode(fs.readFileSync(modelFile));
  return model.graph.initializer
    .filter((init) => init.dataType === onnx.TensorProto.DataType.FLOAT && !init.name.includes("/"))
    .map((init) => ({ name: init.name, shape: init.dims.map(Number), data: init.rawData }));
}

function writeAll(fd, bytes) {
  for (let offset = 0; offset < bytes.byteLength;) offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
}

/** A safetensors file of `weights` ({name, shape, data} with little-endian float32 bytes). */
function writeSafetensors(weights, out) {
  const header = {};
  let offset = 0;
  for (const w of weights) {
    header[w.name] = { dtype: "F32", shape: w.shape, data_offsets: [offset, offset + w.data.byteLength] };
    offset += w.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const fd = fs.openSync(out, "w");
  try {
    writeAll(fd, len);
    writeAll(fd, Buffer.from(json));
    for (const w of weights) writeAll(fd, w.data);
  } finally {
    fs.closeSync(fd);
  }
}

/** The pickle torch.save writes for a state dict of float32 tensors, storage i holding tensor i. */
function stateDictPickle(weights) {
  const parts = [];
  const op = (...bytes) => parts.push(Buffer.from(bytes));
  const str = (s) => {
    const b = Buffer.from(s, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(Buffer.from([0x58]), len, b); // BINUNICODE
  };
  const int = (n) => {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(n, 1);
    parts.push(b);
  };
  const global = (module, name) => parts.push(Buffer.from(`c${module}\n${name}\n`, "latin1"));
  const ints = (values) => {
    op(0x28); // MARK
    values.forEach(int);
    op(0x74); // TUPLE
  };
  op(0x80, 2); // PROTO 2
  global("collections", "OrderedDict");
  op(0x29, 0x52, 0x28); // EMPTY_TUPLE REDUCE MARK
  weights.forEach((w, i) => {
    const numel = w.shape.reduce((a, b) => a * b, 1);
    const stride = w.shape.map((_, d) => w.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    str(w.name);
    global("torch._utils", "_rebuild_tensor_v2");
    op(0x28, 0x28); // MARK (arguments) MARK (persistent id)
    str("storage");
    global("torch", "FloatStorage");
    str(String(i));
    str("cpu");
    int(numel);
    op(0x74, 0x51); // TUPLE BINPERSID
    int(0);
    ints(w.shape);
    ints(stride);
    op(0x89); // NEWFALSE (requires_grad)
    global("collections", "OrderedDict");
    op(0x29, 0x52, 0x74, 0x52); // EMPTY_TUPLE REDUCE (backward hooks), TUPLE REDUCE
  });
  op(0x75, 0x2e); // SETITEMS STOP
  return Buffer.concat(parts);
}

/** A torch.save zip archive of `weights`. */
function writePyth(weights, out) {
  const files = [
    { name: "archive/data.pkl", data: [stateDictPickle(weights)] },
    ...weights.map((w, i) => ({ name: `archive/data/${i}`, data: [w.data] })),
    { name: "archive/version", data: [Buffer.from("3\n")] },
  ];
  const fd = fs.openSync(out, "w");
  const central = [];
  let offset = 0;
  const put = (bytes) => {
    writeAll(fd, bytes);
    offset += bytes.byteLength;
  };
  try {
    for (const f of files) {
      const name = Buffer.from(f.name, "utf8");
      const size = f.data.reduce((n, d) => n + d.byteLength, 0);
      const crc = f.data.reduce((c, d) => zlib.crc32(d, c), 0);
      const headerOffset = offset;
      // Data start on a 64-byte boundary, padded with an extra field as PyTorch does.
      const pad = (64 - ((offset + 30 + name.length + 4) % 64)) % 64;
      const local = Buffer.alloc(30 + name.length + 4 + pad);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(size, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(4 + pad, 28);
      name.copy(local, 30);
      local.writeUInt16LE(0x4650, 30 + name.length);
      local.writeUInt16LE(pad, 32 + name.length);
      put(local);
      for (const d of f.data) put(d);
      const c = Buffer.alloc(46 + name.length);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(size, 20);
      c.writeUInt32LE(size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(headerOffset, 42);
      name.copy(c, 46);
      central.push(c);
    }
    const cdOffset = offset;
    for (const c of central) put(c);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(files.length, 8);
    eocd.writeUInt16LE(files.length, 10);
    eocd.writeUInt32LE(offset - cdOffset, 12);
    eocd.writeUInt32LE(cdOffset, 16);
    put(eocd);
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { modelWeights, writeSafetensors, writePyth };

// node bench/checkpoints.js MODEL.onnx OUT.safetensors OUT.pyth: the model's weights as checkpoints, and
// one JSON line with their bytes. A process of its own, so that the caller's RSS (which a child it forks
// starts from) stays small.
if (require.main === module) {
  const [model, ...outs] = process.argv.slice(2);
  if (!model || outs.length === 0) throw new Error("usage: node bench/checkpoints.js MODEL.onnx OUT.safetensors|OUT.pyth...");
  const weights = modelWeights(model);
  for (const out of outs) (out.endsWith(".safetensors") ? writeSafetensors : writePyth)(weights, out);
  console.log(JSON.stringify({ weightBytes: weights.reduce((n, w) => n + w.data.byteLength, 0) }));
}
