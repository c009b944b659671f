/* SPDX-License-Identifier: MIT */
/*
 * Processes over MPI, or one process without it (see mpi.h).
 */
#include "sim/mpi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#ifdef ESSC_MPI
#include <mpi.h>
#endif

struct _SimComm {
#ifdef ESSC_MPI
  MPI_Comm comm;
#endif
  int rank, size;
  gboolean owned;   /* freed by sim_comm_free (not the world) */
};

static SimComm world = { .rank = 0, .size = 1 };
static int abort_fd = 2;   /* the real stderr, for sim_mpi_abort */
#ifdef ESSC_MPI
static gboolean started;
#endif

#define CHUNK (1 << 28)

gboolean
sim_mpi_available (void)
{
#ifdef ESSC_MPI
  return TRUE;
#else
  return FALSE;
#endif
}

char *
sim_mpi_library_version (void)
{
#ifdef ESSC_MPI
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  if (MPI_Get_library_version (version, &len) != MPI_SUCCESS)
    return g_strdup ("unknown");
  version[MIN (len, MPI_MAX_LIBRARY_VERSION_STRING - 1)] = '\0';
  /* "Open MPI v4.1.4, package: ..., ident: ...": the part before the first comma. */
  return g_strstrip (g_strndup (version, strcspn (version, ",\n")));
#else
  return NULL;
#endif
}

gboolean
sim_mpi_init (int *argc, char ***argv)
{
#ifdef ESSC_MPI
  int provided;
  if (MPI_Init_thread (argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    {
      fprintf (stderr, "essc: MPI_Init failed\n");
      exit (3);
    }
  started = TRUE;
  world.comm = MPI_COMM_WORLD;
  MPI_Comm_set_errhandler (MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
  MPI_Comm_rank (MPI_COMM_WORLD, &world.rank);
  MPI_Comm_size (MPI_COMM_WORLD, &world.size);
#else
  (void) argc;
  (void) argv;
  /* Started by mpirun (Open MPI, or a PMI launcher such as MPICH's) as one
   * of several ranks: each rank of a build without MPI would run the whole
   * job and write the same outputs. */
  static const char *const size_vars[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE" };
  for (gsize i = 0; i < G_N_ELEMENTS (size_vars); i++)
    {
      const char *v = g_getenv (size_vars[i]);
      guint64 n = 0;
      if (v != NULL && g_ascii_string_to_unsigned (v, 10, 0, G_MAXINT, &n, NULL) && n > 1)
        {
          fprintf (stderr, "essc: started as one of %" G_GUINT64_FORMAT " ranks (%s=%s), but "
                   "this essc was built without MPI, so every rank would run the whole job "
                   "and write the same outputs; run the MPI build (make MPI=1: "
                   "build-mpi/essc) under mpirun, or this one without it\n", n,
                   size_vars[i], v);
          exit (2);
        }
    }
#endif
  return world.size > 1;
}

void
sim_mpi_finalize (void)
{
#ifdef ESSC_MPI
  if (started)
    MPI_Finalize ();
  started = FALSE;
#endif
}

void
sim_mpi_abort (int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autofree char *line = world.size > 1
                             ? g_strdup_printf ("essc (rank %d of %d): %s\n", world.rank,
                                                world.size, msg)
                             : g_strdup_printf ("essc: %s\n", msg);
  fflush (stderr);
  if (write (abort_fd, line, strlen (line)) < 0)
    { /* nothing more to do */ }
#ifdef ESSC_MPI
  if (started)
    MPI_Abort (MPI_COMM_WORLD, status);
#endif
  exit (status);
}

void
sim_mpi_quiet_followers (void)
{
  if (world.rank == 0)
    return;
  fflush (stdout);
  fflush (stderr);
  abort_fd = dup (2);
  int null = open ("/dev/null", O_WRONLY);
  if (null >= 0)
    {
      dup2 (null, 1);
      dup2 (null, 2);
      close (null);
    }
}

SimComm *
sim_comm_world (void)
{
  return &world;
}

SimComm *
sim_comm_split (SimComm *comm, int color, int key)
{
  SimComm *c = g_new0 (SimComm, 1);
  c->owned = TRUE;
#ifdef ESSC_MPI
  if (started)
    {
      MPI_Comm_split (comm->comm, color, key, &c->comm);
      MPI_Comm_rank (c->comm, &c->rank);
      MPI_Comm_size (c->comm, &c->size);
      return c;
    }
#endif
  (void) comm;
  (void) color;
  (void) key;
  c->rank = 0;
  c->size = 1;
  return c;
}

void
sim_comm_free (SimComm *c)
{
  if (c == NULL || !c->owned)
    return;
#ifdef ESSC_MPI
  if (started && c->comm != MPI_COMM_NULL)
    MPI_Comm_free (&c->comm);
#endif
  g_free (c);
}

int
sim_comm_rank (const SimComm *c)
{
  return c->rank;
}

int
sim_comm_size (const SimComm *c)
{
  return c->size;
}

#ifdef ESSC_MPI
static void
allreduce (SimComm *c, void *data, gsize n, gsize width, MPI_Datatype type)
{
  for (gsize at = 0; at < n; at += CHUNK)
    {
      int count = (int) MIN ((gsize) CHUNK, n - at);
      MPI_Allreduce (MPI_IN_PLACE, (char *) data + at * width, count, type, MPI_SUM, c->comm);
    }
}
#define ALLREDUCE(c, data, n, type)                                                           \
  do                                                                                          \
    if ((c)->size > 1)                                                                        \
      allreduce ((c), (data), (n), sizeof *(data), (type));                                   \
  while (0)
#else
#define ALLREDUCE(c, data, n, type) ((void) (c), (void) (data), (void) (n))
#endif

void
sim_comm_sum_i64 (SimComm *c, gint64 *data, gsize n)
{
  ALLREDUCE (c, data, n, MPI_INT64_T);
}

void
sim_comm_sum_i32 (SimComm *c, gint32 *data, gsize n)
{
  ALLREDUCE (c, data, n, MPI_INT32_T);
}

void
sim_comm_sum_u8 (SimComm *c, guint8 *data, gsize n)
{
  ALLREDUCE (c, data, n, MPI_UINT8_T);
}

void
sim_comm_sum_f64 (SimComm *c, double *data, gsize n)
{
  ALLREDUCE (c, data, n, MPI_DOUBLE);
}

GPtrArray *
sim_comm_gather_bytes (SimComm *c, GBytes *mine, int root)
{
  GPtrArray *all = c->rank == root ? g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                     g_bytes_unref)
                                   : NULL;
  if (c->size == 1)
    {
      g_ptr_array_add (all, g_bytes_ref (mine));
      return all;
    }
#ifdef ESSC_MPI
  /* One member at a time: its length, then its bytes (in chunks). */
  for (int r = 0; r < c->size; r++)
    {
      if (r == root && c->rank == root)
        {
          g_ptr_array_add (all, g_bytes_ref (mine));
          continue;
        }
      if (c->rank == r)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (mine, &len);
          guint64 n = len;
          MPI_Send (&n, 1, MPI_UINT64_T, root, 0, c->comm);
          for (gsize at = 0; at < len; at += CHUNK)
            MPI_Send (data + at, (int) MIN ((gsize) CHUNK, len - at), MPI_BYTE, root, 1, c->comm);
        }
      else if (c->rank == root)
        {
          guint64 n;
          MPI_Recv (&n, 1, MPI_UINT64_T, r, 0, c->comm, MPI_STATUS_IGNORE);
          guint8 *buf = g_malloc (MAX (n, 1));
          for (gsize at = 0; at < n; at += CHUNK)
            MPI_Recv (buf + at, (int) MIN ((gsize) CHUNK, n - at), MPI_BYTE, r, 1, c->comm,
                      MPI_STATUS_IGNORE);
          g_ptr_array_add (all, g_bytes_new_take (buf, n));
        }
    }
#endif
  return all;
}

void
sim_comm_barrier (SimComm *c)
{
#ifdef ESSC_MPI
  if (c->size > 1)
    MPI_Barrier (c->comm);
#else
  (void) c;
#endif
}
