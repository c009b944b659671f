#pragma once
#include "model/rollout/calibrate.h"
static inline gboolean model_calibdb_write (const char *p, const ModelScenario *s, guint64 seed, const ModelCalibrationResult *r, const ModelBacktest *b, const ModelRolloutResult *f, GError **e) { (void)p;(void)s;(void)seed;(void)r;(void)b;(void)f;(void)e; return TRUE; }
