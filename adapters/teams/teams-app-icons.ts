import { deflateSync } from 'node:zlib';

/** An RGBA image: `width × height` pixels, 4 bytes each, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes an RGBA image as a PNG (8-bit RGBA, no interlace, filter 0 on every row). */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, pixels } = image;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

type Rgba = readonly [number, number, number, number];

function paint(size: number, colourAt: (x: number, y: number) => Rgba): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) pixels.set(colourAt(x, y), (y * size + x) * 4);
  return { width: size, height: size, pixels };
}

/** The pulse line (a heartbeat: flat, spike up, spike down, flat) in a unit square. */
const PULSE: readonly (readonly [number, number])[] = [
  [0.12, 0.55],
  [0.36, 0.55],
  [0.45, 0.3],
  [0.56, 0.75],
  [0.64, 0.55],
  [0.88, 0.55],
];

/** True within `half` pixels of the pulse line drawn across a `size` square. */
function onPulse(x: number, y: number, size: number, half: number): boolean {
  for (let i = 1; i < PULSE.length; i++) {
    const [ax, ay] = [PULSE[i - 1]![0] * size, PULSE[i - 1]![1] * size];
    const [bx, by] = [PULSE[i]![0] * size, PULSE[i]![1] * size];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = Math.max(0, Math.min(1, ((x + 0.5 - ax) * (bx - ax) + (y + 0.5 - ay) * (by - ay)) / len2));
    if (Math.hypot(x + 0.5 - (ax + t * (bx - ax)), y + 0.5 - (ay + t * (by - ay))) <= half) return true;
  }
  return false;
}

/** The 192×192 colour icon: a white heartbeat line on drbot red. */
export function colorIcon(): RgbaImage {
  return paint(192, (x, y) => (onPulse(x, y, 192, 7) ? [255, 255, 255, 255] : [198, 40, 40, 255]));
}

/** The 32×32 outline icon: the same line in white on a transparent background (Teams' rule for outline icons). */
export function outlineIcon(): RgbaImage {
  return paint(32, (x, y) => (onPulse(x, y, 32, 1.6) ? [255, 255, 255, 255] : [0, 0, 0, 0]));
}
