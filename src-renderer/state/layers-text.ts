// The network as the command line's --layers text, read for the settings editor: "20,7,5" (dense
// hidden units), "c16,p,c32,p,c64,p,64" (3x3 conv with 16 filters, 2x2 max-pool, ..., 64 dense units),
// "c16k5" (5x5 kernels). Pure; says what is wrong with the text and what to type instead.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const MAX_HIDDEN_LAYERS = 10;
export const MAX_UNITS = 4096;
const MAX_FILTERS = 512;
const MAX_KERNEL = 11;

/** One item of the layers text. */
export type LayerItem =
  | { kind: 'conv'; filters: number; size: number }
  | { kind: 'pool' }
  | { kind: 'dense'; units: number };

/** The layers text read as items, convolutional body first; "" = logistic regression. */
export function readLayers(text: string): Parsed<LayerItem[]> {
  const parts = text
    .trim()
    .split(/[\s,]+/)
    .filter((p) => p !== '');
  const items: LayerItem[] = [];
  let pools = 0;
  for (const [i, p] of parts.entries()) {
    const where = `"${p}" (item ${i + 1})`;
    const conv = /^c(\d+)(?:k(\d+))?$/i.exec(p);
    const dense = items.some((item) => item.kind === 'dense');
    if (conv || /^p$/i.test(p)) {
      if (dense)
        return {
          ok: false,
          error: `${where}: convolution and pooling come before the dense layers, as in c16,p,c32,p,64.`,
        };
    }
    if (conv) {
      const filters = Number(conv[1]);
      const size = conv[2] === undefined ? 3 : Number(conv[2]);
      if (filters < 1 || filters > MAX_FILTERS)
        return { ok: false, error: `${where}: a conv layer has 1 to ${MAX_FILTERS} filters.` };
      if (size % 2 === 0 || size < 1 || size > MAX_KERNEL)
        return { ok: false, error: `${where}: the kernel size is odd, from 1 to ${MAX_KERNEL} (c16k5 = 5x5).` };
      items.push({ kind: 'conv', filters, size });
    } else if (/^p$/i.test(p)) {
      if (++pools > 6) return { ok: false, error: `${where}: at most 6 pooling layers (64 px halves to 1 px).` };
      items.push({ kind: 'pool' });
    } else if (/^\d+$/.test(p)) {
      const units = Number(p);
      if (units < 1 || units > MAX_UNITS)
        return { ok: false, error: `${where}: layer sizes go from 1 to ${MAX_UNITS} units.` };
      items.push({ kind: 'dense', units });
    } else {
      return {
        ok: false,
        error: `${where} is not a layer. Type dense sizes like 20,7,5, or a CNN like c16,p,c32,p,64 (c16 = 3x3 conv with 16 filters, c16k5 = 5x5, p = 2x2 max-pool).`,
      };
    }
  }
  const hidden = items.filter((item) => item.kind === 'dense').length;
  if (hidden > MAX_HIDDEN_LAYERS)
    return { ok: false, error: `At most ${MAX_HIDDEN_LAYERS} hidden dense layers (got ${hidden}).` };
  return { ok: true, value: items };
}

/** Canonical text of the items: "c16,p,c32k5,64". */
export function formatLayers(items: readonly LayerItem[]): string {
  return items
    .map((item) =>
      item.kind === 'dense'
        ? String(item.units)
        : item.kind === 'pool'
          ? 'p'
          : `c${item.filters}${item.size === 3 ? '' : `k${item.size}`}`,
    )
    .join(',');
}
