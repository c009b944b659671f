/* SPDX-License-Identifier: MIT */
/*
 * What every module of the standard's reference implementation uses: its
 * error codes (stdcode.h) and the base layer's name tables, errors, text
 * rules and byte helpers.  A module's GError code is always a ModelStdCode
 * (base_fail takes it as a gint).
 */
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "base/names.h"
#include "base/text.h"
#include "model/std/stdcode.h"
