// Draws Switchyard's icons (a track splitting in two: one address, many routes) and writes them as PNGs beside
// this file. No image library and no download: shapes are signed distance functions, PNG is written by hand.
// Run `node resources/icons/generate.mjs` after changing the drawing; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const indigo = [79, 70, 229];
const violet = [124, 58, 237];
const white = [255, 255, 255];
const black = [0, 0, 0];

/** Distance from point p to segment ab. */
function segmentDistance(px, py, ax, ay, bx, by) {
  const abx = bx - ax;
  const aby = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * abx + (py - ay) * aby) / (abx * abx + aby * aby)));
  return Math.hypot(px - ax - t * abx, py - ay - t * aby);
}

/** Signed distance to a rounded square covering [0,1]², corner radius r (negative inside). */
function roundedSquareDistance(x, y, r) {
  const qx = Math.abs(x - 0.5) - (0.5 - r);
  const qy = Math.abs(y - 0.5) - (0.5 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Signed distance to the track: a stem that splits into two branches, with a dot at each end. */
function trackDistance(x, y, scale) {
  const stroke = 0.085 * scale;
  const junction = [0.5, 0.56];
  const ends = [
    [0.5, 0.86],
    [0.27, 0.2],
    [0.73, 0.2],
  ];
  let distance = Infinity;
  for (const [ex, ey] of ends) distance = Math.min(distance, segmentDistance(x, y, junction[0], junction[1], ex, ey) - stroke / 2);
  for (const [ex, ey] of ends) distance = Math.min(distance, Math.hypot(x - ex, y - ey) - stroke * 0.95);
  return distance;
}

function coverage(signedDistancePixels) {
  return Math.max(0, Math.min(1, 0.5 - signedDistancePixels));
}

/** style 'app': white track on a gradient tile; 'template': black track on transparent (macOS menu bar). */
function draw(size, style) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      const x = (column + 0.5) / size;
      const y = (row + 0.5) / size;
      const trackScale = style === 'template' ? 1.5 : 1;
      const track = coverage(trackDistance(x, y, trackScale) * size);
      let color;
      let alpha;
      if (style === 'template') {
        color = black;
        alpha = track;
      } else {
        const tile = coverage(roundedSquareDistance(x, y, 0.22) * size);
        const t = (x + y) / 2;
        const background = indigo.map((channel, index) => channel + (violet[index] - channel) * t);
        color = background.map((channel, index) => channel + (white[index] - channel) * track);
        alpha = tile;
      }
      const offset = (row * size + column) * 4;
      pixels[offset] = Math.round(color[0]);
      pixels[offset + 1] = Math.round(color[1]);
      pixels[offset + 2] = Math.round(color[2]);
      pixels[offset + 3] = Math.round(alpha * 255);
    }
  }
  return encodePng(size, size, pixels);
}

const crcTable = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let row = 0; row < height; row += 1) rgba.copy(rows, row * (width * 4 + 1) + 1, row * width * 4, (row + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outputs = [
  ['icon.png', 512, 'app'],
  ['tray.png', 16, 'app'],
  ['tray@2x.png', 32, 'app'],
  ['trayTemplate.png', 16, 'template'],
  ['trayTemplate@2x.png', 32, 'template'],
];

for (const [name, size, style] of outputs) {
  writeFileSync(new URL(name, import.meta.url), draw(size, style));
  console.log(`wrote resources/icons/${name} (${size}x${size})`);
}
