/* SPDX-License-Identifier: MIT */
/*
 * Private to the scenario modules (scenario.c, scenario_keyfile.c,
 * scenario_keys.c): the raw scan of a key file with line numbers, and the
 * problem list every check appends to.
 */
#pragma once

#include "model/rollout/scenario.h"

G_BEGIN_DECLS

/* A "[group]" header line. */
typedef struct {
  char *name;
  guint line;
} ScenGroup;

/* A "key = value" line: value unescaped as GKeyFile does, trimmed. */
typedef struct {
  char *group;   /* the group it is in */
  char *key;
  char *value;
  guint line;
} ScenEntry;

/* The state of one check. */
typedef struct {
  const char *path;
  GPtrArray *problems;     /* of char *, "PATH:LINE: ..." */
  GPtrArray *groups;       /* of ScenGroup * */
  GPtrArray *entries;      /* of ScenEntry *, in file order */
} ScenCheck;

/*
 * Appends "PATH:LINE: [group] key: message" (group and key may be NULL:
 * "PATH:LINE: [group]: message", "PATH:LINE: key: message", "PATH:LINE:
 * message").
 */
void scen_problem (ScenCheck *check, guint line, const char *group, const char *key,
                   const char *fmt, ...) G_GNUC_PRINTF (5, 6);

/*
 * Resolves the data path *field (as written) of group.key, named on line:
 * *field becomes the file taken (model/rollout/datapath.h, with the
 * scenario's dir and data_dir), recorded in scenario->data_files.  FALSE
 * when it is found nowhere: then a problem naming the path and every place
 * searched is appended, and *field is the path beside the scenario.
 */
gboolean scen_data_path (ScenCheck *check, ModelScenario *scenario, guint line, const char *group,
                         const char *key, char **field);

/*
 * Scans text (len bytes) into check->groups and check->entries, appending a
 * problem for every line that is not a comment, blank, "[group]" or
 * "key = value", for a key outside a group, for a key or group given twice,
 * for bad UTF-8 or a NUL, and for an escape GKeyFile would refuse.
 */
void scen_scan (ScenCheck *check, const char *text, gsize len);

/* The line of group's header, or 0 when the file has no such group. */
guint scen_group_line (const ScenCheck *check, const char *group);

/*
 * Parses the scanned entries into scenario (whose defaults are already
 * set), then loads the data files and applies the cross-field rules,
 * appending a problem for each thing wrong.
 */
void scen_parse (ScenCheck *check, ModelScenario *scenario);

/* scenario_latency.c: the [latency] group's defaults, keys and service
 * times file (problems appended like scen_parse's), and its fields' free. */
void scen_latency_defaults (ModelScenario *scenario);
void scen_latency_parse (ScenCheck *check, ModelScenario *scenario);
void scen_latency_free (ModelLatencyParams *params);

/* The field of a number-valued key "GROUP.KEY" and the key's own range
 * (scenario_keys.c); FALSE for any other key. */
gboolean scen_number_key (const char *name, gsize *offset, double *lo, double *hi);

/* arrivals.c: resolves [channels] arrival_rate = fit from the published
 * channel counts, and the first day of arrivals. */
void scen_arrivals_resolve (ScenCheck *check, ModelScenario *scenario);

/* scenario_calibration.c: [calibration] (free parameters, figures, the ABC
 * settings, the posterior file), parsed after the other groups. */
void scen_calibration_defaults (ModelScenario *scenario);
void scen_calibration_parse (ScenCheck *check, ModelScenario *scenario);

G_END_DECLS
