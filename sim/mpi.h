/* SPDX-License-Identifier: MIT */
/*
 * Processes: the engine's scale-out over MPI (Open MPI), and the same calls
 * as a single process when the build has no MPI (ESSC_MPI undefined: `make`
 * without MPI=1).  A SimComm is a group of processes (ranks); the
 * reductions here are the only ones the simulator needs: element-wise sums
 * in place on every member (allreduce), for arrays where each element has
 * at most one non-zero contributor or holds whole numbers, so that the sum
 * is exact and does not depend on the order MPI adds in; and a gather of
 * byte strings to a root.  Large arrays are sent in chunks (MPI counts are
 * int).  Knows nothing of e-cards.
 *
 * Failure: an MPI error aborts the whole job (MPI_ERRORS_ARE_FATAL); a rank
 * that detects an error of its own calls sim_mpi_abort, which prints the
 * message with the rank and ends every rank with that exit status, so a
 * job never hangs waiting for a dead rank.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SimComm SimComm;

/* Starts MPI (a no-op without it); call once from main before threads.
 * Returns TRUE when this process is one of several ranks. */
gboolean sim_mpi_init (int *argc, char ***argv);
/* On every member but 0 of the world: standard output and error go to
 * /dev/null (the members run the same program on the same input, so
 * member 0 speaks for all); sim_mpi_abort still reaches the real stderr. */
void sim_mpi_quiet_followers (void);

/* Ends MPI (a no-op without it or when not started). */
void sim_mpi_finalize (void);
/* TRUE when the build has MPI. */
gboolean sim_mpi_available (void);
/* The MPI library's name and version ("Open MPI v4.1.4"; callable before
 * sim_mpi_init), or NULL without MPI.  Returns: (transfer full) */
char *sim_mpi_library_version (void);

/* Prints "essc (rank R of N): message" on stderr and ends every rank with
 * status (MPI_Abort), or exits with it without MPI. */
G_NORETURN void sim_mpi_abort (int status, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* All the processes of the job (a communicator of size 1 without MPI).
 * Owned by the library. */
SimComm *sim_comm_world (void);

/* Returns: (transfer full) the sub-group of the members of comm passing the
 * same color, ordered by key (every member must call it). */
SimComm *sim_comm_split (SimComm *comm, int color, int key);
void sim_comm_free (SimComm *comm);

int sim_comm_rank (const SimComm *comm);
int sim_comm_size (const SimComm *comm);

/* Element-wise sums over the members, the result on every member. */
void sim_comm_sum_i64 (SimComm *comm, gint64 *data, gsize n);
void sim_comm_sum_i32 (SimComm *comm, gint32 *data, gsize n);
void sim_comm_sum_u8 (SimComm *comm, guint8 *data, gsize n);
void sim_comm_sum_f64 (SimComm *comm, double *data, gsize n);

/* Returns, at root: (transfer full) every member's bytes in rank order (a
 * GPtrArray of GBytes); elsewhere NULL.  mine may be empty, not NULL. */
GPtrArray *sim_comm_gather_bytes (SimComm *comm, GBytes *mine, int root);

/* Waits until every member is here. */
void sim_comm_barrier (SimComm *comm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimComm, sim_comm_free)

G_END_DECLS
