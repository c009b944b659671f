/* SPDX-License-Identifier: MIT */
/*
 * The PNG checker of the report tests (see png_check.h): the chunk walk
 * (W3C PNG, 2nd edition, section 5), zlib inflation of the concatenated
 * IDAT data, and the reconstruction of filtered rows (section 9).
 */
#include "tests/lib/png_check.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

static const guint8 SIGNATURE[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

guint32
png_check_crc32 (guint32 crc, const guint8 *data, gsize n)
{
  static guint32 table[256];
  static gsize ready = 0;
  if (g_once_init_enter (&ready))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;
          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&ready, 1);
    }
  crc = ~crc;
  for (gsize i = 0; i < n; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static gboolean
bad (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
  return FALSE;
}

/* Channels of each colour type; 0 for an invalid one. */
static guint
channels_of (guint8 colour_type)
{
  switch (colour_type)
    {
    case 0: return 1;  /* grey */
    case 2: return 3;  /* RGB */
    case 3: return 1;  /* palette index */
    case 4: return 2;  /* grey, alpha */
    case 6: return 4;  /* RGBA */
    default: return 0;
    }
}

static gboolean
depth_allowed (guint8 colour_type, guint8 depth)
{
  switch (colour_type)
    {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    default: return depth == 8 || depth == 16;
    }
}

/* Inflates a zlib stream that must come to exactly expect bytes. */
static guint8 *
inflate (const GByteArray *z, gsize expect, GError **error)
{
  g_autoptr (GZlibDecompressor) dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autofree guint8 *out = g_malloc (expect + 1);
  gsize in_at = 0, out_at = 0;
  for (;;)
    {
      gsize r = 0, w = 0;
      g_autoptr (GError) e = NULL;
      GConverterResult res = g_converter_convert (G_CONVERTER (dec), z->data + in_at,
                                                  z->len - in_at, out + out_at,
                                                  expect + 1 - out_at,
                                                  G_CONVERTER_INPUT_AT_END, &r, &w, &e);
      in_at += r;
      out_at += w;
      if (res == G_CONVERTER_ERROR)
        {
          if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_NO_SPACE) || out_at > expect)
            bad (error, "IDAT: the image data inflate to more than the %" G_GSIZE_FORMAT
                 " bytes IHDR implies", expect);
          else
            bad (error, "IDAT: not a valid zlib stream: %s", e->message);
          return NULL;
        }
      if (out_at > expect)
        {
          bad (error, "IDAT: the image data inflate to more than the %" G_GSIZE_FORMAT
               " bytes IHDR implies", expect);
          return NULL;
        }
      if (res == G_CONVERTER_FINISHED)
        break;
      if (r == 0 && w == 0)
        {
          bad (error, "IDAT: the zlib stream ends early");
          return NULL;
        }
    }
  if (out_at != expect)
    {
      bad (error, "IDAT: the image data inflate to %" G_GSIZE_FORMAT " bytes, IHDR implies %"
           G_GSIZE_FORMAT, out_at, expect);
      return NULL;
    }
  return g_steal_pointer (&out);
}

static guint8
paeth (guint8 a, guint8 b, guint8 c)
{
  int p = (int) a + b - c;
  int pa = abs (p - a), pb = abs (p - b), pc = abs (p - c);
  if (pa <= pb && pa <= pc)
    return a;
  return pb <= pc ? b : c;
}

/* Undoes the filters of raw (height rows of 1 + stride bytes) into pixels. */
static gboolean
unfilter (const guint8 *raw, PngImage *img, gsize stride, GError **error)
{
  const guint bpp = img->bytes_per_pixel;
  for (guint32 y = 0; y < img->height; y++)
    {
      const guint8 *in = raw + (gsize) y * (stride + 1);
      guint8 *row = img->pixels + (gsize) y * stride;
      const guint8 *up = y > 0 ? row - stride : NULL;
      const guint8 type = in[0];
      in++;
      for (gsize x = 0; x < stride; x++)
        {
          guint8 a = x >= bpp ? row[x - bpp] : 0;
          guint8 b = up ? up[x] : 0;
          guint8 c = up && x >= bpp ? up[x - bpp] : 0;
          switch (type)
            {
            case 0: row[x] = in[x]; break;
            case 1: row[x] = in[x] + a; break;
            case 2: row[x] = in[x] + b; break;
            case 3: row[x] = in[x] + (guint8) (((guint) a + b) / 2); break;
            case 4: row[x] = in[x] + paeth (a, b, c); break;
            default:
              return bad (error, "row %u: filter type %u (expected 0 to 4)", y, type);
            }
        }
    }
  return TRUE;
}

PngImage *
png_check_read (const guint8 *data, gsize len, GError **error)
{
  if (len < 8 || memcmp (data, SIGNATURE, 8) != 0)
    {
      bad (error, "no PNG signature");
      return NULL;
    }
  g_autoptr (PngImage) img = g_new0 (PngImage, 1);
  g_autoptr (GByteArray) z = g_byte_array_new ();
  gboolean have_ihdr = FALSE, have_plte = FALSE, have_iend = FALSE;
  guint idat_runs = 0;
  gboolean in_idat = FALSE;
  guint8 interlace = 0;
  gsize at = 8;
  for (guint n = 0; at < len; n++)
    {
      if (have_iend)
        {
          bad (error, "%" G_GSIZE_FORMAT " bytes after IEND", len - at);
          return NULL;
        }
      if (len - at < 12)
        {
          bad (error, "chunk %u at byte %" G_GSIZE_FORMAT ": truncated header", n, at);
          return NULL;
        }
      const guint32 clen = be32 (data + at);
      const guint8 *type = data + at + 4;
      char name[5] = { (char) type[0], (char) type[1], (char) type[2], (char) type[3], 0 };
      if (clen > 0x7fffffffu || clen > len - at - 12)
        {
          bad (error, "chunk %u (%s) at byte %" G_GSIZE_FORMAT ": length %u runs past the end",
               n, name, at, clen);
          return NULL;
        }
      for (int i = 0; i < 4; i++)
        if (!g_ascii_isalpha (type[i]))
          {
            bad (error, "chunk %u at byte %" G_GSIZE_FORMAT ": type is not four letters", n, at);
            return NULL;
          }
      const guint8 *body = data + at + 8;
      const guint32 crc = png_check_crc32 (0, type, 4 + (gsize) clen);
      if (crc != be32 (body + clen))
        {
          bad (error, "chunk %u (%s): CRC %08x, computed %08x", n, name, be32 (body + clen), crc);
          return NULL;
        }
      if (n == 0 && strcmp (name, "IHDR") != 0)
        {
          bad (error, "the first chunk is %s, expected IHDR", name);
          return NULL;
        }
      if (strcmp (name, "IHDR") == 0)
        {
          if (n != 0 || clen != 13)
            {
              bad (error, "IHDR: %s", n != 0 ? "a second IHDR" : "length is not 13");
              return NULL;
            }
          img->width = be32 (body);
          img->height = be32 (body + 4);
          img->bit_depth = body[8];
          img->colour_type = body[9];
          interlace = body[12];
          if (img->width == 0 || img->height == 0 || img->width > 0x7fffffffu
              || img->height > 0x7fffffffu)
            {
              bad (error, "IHDR: size %ux%u", img->width, img->height);
              return NULL;
            }
          if (channels_of (img->colour_type) == 0
              || !depth_allowed (img->colour_type, img->bit_depth))
            {
              bad (error, "IHDR: colour type %u with bit depth %u", img->colour_type,
                   img->bit_depth);
              return NULL;
            }
          if (body[10] != 0 || body[11] != 0 || interlace > 1)
            {
              bad (error, "IHDR: compression %u, filter %u, interlace %u", body[10], body[11],
                   interlace);
              return NULL;
            }
          have_ihdr = TRUE;
        }
      else if (strcmp (name, "PLTE") == 0)
        {
          if (clen == 0 || clen % 3 != 0 || clen > 768 || z->len > 0)
            {
              bad (error, "PLTE: length %u%s", clen, z->len > 0 ? " (after IDAT)" : "");
              return NULL;
            }
          have_plte = TRUE;
        }
      else if (strcmp (name, "IDAT") == 0)
        {
          if (!in_idat)
            idat_runs++;
          g_byte_array_append (z, body, clen);
        }
      else if (strcmp (name, "IEND") == 0)
        {
          if (clen != 0)
            {
              bad (error, "IEND: length %u", clen);
              return NULL;
            }
          have_iend = TRUE;
        }
      else if (g_ascii_isupper (type[0]))
        {
          bad (error, "chunk %u: unknown critical chunk %s", n, name);
          return NULL;
        }
      in_idat = strcmp (name, "IDAT") == 0;
      at += 12 + (gsize) clen;
    }
  if (!have_ihdr || idat_runs == 0 || !have_iend)
    {
      bad (error, "missing %s", !have_ihdr ? "IHDR" : idat_runs == 0 ? "IDAT" : "IEND");
      return NULL;
    }
  if (idat_runs > 1)
    {
      bad (error, "IDAT chunks are not consecutive");
      return NULL;
    }
  if (img->colour_type == 3 && !have_plte)
    {
      bad (error, "colour type 3 without PLTE");
      return NULL;
    }
  if (interlace != 0 || img->bit_depth < 8)
    {
      bad (error, "this checker decodes non-interlaced images of bit depth 8 or 16 only "
           "(interlace %u, bit depth %u)", interlace, img->bit_depth);
      return NULL;
    }
  img->bytes_per_pixel = channels_of (img->colour_type) * img->bit_depth / 8;
  const gsize stride = (gsize) img->width * img->bytes_per_pixel;
  if (stride + 1 > G_MAXSIZE / img->height || (stride + 1) * img->height > (gsize) 1 << 31)
    {
      bad (error, "IHDR: %ux%u is too large for this checker", img->width, img->height);
      return NULL;
    }
  g_autofree guint8 *raw = inflate (z, (stride + 1) * img->height, error);
  if (raw == NULL)
    return NULL;
  img->pixels = g_malloc (stride * img->height);
  if (!unfilter (raw, img, stride, error))
    return NULL;
  return g_steal_pointer (&img);
}

PngImage *
png_check_read_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  g_autoptr (GError) e = NULL;
  PngImage *img = png_check_read ((const guint8 *) data, len, &e);
  if (img == NULL)
    g_set_error (error, e->domain, e->code, "%s: %s", path, e->message);
  return img;
}

double
png_check_ink (const PngImage *img)
{
  const guint bpp = img->bytes_per_pixel;
  const gsize n = (gsize) img->width * img->height;
  gsize differ = 0;
  for (gsize i = 1; i < n; i++)
    if (memcmp (img->pixels + i * bpp, img->pixels, bpp) != 0)
      differ++;
  return (double) differ / (double) n;
}

void
png_check_free (PngImage *img)
{
  if (img == NULL)
    return;
  g_free (img->pixels);
  g_free (img);
}
