import type { ResolvedBrand } from '../email';

const INK = '#111827';
const WHITE = '#ffffff';

/** `#abc` or `#aabbcc` (resolveBrand has already checked the form) → [r, g, b] in 0..255. */
function rgb(hex: string): [number, number, number] {
  const digits = hex.slice(1);
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * `/ui/theme.css`: the brand colour of the emails (EMAIL_PRIMARY_COLOR) as custom properties,
 * so the page's own stylesheet stays static and no style is inline (the CSP allows none).
 * Text on the colour is white or ink, whichever reads better; links use the colour only when
 * it reads on white at 4.5:1 (WCAG AA), else the ink.
 */
export function themeCss(brand: Pick<ResolvedBrand, 'color'>): string {
  const color = brand.color.toLowerCase();
  const onBrand = contrast(color, WHITE) >= contrast(color, INK) ? WHITE : INK;
  const link = contrast(color, WHITE) >= 4.5 ? color : INK;
  return `:root {\n  --brand: ${color};\n  --on-brand: ${onBrand};\n  --link: ${link};\n}\n`;
}
