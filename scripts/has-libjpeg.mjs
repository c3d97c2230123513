// Prints 1 when a C compiler can build and link against libjpeg(-turbo) here, else 0 (binding.gyp
// builds the fast JPEG addon only then; without it sharp decodes every JPEG). CATNET_SKIP_JPEG=1
// forces 0. Never fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function probe() {
  if (process.env.CATNET_SKIP_JPEG === '1' || process.platform === 'win32') return 0;
  const dir = mkdtempSync(join(tmpdir(), 'catnet-jpeg-probe-'));
  try {
    const src = join(dir, 'probe.c');
    writeFileSync(
      src,
      '#include <stdio.h>\n#include <jpeglib.h>\nint main(void){struct jpeg_decompress_struct c;struct jpeg_error_mgr e;' +
        'c.err=jpeg_std_error(&e);jpeg_create_decompress(&c);jpeg_mem_src(&c,(unsigned char*)"",0);' +
        'c.scale_num=1;c.scale_denom=4;jpeg_destroy_decompress(&c);return 0;}\n',
    );
    const cc = process.env.CC || 'cc';
    const run = spawnSync(cc, [src, '-o', join(dir, 'probe'), '-ljpeg'], { stdio: 'ignore', timeout: 30_000 });
    return run.status === 0 ? 1 : 0;
  } catch {
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(String(probe()));
