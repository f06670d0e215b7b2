/**
 * Source markers: test programs name lines with comments like
 * `// #BP helper`, and tests look the line up by its marker, never by number.
 */
import fs from 'node:fs';

export function markerLine(file: string, marker: string): number {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const hits = lines.flatMap((text, i) => (new RegExp(`//\\s*${escape(marker)}(\\s|$)`).test(text) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`Marker "${marker}" found ${hits.length} times in ${file}; it must be exactly once.`);
  return hits[0]!;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
