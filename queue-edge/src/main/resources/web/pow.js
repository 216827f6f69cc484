// The proof of work of an anonymous join: a nonce (decimal digits) such that SHA-256(challenge + ":" + nonce)
// starts with difficultyBits zero bits (2^bits hashes on average). Plain JavaScript SHA-256 rather than WebCrypto:
// for a 100-byte message, WebCrypto's promise per call costs more than the hash itself. The challenge's whole
// 64-byte blocks are hashed once; each try hashes only the last block or two. Every batch yields to the page.

const BATCH = 4096;

// Round constants and initial hash: the fractional parts of the cube and square roots of the first primes.
const PRIMES = [];
for (let n = 2; PRIMES.length < 64; n += 1) {
  if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n);
}
const frac32 = (x) => Math.floor((x - Math.floor(x)) * 0x100000000) >>> 0;
const K = Uint32Array.from(PRIMES, (p) => frac32(Math.cbrt(p)));
const H0 = Uint32Array.from(PRIMES.slice(0, 8), (p) => frac32(Math.sqrt(p)));

const W = new Uint32Array(64);

/** One SHA-256 compression of the 64 bytes of {@code block} at {@code offset} into {@code h} (in place). */
function compress(h, block, offset) {
  for (let i = 0; i < 16; i += 1) {
    const j = offset + i * 4;
    W[i] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3];
  }
  for (let i = 16; i < 64; i += 1) {
    const a = W[i - 15];
    const b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let [a, b, c, d, e, f, g, hh] = h;
  for (let i = 0; i < 64; i += 1) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/**
 * SHA-256 of {@code prefix} bytes followed by {@code suffix} bytes, where {@code mid} is the state after prefix's
 * first {@code wholeBytes} (whole blocks). {@code scratch} caches the padded last blocks by suffix length, so a try
 * allocates nothing.
 */
function digest(mid, prefix, wholeBytes, suffix, scratch = new Map(), h = new Uint32Array(8)) {
  const tail = prefix.length - wholeBytes;
  let buf = scratch.get(suffix.length);
  if (!buf) {
    const length = prefix.length + suffix.length;
    buf = new Uint8Array(Math.ceil((tail + suffix.length + 9) / 64) * 64);
    buf.set(prefix.subarray(wholeBytes), 0);
    buf[tail + suffix.length] = 0x80;
    const bits = length * 8;
    buf[buf.length - 4] = (bits >>> 24) & 0xff;
    buf[buf.length - 3] = (bits >>> 16) & 0xff;
    buf[buf.length - 2] = (bits >>> 8) & 0xff;
    buf[buf.length - 1] = bits & 0xff;
    scratch.set(suffix.length, buf);
  }
  buf.set(suffix, tail);
  h.set(mid);
  for (let off = 0; off < buf.length; off += 64) compress(h, buf, off);
  return h;
}

/** Leading zero bits of a digest given as 8 big-endian 32-bit words. */
function leadingZeroBits(h) {
  let bits = 0;
  for (const word of h) {
    if (word === 0) { bits += 32; continue; }
    return bits + Math.clz32(word);
  }
  return bits;
}

/** The hex SHA-256 of a string (for checking this implementation against others). */
export function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const h = digest(H0, bytes, 0, new Uint8Array(0));
  return Array.from(h, (w) => w.toString(16).padStart(8, '0')).join('');
}

/**
 * Finds the nonce of a challenge as POST .../queue/challenge answers it ({challenge, difficultyBits}); resolves with
 * the nonce as a string. Gives the page the main thread back after every few thousand tries.
 */
export async function solveChallenge({ challenge, difficultyBits }) {
  const prefix = new TextEncoder().encode(`${challenge}:`);
  const wholeBytes = prefix.length - (prefix.length % 64);
  const mid = Uint32Array.from(H0);
  for (let off = 0; off < wholeBytes; off += 64) compress(mid, prefix, off);
  const digits = new Uint8Array(20);
  const scratch = new Map();
  const h = new Uint32Array(8);
  for (let n = 0; ; n += 1) {
    const text = String(n);
    for (let i = 0; i < text.length; i += 1) digits[i] = text.charCodeAt(i);
    if (leadingZeroBits(digest(mid, prefix, wholeBytes, digits.subarray(0, text.length), scratch, h))
        >= difficultyBits) {
      return text;
    }
    if (n % BATCH === BATCH - 1) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
