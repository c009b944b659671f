/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 1 (id.json): citizen ID numbers as SSNs,
 * checked by `id.validate` in the verifier and in the platform role.  Valid
 * numbers (a retired region code among them: ID-5), every single-character
 * substitution of a valid number, wrong lengths and characters (lower-case
 * x, blank, full-width digit), birth dates around the validation day and the
 * calendar's edges, province codes, region codes at each level of the
 * division code list of 1.1 and outside it (ID-7: region_known), and the
 * request's encoding (ERR-3: wrong JSON types, absent members, integers
 * beyond 64 bits, sent as {"$integer": ...}); in the verifier group, the
 * adapter's own rules too: reset's encoding, brackets in strings, and, as
 * steps sent as text (a step's `line`), U+0000, ids <= 0, nesting 64/65
 * levels deep and CR inside a line (ADAPTER sections 1 and 2).  Each expectation is stated
 * from the document and, but for the encoding, cross-checked with
 * model_id_validate.
 */
#include "conformance/vec_private.h"

#include "model/std/credential.h"
#include "model/std/id.h"

#include <stdio.h>
#include <string.h>

#define NOW CONF_VECTORS_CLOCK

/* prefix17 followed by its MOD 11-2 check character (static buffer per call site). */
static void
with_check (const char *prefix17, char out[19])
{
  memcpy (out, prefix17, 17);
  out[17] = model_id_check_char (prefix17);
  out[18] = '\0';
}

static void
one (ConfVec *v, const char *role, const char *name, const char *reqs, const char *comment,
     const char *flags, const char *ssn, gint64 now, ModelStdCode want)
{
  g_autofree char *full = g_strdup_printf ("%s/%s", role, name);
  ModelIdInfo info;
  GError *error = NULL;
  gboolean ok = model_id_validate (ssn, now, &info, &error);
  conf_vec_agree (v, ssn, error, want);
  conf_vec_test (v, full, reqs, comment, flags, want == MODEL_STD_OK ? "valid" : "invalid");
  JsonNode *expect;
  if (want == MODEL_STD_OK && ok)
    {
      g_autofree char *date = g_strdup_printf ("%04d-%02d-%02d", info.year, info.month, info.day);
      expect = conf_vec_ok (conf_jo ("region", conf_ji (info.region),
                                     "region_known", conf_jb (info.region_known),
                                     "birth_date", conf_js (date), "male", conf_jb (info.male),
                                     NULL));
    }
  else
    expect = conf_vec_err (want);
  conf_vec_step (v, "id.validate", conf_jo ("ssn", conf_js (ssn), "now", conf_ji (now), NULL),
                 expect, NULL);
}

static void
cases (ConfVec *v, const char *role)
{
  char ssn[19];
  one (v, role, "valid-woman", "ID-1 ID-2 ID-3 ID-4 ID-7 ERR-1", "the standard's first "
       "example (region 110105, known)", NULL, CONF_VEC_SSN1, NOW, MODEL_STD_OK);
  one (v, role, "valid-retired-region", "ID-5 ID-2 ID-7", "region 440524 is no longer in the "
       "list of 1.1: a warning (region_known false), never a refusal", "RetiredRegion",
       CONF_VEC_SSN2, NOW, MODEL_STD_OK);
  one (v, role, "valid-man", "ID-1 ID-2 ID-3 ID-4", "an odd sequence number", NULL,
       CONF_VEC_SSN3, NOW, MODEL_STD_OK);

  /* every single substitution of the first example */
  for (int i = 0; i < 18; i++)
    {
      char bad[19];
      memcpy (bad, CONF_VEC_SSN1, 19);
      bad[i] = i == 17 ? '0' : (char) ('0' + (bad[i] - '0' + 1) % 10);
      g_autofree char *name = g_strdup_printf ("substitution-%02d", i + 1);
      g_autofree char *comment = g_strdup_printf ("character %d of %s changed: MOD 11-2 "
                                                  "detects every single substitution",
                                                  i + 1, CONF_VEC_SSN1);
      one (v, role, name, "ID-2", comment, "Substitution", bad, NOW, MODEL_STD_INVALID_ID);
    }

  static const struct {
    const char *name, *ssn, *comment;
  } malformed[] = {
    { "lowercase-x", "11010519491231002x", "lower-case x as check character" },
    { "short", "11010519491231002", "17 characters" },
    { "long", "11010519491231002X0", "19 characters" },
    { "empty", "", "the empty string" },
    { "blank", "110105 9491231002X", "a blank inside" },
    { "trailing-blank", "11010519491231002X ", "a blank after the number" },
    { "letter", "1101051949123100AX", "a letter in the sequence" },
    { "fullwidth-digit", "11010519491231002\xef\xbc\x98", "a full-width digit (non-ASCII)" },
    { "x-inside", "X1010519491231002X", "X anywhere but the end" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autofree char *name = g_strdup_printf ("malformed-%s", malformed[i].name);
      one (v, role, name, "ID-1", malformed[i].comment, "Malformed", malformed[i].ssn, NOW,
           MODEL_STD_MALFORMED);
    }

  static const struct {
    const char *name, *prefix, *comment;
    ModelStdCode want;
  } dates[] = {
    { "born-on-validation-day", "11010520200601001", "born on the validation day (Beijing)",
      MODEL_STD_OK },
    { "born-tomorrow", "11010520200602001", "born after the validation day", MODEL_STD_INVALID_ID },
    { "leap-day-2000", "11010520000229001", "2000-02-29 exists", MODEL_STD_OK },
    { "leap-day-1900", "11010519000229001", "1900-02-29 does not exist", MODEL_STD_INVALID_ID },
    { "year-1800", "11010518000101001", "1800-01-01, the earliest date", MODEL_STD_OK },
    { "year-1799", "11010517991231001", "before 1800", MODEL_STD_INVALID_ID },
    { "month-13", "11010519491301001", "month 13", MODEL_STD_INVALID_ID },
    { "day-00", "11010519491200001", "day 0", MODEL_STD_INVALID_ID },
    { "april-31", "11010519490431001", "April has 30 days", MODEL_STD_INVALID_ID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      with_check (dates[i].prefix, ssn);
      g_autofree char *name = g_strdup_printf ("date-%s", dates[i].name);
      one (v, role, name, "ID-3", dates[i].comment, "BirthDate", ssn, NOW, dates[i].want);
    }
  /* Beijing time: 2020-06-01T16:00:00Z is already 2020-06-02 in Beijing. */
  with_check ("11010520200602001", ssn);
  one (v, role, "date-beijing-day", "ID-3", "born 2020-06-02, validated at 2020-06-01T16:00Z "
       "(2020-06-02 00:00 in Beijing)", "BirthDate", ssn, NOW + 16 * 3600, MODEL_STD_OK);
  one (v, role, "date-beijing-day-before", "ID-3", "born 2020-06-02, validated at "
       "2020-06-01T15:59:59Z (still 2020-06-01 in Beijing)", "BirthDate", ssn,
       NOW + 16 * 3600 - 1, MODEL_STD_INVALID_ID);

  static const struct {
    const char *prov;
    ModelStdCode want;
  } provinces[] = {
    { "11", MODEL_STD_OK }, { "15", MODEL_STD_OK }, { "16", MODEL_STD_INVALID_ID },
    { "20", MODEL_STD_INVALID_ID }, { "23", MODEL_STD_OK }, { "24", MODEL_STD_INVALID_ID },
    { "37", MODEL_STD_OK }, { "38", MODEL_STD_INVALID_ID }, { "46", MODEL_STD_OK },
    { "47", MODEL_STD_INVALID_ID }, { "54", MODEL_STD_OK }, { "55", MODEL_STD_INVALID_ID },
    { "65", MODEL_STD_OK }, { "66", MODEL_STD_INVALID_ID }, { "71", MODEL_STD_OK },
    { "81", MODEL_STD_OK }, { "82", MODEL_STD_OK }, { "83", MODEL_STD_OK },
    { "84", MODEL_STD_INVALID_ID }, { "00", MODEL_STD_INVALID_ID }, { "99", MODEL_STD_INVALID_ID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (provinces); i++)
    {
      char prefix[18];
      g_snprintf (prefix, sizeof prefix, "%s0000198001010%s", provinces[i].prov, "01");
      with_check (prefix, ssn);
      g_autofree char *name = g_strdup_printf ("province-%s", provinces[i].prov);
      g_autofree char *comment = g_strdup_printf ("province code %s", provinces[i].prov);
      one (v, role, name, provinces[i].want == MODEL_STD_OK ? "ID-4 ID-5 ID-7" : "ID-4", comment,
           "Province", ssn, NOW, provinces[i].want);
    }

  /* ID-7: region_known is membership of the list of 1.1, at its three levels,
   * and nothing else (neither GB/T 2260's own list nor a county list alone) */
  static const struct {
    const char *region, *name, *comment;
  } regions[] = {
    { "110000", "province", "a province code (Beijing): in the list at level province" },
    { "110100", "municipality-part", "the part 01 of a municipality (市辖区): level prefecture" },
    { "440500", "prefecture", "a prefecture (Shantou)" },
    { "441900", "prefecture-without-counties", "a prefecture-level city without counties "
      "(Dongguan)" },
    { "659000", "directly-administered-part", "the part 90 of county-level units administered "
      "directly by an autonomous region" },
    { "659001", "directly-administered-county", "a county-level city administered directly "
      "by an autonomous region (Shihezi)" },
    { "110199", "unlisted-county", "a county code the list lacks, in a listed prefecture" },
    { "112000", "unlisted-prefecture", "a prefecture code the list lacks, in a listed province" },
    { "710101", "taiwan-county", "a region code of Taiwan (province 71 is valid, not listed)" },
    { "810100", "hong-kong-prefecture", "a region code of Hong Kong (province 81 is valid, not "
      "listed)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      char prefix[18];
      g_snprintf (prefix, sizeof prefix, "%s19800101001", regions[i].region);
      with_check (prefix, ssn);
      g_autofree char *name = g_strdup_printf ("region-%s", regions[i].name);
      one (v, role, name, "ID-7 ID-5", regions[i].comment, "Region", ssn, NOW, MODEL_STD_OK);
    }

  /* ERR-3 and ADAPTER section 2: the encoding of the request, before ID-1 */
  one (v, role, "encoding-now-int64-max", "ERR-3 ID-3", "now = 2^63-1 is an integer of the "
       "protocol: the number is valid (and no date overflows)", "Encoding", CONF_VEC_SSN1,
       G_MAXINT64, MODEL_STD_OK);
  one (v, role, "encoding-now-int64-min", "ERR-3 ID-3", "now = -2^63 is an integer of the "
       "protocol: every birth date is after it", "Encoding", CONF_VEC_SSN1, G_MININT64,
       MODEL_STD_INVALID_ID);
  static const struct {
    const char *name, *comment;
    int what;   /* 0: now is the node; 1: ssn is the node; 2: no now; 3: no ssn */
    const char *big;
  } enc[] = {
    { "now-2^63", "now = 9223372036854775808 (2^63): outside 64 bits, never read as -2^63", 0,
      "9223372036854775808" },
    { "now-minus-2^63-1", "now = -9223372036854775809: outside 64 bits", 0,
      "-9223372036854775809" },
    { "now-2^64", "now = 18446744073709551616 (2^64): outside 64 bits, never read as 0", 0,
      "18446744073709551616" },
    { "now-string", "now as the string \"1590969600\": a string is no integer", 0, NULL },
    { "now-bool", "now = true: a boolean is no integer", 0, NULL },
    { "now-null", "now = null: a required member", 0, NULL },
    { "now-absent", "no now: a required member", 2, NULL },
    { "ssn-number", "the SSN as the number 440524188001010014: an SSN is a string", 1, NULL },
    { "ssn-absent", "no ssn: a required member", 3, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (enc); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/encoding-%s", role, enc[i].name);
      conf_vec_test (v, name, "ERR-3", enc[i].comment, "Encoding", "invalid");
      JsonNode *node;
      if (enc[i].big != NULL)
        node = conf_jbig (enc[i].big);
      else if (g_str_has_suffix (enc[i].name, "-string"))
        node = conf_js ("1590969600");
      else if (g_str_has_suffix (enc[i].name, "-bool"))
        node = conf_jb (TRUE);
      else if (g_str_has_suffix (enc[i].name, "-number"))
        node = conf_ji (G_GINT64_CONSTANT (440524188001010014));
      else
        node = json_node_init_null (json_node_alloc ());
      JsonNode *params;
      switch (enc[i].what)
        {
        case 0:
          params = conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "now", node, NULL);
          break;
        case 1:
          params = conf_jo ("ssn", node, "now", conf_ji (NOW), NULL);
          break;
        case 2:
          params = conf_jo ("ssn", conf_js (CONF_VEC_SSN1), NULL);
          json_node_unref (node);
          break;
        default:
          params = conf_jo ("now", conf_ji (NOW), NULL);
          json_node_unref (node);
          break;
        }
      conf_vec_step (v, "id.validate", params, conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }
}

/* The result of id.validate of CONF_VEC_SSN1 at NOW, from model/std/.
 * Returns: (transfer full). */
static JsonNode *
valid_result (ConfVec *v)
{
  ModelIdInfo info;
  GError *error = NULL;
  model_id_validate (CONF_VEC_SSN1, NOW, &info, &error);
  conf_vec_agree (v, CONF_VEC_SSN1, error, MODEL_STD_OK);
  g_autofree char *date = g_strdup_printf ("%04d-%02d-%02d", info.year, info.month, info.day);
  return conf_jo ("region", conf_ji (info.region), "region_known", conf_jb (info.region_known),
                  "birth_date", conf_js (date), "male", conf_jb (info.male), NULL);
}

/* A valid id.validate of CONF_VEC_SSN1 with one more params member, name:
 * an unknown member is ignored (ADAPTER section 2), whatever JSON it holds. */
static void
with_extra (ConfVec *v, const char *name, const char *comment, const char *member,
            JsonNode *extra)
{
  conf_vec_test (v, name, "ERR-3 ID-1", comment, "Encoding", "valid");
  conf_vec_step (v, "id.validate",
                 conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "now", conf_ji (NOW), member, extra,
                          NULL),
                 conf_vec_ok (valid_result (v)), NULL);
}

/* A request line of id.validate of CONF_VEC_SSN1 at NOW, with the id mark
 * of docs/VECTORS.md: before, text put after the opening brace; params_extra,
 * text put after the last member of params.  Returns: (transfer full). */
static char *
id_line (const char *before, const char *ssn_suffix, const char *params_extra)
{
  return g_strdup_printf ("{%s\"essc\":1,\"id\":" CONF_VEC_ID_MARK ",\"op\":\"id.validate\","
                          "\"params\":{\"ssn\":\"" CONF_VEC_SSN1 "%s\",\"now\":%" G_GINT64_FORMAT
                          "%s}}",
                          before, ssn_suffix, (gint64) NOW, params_extra);
}

/* Steps sent as text (docs/VECTORS.md `line`): what a JSON library cannot
 * say, checked as ADAPTER sections 1 and 2 and ID-1 state it. */
static void
line_cases (ConfVec *v)
{
  JsonNode *valid = valid_result (v);

  /* U+0000 written \u0000: ID-1 refuses an SSN holding it; a JSON library
   * that cuts the string there would see a valid number */
  conf_vec_test (v, "verifier/line-nul-in-ssn", "ID-1 ERR-3", "the valid SSN followed by "
                 "\\u0000 (19 characters): malformed, never read as the 18 before it",
                 "Encoding", "invalid");
  g_autofree char *l1 = id_line ("", "\\u0000", "");
  conf_vec_step_line (v, "id.validate", l1, conf_vec_err (MODEL_STD_MALFORMED));
  conf_vec_test (v, "verifier/line-nul-in-member-name", "ERR-3", "an unknown member of the "
                 "request named \"\\u0000\" (first of the line): no string of a request may "
                 "hold U+0000 (ADAPTER section 2)", "Encoding", "invalid");
  g_autofree char *l2 = id_line ("\"\\u0000\":1,", "", "");
  conf_vec_step_line (v, "id.validate", l2, conf_vec_err (MODEL_STD_MALFORMED));
  conf_vec_test (v, "verifier/line-backslash-u0000-text", "ERR-3 ID-1", "an unknown member "
                 "holding the text \\u0000 (an escaped backslash, then u0000) and an escaped "
                 "quote: no U+0000, ignored", "Encoding", "valid");
  g_autofree char *l3 = id_line ("", "", ",\"note\":\"\\\\u0000 \\\"\\\\u0000\\\" u0000\"");
  conf_vec_step_line (v, "id.validate", l3, conf_vec_ok (json_node_copy (valid)));

  /* ids that are no id of the sequence */
  static const struct {
    const char *name, *id, *comment;
  } ids[] = {
    { "zero", "0", "a request with id 0: refused malformed, answered with id 0" },
    { "negative", "-1", "a request with id -1: refused malformed, answered with id 0" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/line-id-%s", ids[i].name);
      conf_vec_test (v, name, "ERR-3", ids[i].comment, "Encoding", "invalid");
      g_autofree char *text = g_strdup_printf ("{\"essc\":1,\"id\":%s,\"op\":\"id.validate\","
                                               "\"params\":{\"ssn\":\"" CONF_VEC_SSN1 "\","
                                               "\"now\":%" G_GINT64_FORMAT "}}",
                                               ids[i].id, (gint64) NOW);
      conf_vec_step_line (v, "id.validate", text, conf_vec_err (MODEL_STD_MALFORMED));
    }

  /* 64 levels of arrays and objects are read; 65 are refused (ADAPTER
   * section 2), with the request's id or 0.  As text: the vector file
   * itself is read with the same limit. */
  for (int levels = 64; levels <= 65; levels++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/line-depth-%d", levels);
      g_autofree char *comment = g_strdup_printf ("the request nested %d levels deep: the "
                                                  "request object, params and %d levels of "
                                                  "an unknown member",
                                                  levels, levels - 2);
      conf_vec_test (v, name, "ERR-3", comment, "Encoding", levels == 64 ? "valid" : "invalid");
      GString *deep = g_string_new (",\"note\":");
      for (int i = 0; i < levels - 2; i++)
        g_string_append (deep, i % 2 ? "{\"a\":" : "[");
      g_string_append_c (deep, '0');
      for (int i = levels - 2; i-- > 0;)
        g_string_append (deep, i % 2 ? "}" : "]");
      g_autofree char *text = id_line ("", "", deep->str);
      g_string_free (deep, TRUE);
      conf_vec_step_line (v, "id.validate", text,
                          levels == 64 ? conf_vec_ok (json_node_copy (valid))
                                       : conf_vec_err (MODEL_STD_MALFORMED));
    }

  /* CR is JSON whitespace inside the line (ADAPTER section 1); a shorter
   * request after it is read as it is */
  conf_vec_test (v, "verifier/line-cr-whitespace", "ERR-3 ID-1", "a request with 300 CR "
                 "characters after its opening brace, then an ordinary shorter one: both "
                 "read as they are", NULL, "valid");
  g_autofree char *crs = g_strnfill (300, '\r');
  g_autofree char *l5 = id_line (crs, "", "");
  conf_vec_step_line (v, "id.validate", l5, conf_vec_ok (json_node_copy (valid)));
  conf_vec_step (v, "id.validate",
                 conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "now", conf_ji (NOW), NULL),
                 conf_vec_ok (json_node_copy (valid)), NULL);
  json_node_unref (valid);
}

/* The adapter's own requests and JSON (ADAPTER sections 2 and 4.1, ERR-3),
 * in the verifier group: reset's members of the wrong form, and lines whose
 * strings and arrays a reader that counts brackets must get right. */
static void
adapter_cases (ConfVec *v, const ConfVecWorld *w)
{
  static const struct {
    const char *name, *comment;
  } reset[] = {
    { "seed-absent", "reset without seed: a required member" },
    { "now-absent", "reset without now: a required member" },
    { "trust-absent", "reset without trust: a required member" },
    { "trust-number", "reset with trust [1]: trust is an array of hex strings" },
    { "config-array", "reset with config []: config is an object" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (reset); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/reset-encoding-%s", reset[i].name);
      conf_vec_test (v, name, "ERR-3", reset[i].comment, "Encoding", "invalid");
      JsonNode *params = conf_jo ("seed", conf_jh (w->reset_seed, 32),
                                  "now", conf_ji (NOW),
                                  "trust", conf_ja (conf_jh (model_platform_key_public
                                                             (w->platform), 32), NULL),
                                  "config", conf_jo (NULL, NULL), NULL);
      JsonObject *o = json_node_get_object (params);
      if (i <= 2)
        json_object_remove_member (o, i == 0 ? "seed" : i == 1 ? "now" : "trust");
      else if (i == 3)
        json_object_set_member (o, "trust", conf_ja (conf_ji (1), NULL));
      else
        json_object_set_member (o, "config", conf_ja (NULL, NULL));
      conf_vec_step (v, "reset", params, conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }

  /* brackets, quotes and backslashes inside a string are text, not structure */
  GString *text = g_string_new ("\\\"");
  for (int i = 0; i < 100; i++)
    g_string_append (text, i % 2 ? "{" : "[");
  g_string_append (text, "\\\"\\");
  with_extra (v, "verifier/json-brackets-in-string", "an unknown member holding a string of "
              "100 '[' and '{' between escaped quotes and backslashes: ignored", "note",
              conf_js (text->str));
  g_string_free (text, TRUE);

  /* many arrays and objects side by side, none deeper than 4 levels */
  JsonArray *many = json_array_new ();
  for (int i = 0; i < 100; i++)
    json_array_add_element (many, i % 2 ? conf_jo (NULL, NULL) : conf_ja (NULL, NULL));
  with_extra (v, "verifier/json-many-siblings", "an unknown member holding an array of 100 "
              "empty arrays and objects side by side (4 levels deep in all): ignored", "note",
              json_node_init_array (json_node_alloc (), many));
  json_array_unref (many);
  line_cases (v);
}

JsonNode *
conf_vec_gen_id (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("id");
  g_autoptr (ConfVecWorld) w = conf_vec_world_new ();
  conf_vec_note (v, "RetiredRegion", "a region code missing from the current list (ID-5)");
  conf_vec_note (v, "Substitution", "one character of a valid number changed");
  conf_vec_note (v, "Malformed", "wrong length or a character outside the class");
  conf_vec_note (v, "BirthDate", "birth date rules, in Beijing time");
  conf_vec_note (v, "Province", "the province part of the region code");
  conf_vec_note (v, "Region", "the region code against the division code list of 1.1 (ID-7)");
  conf_vec_note (v, "Encoding", "a member of another JSON type, absent, or an integer at or "
                 "beyond the 64-bit range (ERR-3)");
  conf_vec_world_keys (v, w);

  conf_vec_group (v, "verifier", NULL);
  conf_vec_reset_verifier (v, w);
  cases (v, "verifier");
  adapter_cases (v, w);
  conf_vec_group (v, "platform", NULL);
  conf_vec_reset_platform (v, w, NULL);
  cases (v, "platform");
  return conf_vec_finish (v, error);
}
