// A progressive 4:4:4 JPEG of one flat colour at any size, written directly (no encoder: encoding
// 100 MP with sharp or Pillow takes 20-30 s here). Its one DC scan costs about 2 bits per 8x8 block,
// so a 10000x10000 file is about 0.6 MB, yet libjpeg must allocate the whole image's coefficient
// buffer (width x height x 3 components x 2 bytes: 600 MB) to decode it: the memory test's input.

/** Huffman code lengths: symbol 0 (a zero DC difference) is '0'; categories 1..11 are 5 bits. */
const DC_COUNTS = [1, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;
  put(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }
  finish(): Buffer {
    while (this.n !== 0) this.put(1, 1); // pad with 1-bits
    return Buffer.from(this.bytes);
  }
}

const segment = (marker: number, body: number[]) => [
  0xff,
  marker,
  (body.length + 2) >> 8,
  (body.length + 2) & 0xff,
  ...body,
];

/** A progressive (SOF2) baseline-Huffman 4:4:4 JPEG of `width` x `height` pixels, all `rgb`. */
export function flatProgressiveJpeg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const [r, g, b] = rgb;
  const ycc = [
    0.299 * r + 0.587 * g + 0.114 * b,
    -0.168736 * r - 0.331264 * g + 0.5 * b + 128,
    0.5 * r - 0.418688 * g - 0.081312 * b + 128,
  ];
  const dc = ycc.map((v) => Math.round((v - 128) * 8)); // quantiser 1: DC = 8 x (mean - 128)
  const head = [
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF
    ...segment(0xdb, [0, ...new Array(64).fill(1)]),
    ...segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
    ...segment(0xc4, [0x00, ...DC_COUNTS, ...DC_SYMBOLS]),
    ...segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0x00]),
  ];
  const code = (category: number) => 0b10000 + category - 1; // canonical codes of DC_COUNTS
  const bits = new BitWriter();
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let k = 0; k < blocks; k++)
    for (const value of dc) {
      if (k > 0 || value === 0) {
        bits.put(0, 1); // difference 0
        continue;
      }
      const category = Math.ceil(Math.log2(Math.abs(value) + 1));
      bits.put(code(category), 5);
      bits.put(value > 0 ? value : value + (1 << category) - 1, category);
    }
  return Buffer.concat([Buffer.from(head), bits.finish(), Buffer.from([0xff, 0xd9])]);
}
