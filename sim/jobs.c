/* SPDX-License-Identifier: MIT */
/*
 * Independent jobs over processes (see jobs.h).  A member's results travel
 * as one byte string: for each, the job's number and the result's length
 * (64-bit, this machine's order: every process of a job runs on the same
 * kind of machine) and its bytes; member 0 puts them back in job order.
 */
#include "sim/jobs.h"

#include <string.h>

static GBytes *
pack (GPtrArray *mine, const guint *job_of)
{
  GByteArray *b = g_byte_array_new ();
  for (guint i = 0; i < mine->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (mine->pdata[i], &len);
      guint64 head[2] = { job_of[i], len };
      g_byte_array_append (b, (const guint8 *) head, sizeof head);
      g_byte_array_append (b, data, (guint) len);
    }
  return g_byte_array_free_to_bytes (b);
}

/* Puts a member's results into results[job]; FALSE for bytes that are not
 * what pack made or name a job twice. */
static gboolean
unpack (GBytes *bytes, GBytes **results, guint n)
{
  gsize len, at = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  while (len - at >= 2 * sizeof (guint64))
    {
      guint64 head[2];
      memcpy (head, data + at, sizeof head);
      at += sizeof head;
      if (head[0] >= n || results[head[0]] != NULL || head[1] > len - at)
        return FALSE;
      results[head[0]] = g_bytes_new (data + at, head[1]);
      at += head[1];
    }
  return at == len;
}

GPtrArray *
sim_jobs_run (const SimJobs *jobs, guint n, SimComm *comm)
{
  g_return_val_if_fail (jobs != NULL && jobs->run != NULL, NULL);
  const guint rank = comm != NULL ? (guint) sim_comm_rank (comm) : 0;
  const guint size = comm != NULL ? (guint) sim_comm_size (comm) : 1;
  const guint n_mine = rank < n ? (n - rank + size - 1) / size : 0;
  g_autoptr (GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree guint *job_of = g_new (guint, MAX (n_mine, 1));
  for (guint j = rank; j < n; j += size)
    {
      g_autoptr (GError) error = NULL;
      GBytes *r = jobs->run (j, jobs->data, &error);
      if (r == NULL)
        sim_mpi_abort (jobs->fail_status, "%s %u: %s", jobs->name, j, error->message);
      job_of[mine->len] = j;
      g_ptr_array_add (mine, r);
      if (jobs->progress != NULL)
        jobs->progress (mine->len, n_mine, size, jobs->data);
    }
  GPtrArray *all = NULL;
  if (size > 1)
    {
      g_autoptr (GBytes) packed = pack (mine, job_of);
      all = sim_comm_gather_bytes (comm, packed, 0);
    }
  if (rank != 0)
    return NULL;
  GPtrArray *results = g_ptr_array_new_full (n, (GDestroyNotify) g_bytes_unref);
  g_ptr_array_set_size (results, n);
  if (all == NULL)
    for (guint i = 0; i < mine->len; i++)
      results->pdata[job_of[i]] = g_bytes_ref (mine->pdata[i]);
  for (guint r = 0; all != NULL && r < all->len; r++)
    if (!unpack (all->pdata[r], (GBytes **) results->pdata, n))
      sim_mpi_abort (3, "%s: the results from process %u are damaged", jobs->name, r);
  g_clear_pointer (&all, g_ptr_array_unref);
  for (guint j = 0; j < n; j++)
    if (results->pdata[j] == NULL)
      sim_mpi_abort (3, "%s %u has no result", jobs->name, j);
  return results;
}
