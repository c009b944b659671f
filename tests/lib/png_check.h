/* SPDX-License-Identifier: MIT */
/*
 * A small PNG checker for the tests of essc report: it reads a PNG file's
 * bytes strictly (signature, every chunk's CRC-32, IHDR first with a
 * width and height above 0, PLTE where the colour type needs it, one run
 * of IDAT chunks, IEND last with nothing after it), inflates the image
 * data (zlib, through GIO's GZlibDecompressor) and undoes the row filters
 * (0-4), so a test can ask how much of the picture is not background.
 * Decodes non-interlaced images of bit depth 8 or 16 in any colour type
 * (gnuplot's pngcairo writes 8-bit RGBA, Chromium's screenshots 8-bit
 * RGB); anything else is reported as an error, not guessed at.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A decoded image.  All fields are public. */
typedef struct {
  guint32 width, height;
  guint8 bit_depth, colour_type;
  guint bytes_per_pixel;   /* of the decoded rows (a palette index counts as 1) */
  guint8 *pixels;          /* height rows of width * bytes_per_pixel bytes, filters undone */
} PngImage;

/* CRC-32 (ISO 3309, as PNG uses it) of n bytes, continuing crc (0 to start). */
guint32 png_check_crc32 (guint32 crc, const guint8 *data, gsize n);

/* Returns: (transfer full) the image, or NULL with an error naming what is
 * wrong and where (G_IO_ERROR_INVALID_DATA). */
PngImage *png_check_read (const guint8 *data, gsize len, GError **error);

/* ... of a file. */
PngImage *png_check_read_file (const char *path, GError **error);

/* The share (0..1) of pixels that differ from the top-left one (the
 * background of a plot or a page). */
double png_check_ink (const PngImage *img);

void png_check_free (PngImage *img);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PngImage, png_check_free)

G_END_DECLS
