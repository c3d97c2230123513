// CSV as `catnet predict --csv` writes it (and the app's "Export CSV"): RFC 4180 quoting only where needed.

/** The header of a prediction CSV. */
export const PREDICTION_CSV_HEADER = 'file,probability,label,class';

/** A field, quoted when it holds a quote, comma or line break. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One prediction line: file, probability (as JavaScript prints the number), label (0/1), class name. */
export function predictionCsvLine(file: string, probability: number, label: 0 | 1, className: string): string {
  return [csvField(file), probability, label, csvField(className)].join(',');
}
