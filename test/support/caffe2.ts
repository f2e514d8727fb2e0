/**
 * Writes Caffe2 checkpoints as Python 2's cPickle writes them (protocol 2),
 * opcode by opcode: `{'blobs': {name: ndarray}}` with SHORT_BINSTRING/BINSTRING
 * for str, BINPUT memo slots for every object, numpy arrays as
 * `_reconstruct(ndarray, (0,), 'b')` + BUILD, and dtypes as `dtype('f4', 0, 1)`
 * + BUILD (memoised once per dtype and fetched with BINGET after that, as the
 * pickler does for numpy's singleton dtype objects). Python 3's pickler writes
 * other bytes (BINUNICODE, _codecs.encode for bytes), so it cannot stand in.
 *
 * Also the inverse of PySlowFast's Caffe2 names, written independently of the
 * compiler's rules so the two check each other.
 */

export type NumpyType = "f4" | "f8" | "i8" | "i4";

export interface Blob {
  type: NumpyType;
  shape: number[];
  /** Little-endian element bytes in the array's memory order. */
  data: Uint8Array;
  fortran?: boolean;
}

class Py2Pickler {
  private readonly chunks: Uint8Array[] = [];
  private small: number[] = [];
  private memo = 0;
  private readonly dtypes = new Map<string, number>();

  op(...bytes: number[]): this {
    this.small.push(...bytes);
    return this;
  }
  private flush(): void {
    if (this.small.length) this.chunks.push(Uint8Array.from(this.small));
    this.small = [];
  }
  put(): number {
    const slot = ++this.memo;
    if (slot < 256) this.op(0x71, slot);
    else this.op(0x72, slot & 0xff, (slot >> 8) & 0xff, (slot >> 16) & 0xff, slot >>> 24);
    return slot;
  }
  get(slot: number): this {
    return slot < 256 ? this.op(0x68, slot) : this.op(0x6a, slot & 0xff, (slot >> 8) & 0xff, (slot >> 16) & 0xff, slot >>> 24);
  }
  /** A Python 2 str: SHORT_BINSTRING under 256 bytes, else BINSTRING with the bytes as they are. */
  str(s: string | Uint8Array): this {
    const b = typeof s === "string" ? Buffer.from(s, "latin1") : s;
    if (b.byteLength < 256) this.op(0x55, b.byteLength);
    else this.op(0x54, b.byteLength & 0xff, (b.byteLength >> 8) & 0xff, (b.byteLength >> 16) & 0xff, b.byteLength >>> 24);
    if (b.byteLength > 4096) {
      this.flush();
      this.chunks.push(b);
    } else this.op(...b);
    return this;
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    if (n >= 0 && n < 65536) return this.op(0x4d, n & 0xff, n >> 8);
    return this.op(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  }
  global(module: string, name: string): this {
    this.op(0x63, ...Buffer.from(`${module}\n${name}\n`, "latin1"));
    this.put();
    return this;
  }
  tuple(items: (() => void)[]): this {
    // Protocol 2 spells short tuples TUPLE1..3 and longer ones MARK ... TUPLE.
    if (items.length === 0) this.op(0x29);
    else if (items.length <= 3) {
      for (const f of items) f();
      this.op(0x84 + items.length);
    } else {
      this.op(0x28);
      for (const f of items) f();
      this.op(0x74);
    }
    this.put();
    return this;
  }
  dtype(type: NumpyType): this {
    const known = this.dtypes.get(type);
    if (known !== undefined) return this.get(known);
    this.global("numpy", "dtype");
    this.tuple([() => this.str(type), () => this.int(0), () => this.int(1)]);
    this.op(0x52);
    this.dtypes.set(type, this.put());
    // numpy 1.x state: (3, byteorder, subarray, names, fields, elsize, alignment, flags)
    const order = type.startsWith("i") || type.startsWith("f") ? "<" : "|";
    this.op(0x28).int(3).str(order).op(0x4e, 0x4e, 0x4e).op(0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff).int(0).op(0x74);
    this.put();
    return this.op(0x62);
  }
  array(blob: Blob): this {
    this.global("numpy.core.multiarray", "_reconstruct");
    this.global("numpy", "ndarray");
    this.tuple([() => this.int(0)]);
    this.str("b");
    this.put();
    this.op(0x87); // TUPLE3 of (ndarray, (0,), 'b')
    this.put();
    this.op(0x52);
    this.put();
    this.op(0x28).int(1);
    this.tuple(blob.shape.map((d) => () => this.int(d)));
    this.dtype(blob.type);
    this.op(blob.fortran ? 0x88 : 0x89);
    this.str(blob.data);
    this.op(0x74);
    this.put();
    return this.op(0x62);
  }
  bytes(): Uint8Array {
    this.flush();
    const n = this.chunks.reduce((a, c) => a + c.byteLength, 0);
    const out = new Uint8Array(n);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.byteLength;
    }
    return out;
  }
}

/** `cPickle.dump({'blobs': blobs}, f, 2)` under Python 2, with `extra` top-level entries of raw opcodes. */
export function writeCaffe2Pickle(blobs: [string, Blob][], opts: { extra?: (p: Py2Pickler) => void } = {}): Uint8Array {
  const p = new Py2Pickler();
  p.op(0x80, 2, 0x7d);
  p.put();
  p.str("blobs");
  p.put();
  p.op(0x7d);
  p.put();
  // cPickle batches dict items by 1000 between MARK and SETITEMS.
  for (let i = 0; i < blobs.length; i += 1000) {
    p.op(0x28);
    for (const [name, blob] of blobs.slice(i, i + 1000)) {
      p.str(name);
      p.put();
      p.array(blob);
    }
    p.op(0x75);
  }
  p.op(0x73); // SETITEM 'blobs' on the outer dict
  opts.extra?.(p);
  return p.op(0x2e).bytes();
}

export type { Py2Pickler };

/**
 * PySlowFast's name to the Caffe2 blob name it is converted from. `lastBlock`
 * gives each stage's last Fast block index, after which the lateral is named.
 */
export function caffe2Name(pyslowfast: string, lastBlock: ReadonlyMap<number, number>): string {
  const suffix: Record<string, string> = { weight: "s", bias: "b", running_mean: "rm", running_var: "riv" };
  const bn = (param: string): string => suffix[param]!;
  const wb = (param: string): string => (param === "weight" ? "w" : "b");
  let m: RegExpExecArray | null;
  if ((m = /^head\.projection\.(weight|bias)$/.exec(pyslowfast))) return `pred_${wb(m[1]!)}`;
  if ((m = /^s1\.pathway([01])_stem\.conv\.(weight|bias)$/.exec(pyslowfast))) return `${m[1] === "1" ? "t_" : ""}conv1_${wb(m[2]!)}`;
  if ((m = /^s1\.pathway([01])_stem\.bn\.(\w+)$/.exec(pyslowfast))) return `${m[1] === "1" ? "t_" : ""}res_conv1_bn_${bn(m[2]!)}`;
  if ((m = /^s1_fuse\.conv_f2s\.(weight|bias)$/.exec(pyslowfast))) return `t_pool1_subsample_${wb(m[1]!)}`;
  if ((m = /^s1_fuse\.bn\.(\w+)$/.exec(pyslowfast))) return `t_pool1_subsample_bn_${bn(m[1]!)}`;
  if ((m = /^s(\d)_fuse\.conv_f2s\.(weight|bias)$/.exec(pyslowfast))) return `t_res${m[1]}_${lastBlock.get(Number(m[1]))}_branch2c_bn_subsample_${wb(m[2]!)}`;
  if ((m = /^s(\d)_fuse\.bn\.(\w+)$/.exec(pyslowfast))) return `t_res${m[1]}_${lastBlock.get(Number(m[1]))}_branch2c_bn_subsample_bn_${bn(m[2]!)}`;
  if ((m = /^s(\d)\.pathway([01])_res(\d+)\.branch2\.([abc])\.(weight|bias)$/.exec(pyslowfast)))
    return `${m[2] === "1" ? "t_" : ""}res${m[1]}_${m[3]}_branch2${m[4]}_${wb(m[5]!)}`;
  if ((m = /^s(\d)\.pathway([01])_res(\d+)\.branch2\.([abc])_bn\.(\w+)$/.exec(pyslowfast)))
    return `${m[2] === "1" ? "t_" : ""}res${m[1]}_${m[3]}_branch2${m[4]}_bn_${bn(m[5]!)}`;
  if ((m = /^s(\d)\.pathway([01])_res(\d+)\.branch1\.(weight|bias)$/.exec(pyslowfast)))
    return `${m[2] === "1" ? "t_" : ""}res${m[1]}_${m[3]}_branch1_${wb(m[4]!)}`;
  if ((m = /^s(\d)\.pathway([01])_res(\d+)\.branch1_bn\.(\w+)$/.exec(pyslowfast)))
    return `${m[2] === "1" ? "t_" : ""}res${m[1]}_${m[3]}_branch1_bn_${bn(m[4]!)}`;
  if ((m = /^s(\d)\.pathway0_nonlocal(\d+)\.conv_(theta|phi|g|out)\.(weight|bias)$/.exec(pyslowfast)))
    return `nonlocal_conv${m[1]}_${m[2]}_${m[3]}_${wb(m[4]!)}`;
  if ((m = /^s(\d)\.pathway0_nonlocal(\d+)\.bn\.(\w+)$/.exec(pyslowfast))) return `nonlocal_conv${m[1]}_${m[2]}_bn_${bn(m[3]!)}`;
  throw new Error(`no Caffe2 name for ${pyslowfast}`);
}

/** Each stage's last Fast block index, from PySlowFast names. */
export function lastFastBlocks(names: Iterable<string>): Map<number, number> {
  const last = new Map<number, number>();
  for (const n of names) {
    const m = /^s(\d)\.pathway1_res(\d+)\./.exec(n);
    if (m) last.set(Number(m[1]), Math.max(last.get(Number(m[1])) ?? 0, Number(m[2])));
  }
  return last;
}
