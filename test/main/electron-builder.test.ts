// The packaging config, checked without running electron-builder (which would download Electron):
// targets per platform, the files that must ship, native code kept out of the asar, a real icon.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
}

// js-yaml comes with electron-builder (the reader it uses itself); it ships no types.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('electron-builder.yml', () => {
  it('names the app and ships the built app, package.json and the native addon', () => {
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('catnet');
    for (const f of ['dist/**', 'package.json', 'build/Release/*.node', 'assets/icon.png'])
      expect(config.files).toContain(f);
    // package.json's "main" must be inside what ships
    expect(pkg.main).toBe('dist/main/main.mjs');
  });

  it('keeps native code out of the asar archive', () => {
    for (const f of ['**/*.node', 'node_modules/sharp/**', 'node_modules/onnxruntime-node/**'])
      expect(config.asarUnpack).toContain(f);
  });

  it('builds AppImage + deb, dmg and nsis with a 512x512 PNG icon', async () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) {
      const meta = await sharp(icon).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);
    }
  });
});
