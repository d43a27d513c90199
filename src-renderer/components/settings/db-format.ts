/** Decibels as Settings writes them: `+3 dB`, `0 dB`, `−5 dB` (a real minus sign). */
export function formatDb(value: number): string {
  const n = Math.round(value);
  if (n > 0) return `+${n}`;
  if (n < 0) return `\u2212${-n}`;
  return '0';
}
