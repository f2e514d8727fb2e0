/**
 * Writers for hand-made checkpoints: a pickle emitter (the opcodes torch.save
 * uses), a zip writer laid out like PyTorch's (64-byte aligned stored entries),
 * and a safetensors writer. They exist so tests can build exactly the malformed
 * or unusual files they need without Python.
 */
import { deflateRawSync } from "node:zlib";
import { crc32 } from "../../compiler/weights/crc32";

export class PickleWriter {
  private readonly out: number[] = [];

  op(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }
  proto(v = 2): this {
    return this.op(0x80, v);
  }
  stop(): this {
    return this.op(0x2e);
  }
  mark(): this {
    return this.op(0x28);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  tuple(): this {
    return this.op(0x74);
  }
  setitem(): this {
    return this.op(0x73);
  }
  setitems(): this {
    return this.op(0x75);
  }
  appends(): this {
    return this.op(0x65);
  }
  reduce(): this {
    return this.op(0x52);
  }
  build(): this {
    return this.op(0x62);
  }
  newobj(): this {
    return this.op(0x81);
  }
  binpersid(): this {
    return this.op(0x51);
  }
  none(): this {
    return this.op(0x4e);
  }
  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89);
  }
  binput(i: number): this {
    return this.op(0x71, i);
  }
  binget(i: number): this {
    return this.op(0x68, i);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    if (n >= 0 && n < 65536) return this.op(0x4d, n & 0xff, n >> 8);
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.op(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
    // LONG1, little-endian two's complement
    let v = BigInt(n);
    const bytes: number[] = [];
    do {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    } while (!(v === 0n && (bytes[bytes.length - 1]! & 0x80) === 0) && !(v === -1n && (bytes[bytes.length - 1]! & 0x80) !== 0));
    return this.op(0x8a, bytes.length, ...bytes);
  }
  float(f: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, f, false);
    return this.op(0x47, ...b);
  }
  str(s: string): this {
    const b = Buffer.from(s, "utf8");
    if (b.length < 256) return this.op(0x8c, b.length).raw(b);
    return this.op(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24).raw(b);
  }
  global(module: string, name: string): this {
    return this.op(0x63).raw(Buffer.from(`${module}\n${name}\n`, "latin1"));
  }
  ints(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export interface TensorRef {
  storageType: string; // e.g. 'FloatStorage'
  key: string;
  storageNumel: number;
  offset?: number;
  size: number[];
  stride?: number[];
  /** wrap in torch._utils._rebuild_parameter as nn.Parameter pickles */
  parameter?: boolean;
}

export function contiguousStride(size: number[]): number[] {
  const s = new Array<number>(size.length);
  let acc = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= size[d]!;
  }
  return s;
}

/** Emits the value torch.save writes for one tensor. */
export function writeTensor(w: PickleWriter, t: TensorRef): PickleWriter {
  if (t.parameter) w.global("torch._utils", "_rebuild_parameter").mark();
  w.global("torch._utils", "_rebuild_tensor_v2").mark();
  w.mark().str("storage").global("torch", t.storageType).str(t.key).str("cpu").int(t.storageNumel).tuple().binpersid();
  w.int(t.offset ?? 0)
    .ints(t.size)
    .ints(t.stride ?? contiguousStride(t.size))
    .bool(false);
  w.global("collections", "OrderedDict").emptyTuple().reduce();
  w.tuple().reduce();
  if (t.parameter) w.bool(true).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
  return w;
}

/** Emits an OrderedDict of tensors as `state_dict()` pickles it (with a `_metadata` BUILD). */
export function writeStateDict(w: PickleWriter, tensors: [string, TensorRef][]): PickleWriter {
  w.global("collections", "OrderedDict").emptyTuple().reduce().mark();
  for (const [name, t] of tensors) writeTensor(w.str(name), t);
  w.setitems();
  w.mark().str("_metadata").global("collections", "OrderedDict").emptyTuple().reduce().op(0x64 /* DICT */).build();
  return w;
}

export interface ZipInput {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
}

/**
 * A zip archive; stored entries' data start on 64-byte boundaries as in PyTorch's writer.
 * `zip64` saturates the 32-bit central directory fields and moves them to zip64 records;
 * `noCrc` records 0 for every entry, as PyTorch does under `torch.serialization.set_crc32_options(False)`.
 */
export function writeZip(files: ZipInput[], opts: { align?: number; zip64?: boolean; noCrc?: boolean } = {}): Uint8Array {
  const align = opts.align ?? 64;
  const z64 = opts.zip64 ?? false;
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array): void => {
    chunks.push(b);
    offset += b.byteLength;
  };
  for (const f of files) {
    const name = Buffer.from(f.name, "utf8");
    const body = f.deflate ? new Uint8Array(deflateRawSync(f.data)) : f.data;
    const crc = opts.noCrc ? 0 : crc32(f.data);
    const headerOffset = offset;
    let pad = 0;
    if (!f.deflate && align > 1) {
      const dataAt = offset + 30 + name.length + 4;
      pad = (align - (dataAt % align)) % align;
    }
    const extraLen = !f.deflate && align > 1 ? 4 + pad : 0;
    const local = Buffer.alloc(30 + name.length + extraLen);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(f.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(f.data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extraLen, 28);
    name.copy(local, 30);
    if (extraLen) {
      local.writeUInt16LE(0x4650, 30 + name.length); // an unregistered id, used only as padding
      local.writeUInt16LE(pad, 32 + name.length);
    }
    push(local);
    push(body);

    const c = Buffer.alloc(46 + name.length + (z64 ? 28 : 0));
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(45, 4);
    c.writeUInt16LE(z64 ? 45 : 20, 6);
    c.writeUInt16LE(0, 8);
    c.writeUInt16LE(f.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(z64 ? 0xffffffff : body.byteLength, 20);
    c.writeUInt32LE(z64 ? 0xffffffff : f.data.byteLength, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(z64 ? 28 : 0, 30);
    c.writeUInt32LE(z64 ? 0xffffffff : headerOffset, 42);
    name.copy(c, 46);
    if (z64) {
      const e = 46 + name.length;
      c.writeUInt16LE(0x0001, e);
      c.writeUInt16LE(24, e + 2);
      c.writeBigUInt64LE(BigInt(f.data.byteLength), e + 4);
      c.writeBigUInt64LE(BigInt(body.byteLength), e + 12);
      c.writeBigUInt64LE(BigInt(headerOffset), e + 20);
    }
    central.push(c);
  }
  const cdOffset = offset;
  for (const c of central) push(c);
  const cdSize = offset - cdOffset;
  if (z64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(files.length), 24);
    rec.writeBigUInt64LE(BigInt(files.length), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset), 8);
    locator.writeUInt32LE(1, 16);
    push(rec);
    push(locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(z64 ? 0xffff : files.length, 8);
  eocd.writeUInt16LE(z64 ? 0xffff : files.length, 10);
  eocd.writeUInt32LE(z64 ? 0xffffffff : cdSize, 12);
  eocd.writeUInt32LE(z64 ? 0xffffffff : cdOffset, 16);
  push(eocd);
  const out = new Uint8Array(offset);
  let p = 0;
  for (const ch of chunks) {
    out.set(ch, p);
    p += ch.byteLength;
  }
  return out;
}

/** A torch.save-shaped archive: `<prefix>/data.pkl`, `<prefix>/data/<key>`, `<prefix>/version`. */
export function writeTorchZip(
  pickle: Uint8Array,
  storages: Record<string, Uint8Array>,
  opts: { prefix?: string; deflate?: boolean; zip64?: boolean } = {},
): Uint8Array {
  const prefix = opts.prefix ?? "archive";
  const files: ZipInput[] = [{ name: `${prefix}/data.pkl`, data: pickle, deflate: opts.deflate }];
  for (const [key, data] of Object.entries(storages)) files.push({ name: `${prefix}/data/${key}`, data, deflate: opts.deflate });
  files.push({ name: `${prefix}/version`, data: Buffer.from("3\n") });
  return writeZip(files, { zip64: opts.zip64 });
}

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/** A safetensors file; `header` overrides let tests write inconsistent headers. */
export function writeSafetensors(
  tensors: Record<string, SafetensorsEntry>,
  opts: { metadata?: Record<string, string>; header?: Record<string, unknown> } = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  let off = 0;
  const bodies: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
    bodies.push(t.data);
  }
  Object.assign(header, opts.header ?? {});
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + json.length) % 8)) % 8);
  const h = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + h.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let p = 8 + h.length;
  for (const b of bodies) {
    out.set(b, p);
    p += b.byteLength;
  }
  return out;
}

export function f32bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** A fixed pseudo-random byte stream (xorshift), so failures reproduce. */
export function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
