/** The rows scenarios produce, and the one table they make together (markdown, so it can be pasted). */

export interface Row {
  scenario: string;
  /** What is measured. */
  figure: string;
  /** The measured value, as shown. */
  value: string;
  /** The reference figure from the same run (or a stated one). */
  reference: string;
  /** The target, as shown. */
  target: string;
  /** Whether the target was met; null when the row has no target. */
  met: boolean | null;
  /** How it was measured, in a few words. */
  notes?: string;
  /** The underlying numbers, for --json. */
  data?: Record<string, number | string | boolean | null>;
}

const HEAD = ['scenario', 'figure', 'measured', 'reference (same run)', 'target', 'met'] as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function metText(met: boolean | null): string {
  return met === null ? '–' : met ? 'yes' : '**NO**';
}

export function renderTable(rows: Row[]): string {
  const lines = rows.map((r) => [r.scenario, r.figure, r.value, r.reference, r.target, metText(r.met)].map(cell));
  const widths = HEAD.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmtLine = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmtLine(HEAD), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmtLine)].join('\n');
}

export function renderNotes(rows: Row[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    if (r.notes && !seen.has(`${r.scenario}:${r.notes}`)) {
      seen.add(`${r.scenario}:${r.notes}`);
      out.push(`- ${r.scenario}: ${r.notes}`);
    }
  }
  return out.join('\n');
}
