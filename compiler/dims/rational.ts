/** Integers in [−SMALL_LIMIT, SMALL_LIMIT] are shared objects: most of what shapes hold. */
const SMALL_LIMIT = 1024;

/** 10^15: a side below it has at most 15 digits. */
const SMALL_SIDE = 1_000_000_000_000_000n;

/** Exact rationals over bigint: β = 1/8 stays 1/8, never 0.125. */
export class Rational {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  private static readonly SMALL: readonly Rational[] = Array.from({ length: 2 * SMALL_LIMIT + 1 }, (_, i) => new Rational(BigInt(i - SMALL_LIMIT), 1n));
  static readonly ZERO = Rational.SMALL[SMALL_LIMIT]!;
  static readonly ONE = Rational.SMALL[SMALL_LIMIT + 1]!;

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    // Small integers are most of what shapes hold: share one object each.
    if (den === 1n || den === 1) {
      const cached = Rational.small(num);
      if (cached !== undefined) return cached;
    }
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError("rational with zero denominator");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return g === 1n ? new Rational(n, d) : new Rational(n / g, d / g);
  }

  /**
   * Parses "12", "-3", "0.5", "1e-5", "2.5E3" exactly. Undefined when the text
   * is not a decimal, or when its exact value would need more than maxDigits
   * digits (1e999999999 would be a billion-digit integer): callers say which.
   */
  static parseDecimal(text: string, maxDigits = 1000): Rational | undefined {
    const m = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!m) return undefined;
    const fraction = m[3] ?? "";
    const exponent = Number(m[4] ?? "0");
    if (!Number.isSafeInteger(exponent) || m[2]!.length + fraction.length + Math.abs(exponent) > maxDigits) return undefined;
    let num = BigInt(m[2] + fraction);
    let den = 10n ** BigInt(fraction.length);
    if (exponent > 0) num *= 10n ** BigInt(exponent);
    else den *= 10n ** BigInt(-exponent);
    return Rational.of(m[1] ? -num : num, den);
  }

  /** An integer, without the gcd that a general fraction needs. */
  private static integer(n: bigint): Rational {
    return Rational.small(n) ?? new Rational(n, 1n);
  }

  private static small(value: bigint | number): Rational | undefined {
    if (typeof value === "number") {
      return Number.isInteger(value) && Math.abs(value) <= SMALL_LIMIT ? Rational.SMALL[value + SMALL_LIMIT] : undefined;
    }
    return value >= -SMALL_LIMIT && value <= SMALL_LIMIT ? Rational.SMALL[Number(value) + SMALL_LIMIT] : undefined;
  }

  isZero(): boolean {
    return this.num === 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }
  add(o: Rational): Rational {
    if (this.den === 1n && o.den === 1n) return Rational.integer(this.num + o.num);
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    if (this.den === 1n && o.den === 1n) return Rational.integer(this.num - o.num);
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    if (this.den === 1n && o.den === 1n) return Rational.integer(this.num * o.num);
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError("division by zero");
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  floor(): bigint {
    const q = this.num / this.den;
    return this.num < 0n && q * this.den !== this.num ? q - 1n : q;
  }
  ceil(): bigint {
    return -this.neg().floor();
  }
  equals(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  compare(o: Rational): -1 | 0 | 1 {
    const left = this.num * o.den;
    const right = o.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }
  /**
   * Whether the numerator takes more than `max` digits, or the denominator
   * more than `max` after its first (10^999 counts 999). No decimal that
   * parseDecimal takes with `max` digits exceeds them: m·10^e reduces to at
   * most that many digits over 1, or m over a power of ten of at most
   * `max` zeros.
   */
  exceedsDigits(max: number): boolean {
    const magnitude = this.num < 0n ? -this.num : this.num;
    // Both sides below 10^15: at most 15 digits each, known without converting them to text.
    if (max >= 15 && magnitude < SMALL_SIDE && this.den < SMALL_SIDE) return false;
    return magnitude.toString().length > max || (this.den !== 1n && this.den.toString().length - 1 > max);
  }
  /** A safe JS number, or undefined when the value is not an integer or too large. */
  toSafeInteger(): number | undefined {
    if (this.den !== 1n) return undefined;
    const n = Number(this.num);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  toNumber(): number {
    const n = Number(this.num);
    const d = Number(this.den);
    if (Number.isFinite(n) && Number.isFinite(d)) return n / d;
    // Past 2^1024 a side reads as Infinity (and both as NaN): divide the
    // leading 64 bits of each and put the dropped bits back as a power of two,
    // applied in two halves since 2^e alone may overflow where the value does not.
    const magnitude = this.num < 0n ? -this.num : this.num;
    const sn = Math.max(0, bitLength(magnitude) - 64);
    const sd = Math.max(0, bitLength(this.den) - 64);
    const e = sn - sd;
    const half = Math.trunc(e / 2);
    const v = (Number(magnitude >> BigInt(sn)) / Number(this.den >> BigInt(sd))) * 2 ** half * 2 ** (e - half);
    return this.num < 0n ? -v : v;
  }
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
}

/** The non-negative gcd; 1 for gcd(0, 0), so that dividing by it is always safe. */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  // Not [a, b] = [b, a % b]: until V8 optimises this, each step would allocate an array and its iterator.
  while (b !== 0n) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a === 0n ? 1n : a;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}
