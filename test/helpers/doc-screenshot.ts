// A screenshot of part of the page for the README: always written to test-output/, and with
// CATNET_UPDATE_SCREENSHOT=1 also to docs/<name>.png as a small palette PNG (under 200 KB).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';

/** `target`: an element, or the page from the top down to the bottom of an element. */
export async function docScreenshot(
  target: Locator | { page: Page; downTo: Locator },
  outDir: string,
  name: string,
): Promise<void> {
  const file = join(outDir, `${name}.png`);
  if ('downTo' in target) {
    const box = await target.downTo.boundingBox();
    const width = target.page.viewportSize()?.width ?? 1280;
    await target.page.screenshot({
      path: file,
      clip: { x: 0, y: 0, width, height: (box?.y ?? 0) + (box?.height ?? 600) + 8 },
    });
  } else {
    await target.screenshot({ path: file });
  }
  if (process.env.CATNET_UPDATE_SCREENSHOT !== '1') return;
  const png = await sharp(file).png({ palette: true, quality: 70, compressionLevel: 9, effort: 10 }).toBuffer();
  if (png.length > 200 * 1024) throw new Error(`docs/${name}.png would be ${png.length} bytes; crop the screenshot`);
  writeFileSync(join('docs', `${name}.png`), png);
}
