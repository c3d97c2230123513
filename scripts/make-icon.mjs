// Draws catnet's app icon (our own art): a cat's head made of a small neural network's nodes on a
// rounded square. Writes assets/icon.png (512x512), which electron-builder turns into the platform
// icons. Run `node scripts/make-icon.mjs` after changing the drawing; the PNG is committed.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const size = 512;

// Nodes of the "network" that draw the head: ears, eyes, nose; edges join them like layers.
const nodes = {
  earL: [150, 110],
  earR: [362, 110],
  top: [256, 170],
  eyeL: [196, 262],
  eyeR: [316, 262],
  cheekL: [136, 320],
  cheekR: [376, 320],
  nose: [256, 320],
  chin: [256, 404],
};
const edges = [
  ['earL', 'top'],
  ['earR', 'top'],
  ['earL', 'cheekL'],
  ['earR', 'cheekR'],
  ['top', 'eyeL'],
  ['top', 'eyeR'],
  ['eyeL', 'nose'],
  ['eyeR', 'nose'],
  ['cheekL', 'eyeL'],
  ['cheekR', 'eyeR'],
  ['cheekL', 'chin'],
  ['cheekR', 'chin'],
  ['nose', 'chin'],
];
const line = ([a, b]) => `<line x1="${nodes[a][0]}" y1="${nodes[a][1]}" x2="${nodes[b][0]}" y2="${nodes[b][1]}" />`;
const dot = ([x, y], r, fill) => `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}" />`;

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#2b3a67"/>
      <stop offset="1" stop-color="#151a2e"/>
    </linearGradient>
  </defs>
  <rect x="16" y="16" width="480" height="480" rx="104" fill="url(#bg)"/>
  <g stroke="#8fb3ff" stroke-width="10" stroke-linecap="round" opacity="0.85">${edges.map(line).join('')}</g>
  ${dot(nodes.earL, 24, '#ffb347')}${dot(nodes.earR, 24, '#ffb347')}${dot(nodes.top, 20, '#c9d8ff')}
  ${dot(nodes.cheekL, 20, '#c9d8ff')}${dot(nodes.cheekR, 20, '#c9d8ff')}${dot(nodes.chin, 20, '#c9d8ff')}
  ${dot(nodes.eyeL, 30, '#7CFFB2')}${dot(nodes.eyeR, 30, '#7CFFB2')}${dot(nodes.nose, 18, '#ff7a8a')}
</svg>`;

await mkdir(join(root, 'assets'), { recursive: true });
await sharp(Buffer.from(svg))
  .png({ compressionLevel: 9 })
  .toFile(join(root, 'assets', 'icon.png'));
const meta = await sharp(join(root, 'assets', 'icon.png')).metadata();
console.error(`catnet: wrote assets/icon.png (${meta.width}x${meta.height})`);
