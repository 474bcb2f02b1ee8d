/**
 * The QR code of a public page's address for printed posters, as an inline SVG drawn on the server
 * (no script, no image request: the page's CSP stays as it is). Error correction M survives a
 * poster that is creased or photocopied; the quiet zone of four modules is what scanners expect.
 */
import QRCode from 'qrcode';

export const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** An `<svg>` element that encodes `address`, labelled for screen readers. */
export async function renderAddressQrSvg(address: string): Promise<string> {
  const svg = await QRCode.toString(address, {
    ...QR_OPTIONS,
    type: 'svg',
    color: { dark: '#000000', light: '#ffffff' },
  });
  // The library's element has no size or label: give it both, keep everything else as drawn.
  return svg
    .trim()
    .replace(
      '<svg ',
      '<svg class="qr-code" role="img" aria-label="Kod QR z adresem tej strony" width="144" height="144" ',
    );
}
