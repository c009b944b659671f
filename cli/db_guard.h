/* SPDX-License-Identifier: MIT */
/*
 * The database a long run ends by writing (essc sim, sweep, calibrate,
 * backtest), guarded before the run starts: every process of the job checks
 * that the file may be written (a new file or one of the command's own kind,
 * base/dbkind.h), and process 0 takes an exclusive lock on FILE.lock for the
 * whole run, so a second run writing the same file is refused at once
 * instead of the last writer winning.  The processes agree, so none runs on
 * when one refuses.
 */
#pragma once

#include <glib.h>

#include "sim/mpi.h"

G_BEGIN_DECLS

/* The command's own check of the file: model_rundb_may_write, ... */
typedef gboolean (*EsscDbCheckFn) (const char *path, GError **error);

typedef struct {
  char *lock_path;  /* process 0: FILE.lock, held; elsewhere NULL */
  int fd;           /* the lock's descriptor; -1 when none is held */
} EsscDbGuard;

/*
 * Checks db with check on every member of world and locks it on member 0.
 * On a refusal member 0 prints "essc CMD: MESSAGE" (a lock already held:
 * "essc CMD: --db FILE: FILE.lock: in use by another process: another essc
 * CMD is writing it") and every member gets FALSE (exit 2).
 */
gboolean essc_db_guard_take (EsscDbGuard *guard, const char *cmd, const char *db,
                             EsscDbCheckFn check, SimComm *world);

/* Removes the lock file, then releases the lock (a run waiting on it is
 * refused anyway), whether the database was written or the run gave up.
 * Safe on a guard never taken or already released; declared g_auto, a
 * guard is released on every return. */
void essc_db_guard_release (EsscDbGuard *guard);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EsscDbGuard, essc_db_guard_release)

G_END_DECLS
