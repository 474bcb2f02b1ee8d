/** The part of pngjs 5 (no published types) the tests use to write and read PNG images. */
declare module 'pngjs' {
  export type PngImage = { width: number; height: number; data: Buffer };
  export const PNG: {
    sync: {
      read(buffer: Buffer): PngImage;
      write(image: PngImage): Buffer;
    };
  };
}
