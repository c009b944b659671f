/* SPDX-License-Identifier: MIT */
/*
 * The run database's guard (see db_guard.h).
 */
#include "cli/db_guard.h"

#include "base/file.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

gboolean
essc_db_guard_take (EsscDbGuard *guard, const char *cmd, const char *db, EsscDbCheckFn check,
                    SimComm *world)
{
  *guard = (EsscDbGuard){ NULL, -1 };
  gboolean leader = sim_comm_rank (world) == 0;
  g_autoptr (GError) error = NULL;
  gint32 refused = 0;
  if (!check (db, &error))
    {
      if (leader)
        fprintf (stderr, "essc %s: %s\n", cmd, error->message);
      refused = 1;
    }
  else if (leader)
    {
      g_autofree char *lock_path = g_strconcat (db, ".lock", NULL);
      guard->fd = base_file_lock (lock_path, &error);
      if (guard->fd < 0)
        {
          fprintf (stderr, "essc %s: --db %s: %s: another essc %s is writing it\n", cmd, db,
                   error->message, cmd);
          refused = 1;
        }
      else
        guard->lock_path = g_steal_pointer (&lock_path);
    }
  sim_comm_sum_i32 (world, &refused, 1);
  if (refused > 0)
    essc_db_guard_release (guard);
  return refused == 0;
}

void
essc_db_guard_release (EsscDbGuard *guard)
{
  if (guard->lock_path != NULL)
    g_remove (guard->lock_path);
  if (guard->fd >= 0)
    close (guard->fd);
  guard->fd = -1;
  g_clear_pointer (&guard->lock_path, g_free);
}
