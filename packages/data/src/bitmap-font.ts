/**
 * A tiny built-in 5×8 bitmap font (the classic 5×7 LCD font, ASCII 32–126, with descenders)
 * so grid labels render where librsvg finds no system font. Each glyph is five column bytes,
 * bit 0 the top row. Characters outside ASCII are drawn as '?'.
 */
const GLYPHS =
  '0000000000' + '00005f0000' + '0007000700' + '147f147f14' + '242a7f2a12' + '2313086462' + '3649552250' + '0005030000' +
  '001c224100' + '0041221c00' + '2a1c7f1c2a' + '08083e0808' + '0050300000' + '0808080808' + '0060600000' + '2010080402' +
  '3e5149453e' + '00427f4000' + '4261514946' + '2141454b31' + '1814127f10' + '2745454539' + '3c4a494930' + '0171090503' +
  '3649494936' + '064949291e' + '0036360000' + '0056360000' + '0814224100' + '1414141414' + '0041221408' + '0201510906' +
  '324979413e' + '7e1111117e' + '7f49494936' + '3e41414122' + '7f4141221c' + '7f49494941' + '7f09090901' + '3e4149497a' +
  '7f0808087f' + '00417f4100' + '2040413f01' + '7f08142241' + '7f40404040' + '7f020c027f' + '7f0408107f' + '3e4141413e' +
  '7f09090906' + '3e4151215e' + '7f09192946' + '4649494931' + '01017f0101' + '3f4040403f' + '1f2040201f' + '3f4038403f' +
  '6314081463' + '0708700807' + '6151494543' + '007f414100' + '0204081020' + '0041417f00' + '0402010204' + '4040404040' +
  '0001020400' + '2054545478' + '7f48444438' + '3844444420' + '384444487f' + '3854545418' + '087e090102' + '18a4a4a47c' +
  '7f08040478' + '00447d4000' + '4080847d00' + '7f10284400' + '00417f4000' + '7c04180478' + '7c08040478' + '3844444438' +
  'fc24242418' + '18242418fc' + '7c08040408' + '4854545420' + '043f444020' + '3c4040207c' + '1c2040201c' + '3c4030403c' +
  '4428102844' + '1ca0a0a07c' + '4464544c44' + '0008364100' + '00007f0000' + '0041360800' + '0201020402';

export const BITMAP_FONT_WIDTH = 5;
export const BITMAP_FONT_HEIGHT = 8;
/** Horizontal advance per character in font pixels (glyph + 1 column gap). */
export const BITMAP_FONT_ADVANCE = 6;

function glyphColumns(char: string): number[] {
  let code = char.charCodeAt(0);
  if (code < 32 || code > 126) code = 63;
  const start = (code - 32) * 10;
  return [0, 1, 2, 3, 4].map((c) => parseInt(GLYPHS.slice(start + 2 * c, start + 2 * c + 2), 16));
}

/** Width in output pixels of `text` drawn at integer `scale`. */
export function bitmapTextWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * BITMAP_FONT_ADVANCE - 1) * scale;
}

/**
 * Draws `text` into an RGB (3 bytes per pixel) buffer of width `imageWidth` with its top-left
 * corner at (x, y), each font pixel a scale×scale block of `color`; pixels outside are clipped.
 */
export function drawBitmapText(
  rgb: Uint8Array,
  imageWidth: number,
  imageHeight: number,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: [number, number, number],
): void {
  for (let k = 0; k < text.length; k++) {
    const columns = glyphColumns(text[k]);
    for (let c = 0; c < BITMAP_FONT_WIDTH; c++) {
      for (let r = 0; r < BITMAP_FONT_HEIGHT; r++) {
        if (!((columns[c] >> r) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (k * BITMAP_FONT_ADVANCE + c) * scale + dx;
            const py = y + r * scale + dy;
            if (px < 0 || py < 0 || px >= imageWidth || py >= imageHeight) continue;
            const o = 3 * (py * imageWidth + px);
            rgb[o] = color[0];
            rgb[o + 1] = color[1];
            rgb[o + 2] = color[2];
          }
        }
      }
    }
  }
}
