/* SPDX-License-Identifier: MIT */
/*
 * The fixture shared by the tests of the reference implementations
 * (tests/conformance/test_impl.c) and of the fault catalogue
 * (test_impl_faults.c): the @NAME@ values the scripts refer to (seeds, keys,
 * e-card ids, credentials, QR tokens, request wires), computed with model/
 * by fx_impl_init from fixed seeds, and the driver that runs a role's
 * prelude and a script of "op {params}" lines through conf_impl_serve in
 * memory and returns the responses.  main calls fx_impl_init once before
 * the tests run.
 */
#pragma once

#include "tests/lib/testutil.h"
#include "conformance/impl.h"
#include "conformance/json.h"
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/common.h"
#include "model/std/consent.h"
#include "model/std/id.h"
#include "model/std/issuer.h"
#include "model/std/ledger.h"
#include "model/std/qr.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

G_BEGIN_DECLS

#define SSN1 "11010519491231002X"
#define SSN2 "440524188001010014"

/* The value of a fixture name (without the @s). */
const char *fx_impl_get (const char *name);

/* Computes the fixture values; once, before the tests run. */
void fx_impl_init (void);

/* Replaces every @NAME@ (repeatedly: values may hold names). */
char *fx_impl_expand (const char *text);

/* Feeds input to the implementation; returns the response lines. */
GPtrArray *fx_impl_serve (ConfRole role, const char *fault, const char *input, gsize len);

/*
 * Runs the role's prelude and then script, each line "op {params}", as
 * requests with ids from 1 (a hello first).  Returns the responses, one per
 * request.
 */
GPtrArray *fx_impl_run_script (ConfRole role, const char *fault, const char *script);

/* The last response; fx_impl_assert_last aborts unless it matches expect. */
const char *fx_impl_last (GPtrArray *responses);

/* "ok", "ok:SUBSTRING" or "!code". */
gboolean fx_impl_matches (const char *response, const char *expect);

void fx_impl_assert_last (GPtrArray *responses, const char *expect);

/* The JSON object of a response's result. */
JsonObject *fx_impl_result_of (const char *response);

G_END_DECLS
