/**
 * Reads back what our PDF writer wrote, with nothing but Node: checks the file's structure
 * (every cross-reference offset points at its object, startxref at the table) and pulls the
 * text out of the content streams, decoding PDF string escapes and WinAnsi.
 */

const WIN_ANSI_HIGH: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ',
  0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›',
  0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

export interface PdfFacts {
  version: string;
  objects: number;
  pages: number;
  /** One entry per text-showing operator, in content order. */
  lines: string[];
}

export function readPdf(bytes: Buffer): PdfFacts {
  const text = bytes.toString('latin1');
  const version = /^%PDF-(\d\.\d)\n/.exec(text)?.[1];
  if (!version) throw new Error('no %PDF header');
  if (!text.endsWith('%%EOF\n')) throw new Error('no %%EOF at the end');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  if (text.slice(startxref, startxref + 5) !== 'xref\n') throw new Error(`startxref ${startxref} does not point at the xref table`);
  const table = /^xref\n0 (\d+)\n/.exec(text.slice(startxref));
  const count = Number(table![1]);
  const entries = text.slice(startxref + table![0].length).split('\n').slice(0, count);
  entries.slice(1).forEach((entry, i) => {
    const offset = Number(entry.slice(0, 10));
    if (!text.startsWith(`${i + 1} 0 obj\n`, offset)) throw new Error(`object ${i + 1} is not at offset ${offset}`);
  });
  const lines: string[] = [];
  for (const stream of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = stream.index! + stream[0].length;
    const content = text.slice(start, start + Number(stream[1]));
    if (text.slice(start + Number(stream[1]), start + Number(stream[1]) + 10) !== '\nendstream') throw new Error('stream /Length is wrong');
    for (const shown of content.matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)) lines.push(decodeString(shown[1]!));
  }
  return { version, objects: count - 1, pages: Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(text)?.[1]), lines };
}

function decodeString(raw: string): string {
  const bytes = raw.replace(/\\([0-7]{3}|.)/g, (_, esc: string) => (esc.length === 3 ? String.fromCharCode(parseInt(esc, 8)) : esc));
  return [...bytes].map((c) => WIN_ANSI_HIGH[c.charCodeAt(0)] ?? c).join('');
}
