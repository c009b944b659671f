/* SPDX-License-Identifier: MIT */
/*
 * A rollout scenario: the parsed form of a scenario file (scenarios/NAME.ini, a GLib key
 * file), with the cities and channel catalogue it names loaded and checked.
 * Every key is documented in scenarios/README.md (name, unit, default,
 * meaning, source); the fields below carry the same names.
 *
 * Checking is strict and complete: model_scenario_check() reports every
 * problem, each as "FILE:LINE: [group] key: what is wrong, what was
 * expected" -- unknown groups and keys, a key given twice, a value of the
 * wrong form or out of range, a cross-field rule broken (end after start,
 * ordered ranges, growth anchors in increasing date order, windows not
 * overlapping, targets inside the run), a province override for a province
 * the cities file lacks, an impl.* or profile.* for a channel id the
 * catalogue lacks.  GKeyFile keeps no line numbers, so the raw text is
 * scanned for them.  A relative data path inside a scenario is looked for
 * beside the scenario file, then in the data directory the caller passes
 * (model/rollout/datapath.h); ModelScenario.data_files records which file
 * was taken and why.
 *
 * Dates are day numbers: days since 1970-01-01 on the calendar (a date, not
 * an instant; model_csv_parse_date and base_time_format_date convert).  All
 * rates are per day, all durations in days.
 */
#pragma once

#include <glib.h>

#include "model/rollout/access.h"
#include "model/rollout/catalogue.h"
#include "model/rollout/datapath.h"
#include "model/std/channel.h"
#include "model/rollout/cities.h"
#include "model/rollout/published.h"
#include "model/rollout/scenario_csv.h"

G_BEGIN_DECLS

#define MODEL_SCENARIO_ERROR (model_scenario_error_quark ())

/* The largest scenario (and sweep) file read: 16 MiB.  Only a regular file
 * is read (base/file.h), so a FIFO or a device is refused at once. */
#define MODEL_SCENARIO_MAX_BYTES ((gsize) 16 << 20)
GQuark model_scenario_error_quark (void);

/* An inclusive range of days; a single date has first == last.  A
 * per-city date is drawn uniformly from it (each day equally likely). */
typedef struct {
  gint32 first, last;
} ModelDateRange;

/* The per-city milestones of [milestones]. */
typedef enum {
  MODEL_MILESTONE_ISSUANCE = 0,       /* issuance_golive: national-standard issuance live */
  MODEL_MILESTONE_MOBILE_PAYMENT,     /* mobile_payment: level-2 issuance, payment open */
  MODEL_MILESTONE_UNIFIED_SETTLEMENT, /* unified_settlement: switch to the national platform */
  MODEL_N_MILESTONES
} ModelMilestone;

/* A per-province override of a milestone (key "issuance_golive.440000"). */
typedef struct {
  guint32 province_code;
  ModelDateRange range;
} ModelMilestoneOverride;

/* A cardholder total at a date ([population] cardholders_growth). */
typedef struct {
  gint32 day;
  guint64 total;
} ModelGrowthAnchor;

/* A policy push window ([adoption] policy_push): the hazard is multiplied
 * by multiplier on days first..last inclusive. */
typedef struct {
  gint32 first, last;
  double multiplier;
} ModelPolicyPush;

/*
 * An implementation to certify in the loop ([channels] impl.X, profile.X).
 * X is a class wire name (applies to every channel of the class without an
 * entry of its own) or a channel id (that channel only).
 */
typedef struct {
  char *target;             /* X as written: "bank" or "CH000123" */
  int channel;              /* catalogue index for a channel id; -1 for a class */
  ModelChannelClass klass;  /* the class (a channel's own class for a channel id) */
  char *command;            /* impl.X: shell command (/bin/sh -c, run in ModelScenario.dir) */
  char *profile;            /* profile.X: the file taken (beside the scenario, else in the
                               data directory); NULL if none */
} ModelScenarioImpl;

/* The request kinds of the latency model ([latency] rate.KIND). */
typedef enum {
  MODEL_REQ_QR_VERIFY = 0,  /* a verifier checks a dynamic QR code (identity) */
  MODEL_REQ_LOGIN,          /* login by e-card at a channel (identity) */
  MODEL_REQ_QUERY,          /* information query through a channel */
  MODEL_REQ_PAYMENT,        /* payment by a level-2 holder: settlement */
  MODEL_REQ_STATUS_CHANGE,  /* card status change: loss report, replacement */
  MODEL_N_REQ_KINDS
} ModelRequestKind;

/* Day types of the 24-hour demand profile. */
enum { MODEL_WEEKDAY = 0, MODEL_WEEKEND = 1 };

/* A platform's number of servers from a day on ([latency] national_servers). */
typedef struct {
  gint32 day;       /* G_MININT32 for the first step (from the start) */
  guint servers;
} ModelServerStep;

/* [latency]: platform load and latency (see model/rollout/latency.h). */
typedef struct {
  gboolean enabled;                     /* the group is present and enabled is not false */
  char *service_times_path;             /* the file taken (when enabled; as written when not);
                                           measured by `essc bench --service-times` */
  double measured[MODEL_N_REQ_KINDS];   /* seconds per request of each kind, from that file */
  char *measured_on;                    /* the file's "measured" column */
  double hardware_factor;               /* service time = measured * hardware_factor */
  double service_cv;                    /* service times: lognormal, this sd / mean */
  double rate[MODEL_N_REQ_KINDS];       /* requests per usable holder per day (payment:
                                           per level-2 holder) */
  double profile[2][24];                /* share of the day's requests by hour, sums to 1 */
  guint peak_hour[2];                   /* the hour of largest share (the first of ties) */
  double window_minutes;                /* the simulated peak window, 1..60 */
  guint sample_requests;                /* most measured requests per platform-day */
  ModelServerStep *national_servers;    /* increasing days, the first from the start */
  guint n_national_servers;
  ModelServerStep *local_servers;       /* every provincial platform */
  guint n_local_servers;
  guint queue_limit;                    /* most requests in system per server; 0 unbounded */
  double sla_p99;                       /* seconds: p99 response the platforms must keep */
  double status_lag;                    /* seconds: mean lag of the status feed's replicas */
} ModelLatencyParams;

/* A parameter the calibration fits ([calibration] free.GROUP.KEY = LO..HI
 * [log]): a number-valued key of the scenario and its prior. */
typedef struct {
  char *name;          /* "adoption.innovation" */
  gsize offset;        /* of its double field in ModelScenario */
  double lo, hi;       /* prior support, lo < hi, inside the key's own range */
  gboolean log_scale;  /* log-uniform prior (lo > 0) */
} ModelFreeParam;

/* A posterior sample ([calibration] posterior): weighted draws of the free
 * parameters, written by `essc calibrate`. */
typedef struct {
  guint n_draws, n_params;
  double *weights;     /* [draw], sum 1 */
  double *theta;       /* [draw][param] in the order of the scenario's free parameters */
  char hash[65];       /* BLAKE2b-256 of the file's bytes as parsed, lowercase hex; "" for a
                          sample not read from a file */
} ModelPosterior;

/* [calibration]: what `essc calibrate` fits, and the posterior it wrote. */
typedef struct {
  ModelFreeParam *free;
  guint n_free;
  char **figures;        /* quantities of the published figures fitted (NULL-terminated) */
  double error;          /* relative error scale of a figure (log scale) */
  guint particles;       /* ABC-SMC population size */
  guint generations;     /* most generations */
  guint max_simulations; /* budget of simulations over the whole fit */
  double quantile;       /* tolerance: this quantile of the last generation's distances */
  char *posterior_path;  /* the file taken; NULL when none */
  ModelPosterior *posterior;
} ModelCalibration;

/* A data file the scenario names, and where it was found
 * (model/rollout/datapath.h). */
typedef struct {
  char *group;                    /* "population" */
  char *key;                      /* "cities"; "profile.bank" for a conformance profile */
  char *value;                    /* the path as written, or the key's default */
  char *path;                     /* the file taken */
  ModelDatapathWhere where;       /* absolute, beside the scenario or in the data directory */
} ModelDataFile;

/* The parsed scenario.  All fields public, read-only; units in comments. */
typedef struct {
  /* [scenario] */
  char *name;                     /* required */
  char *description;              /* "" when absent */
  gint32 start, end;              /* first and last simulated day; end > start */
  guint64 seed;                   /* RNG seed */
  guint replications;             /* >= 1 */
  gint32 data_until;              /* data after this day unused (figures, growth anchors,
                                     catalogue entries); G_MAXINT32: all */

  /* [population] */
  char *cities_path;              /* the cities file taken (data_files says where) */
  guint64 cardholders;            /* cardholders on day start (people) */
  ModelGrowthAnchor *growth;      /* later totals, increasing days, all > start */
  guint n_growth;
  gboolean urban_split;           /* cells by urban/rural as well as age band */
  guint64 people;                 /* residents on day start; 0 in the file: the cities' sum */
  double cardholders_max;         /* most cardholders / residents after the anchors */
  gboolean cardholders_extend;    /* the anchors' last trend continues after the last one */
  gboolean dynamics;              /* births, deaths and ageing (else the cells stay fixed) */
  double birth_rate;              /* births per resident per year */
  double death_rate[MODEL_N_AGE_BANDS];  /* per person of the band per year */
  double ageing[MODEL_N_AGE_BANDS];      /* share of the band reaching the next per year */

  /* [adoption] (hazards per person per day) */
  double innovation;              /* Bass p once issuance is live in the city */
  double innovation_per_channel;  /* extra p per live channel reaching the city */
  double imitation;               /* Bass q, times the city's holder share */
  double youth_factor;            /* hazard multiplier, age 0-17 */
  double elderly_factor;          /* hazard multiplier, age 60+ */
  double rural_factor;            /* hazard multiplier, rural cells */
  ModelPolicyPush *pushes;        /* ordered, not overlapping */
  guint n_pushes;
  double level2_share;            /* share of new holders taking level 2 where payment is open */
  double level2_upgrade;          /* per level-1 holder per day, where payment is open */
  char *access_path;              /* the file taken; NULL for "none" (everyone can hold one) */
  ModelAccess *access;            /* loaded from it */
  gboolean access_growth;         /* the access trend continues after its data */
  double access_max;              /* most access share a cell reaches */
  double proxy[MODEL_N_AGE_BANDS];/* share of those without access holding through a relative */

  /* [cards] */
  double loss_rate;               /* per holder per day: physical card lost or locked */
  double replacement_days;        /* mean days until the card is replaced (> 0) */

  /* [milestones] */
  ModelDateRange milestone[MODEL_N_MILESTONES];
  ModelMilestoneOverride *overrides[MODEL_N_MILESTONES];
  guint n_overrides[MODEL_N_MILESTONES];

  /* [channels] */
  char *catalogue_path;           /* the catalogue file taken */
  double certification_pass;      /* probability, channels without an implementation */
  double rectification_days;      /* days from a failed certification to the next try */
  ModelScenarioImpl *impls;
  guint n_impls;
  double arrival_rate;            /* new channels per day after the catalogue */
  gboolean arrival_fitted;        /* arrival_rate fitted from the published channel counts */
  double arrival_halflife;        /* days for the arrival rate to halve */
  guint arrival_max;              /* most channels arriving in a replication */
  gint32 arrival_from;            /* first day of arrivals: after the catalogue's last go-live */

  /* [targets] */
  double share_2019;              /* holders / cardholders to reach by target_2019 */
  gint32 target_2019;
  double share_2020;
  gint32 target_2020;
  gint32 mobile_payment_by;       /* mobile payment open in every city by this day */
  gint32 unified_settlement_by;   /* unified settlement in every city by this day */
  char *published_path;           /* published figures to compare with; NULL if none */
  ModelPublished *published;      /* loaded from it */
  guint n_published;

  /* [latency] */
  ModelLatencyParams latency;

  /* [calibration] */
  ModelCalibration calibration;

  /* the data the scenario names, loaded */
  ModelCities *cities;
  ModelCatalogue *catalogue;

  /* the file */
  char *path;                     /* as given */
  char *dir;                      /* its directory: base of relative paths and commands */
  char *data_dir;                 /* searched after dir for a relative data path; NULL: none */
  ModelDataFile *data_files;      /* every data file taken, in the order they were loaded */
  guint n_data_files;
  char *text;                     /* the raw bytes (NUL-terminated copy) for the run database */
  gsize text_len;
  char hash[65];                  /* BLAKE2b-256 of the raw bytes, lowercase hex */
} ModelScenario;

/*
 * Loads and checks path; a relative data path is looked for beside the
 * scenario, then in data_dir (may be NULL: beside it only;
 * model/rollout/datapath.h).  On any problem returns NULL with *error set
 * to the first (MODEL_SCENARIO_ERROR; MODEL_ROLLOUT_NOT_FOUND for an
 * unreadable file, MODEL_ROLLOUT_INVALID otherwise).
 * Returns: (transfer full)
 */
ModelScenario *model_scenario_load_in (const char *path, const char *data_dir, GError **error);

/*
 * The same for a scenario's text in memory (len bytes); path names it in
 * messages and its directory is the first place of the relative paths
 * inside, as if the text were a file there (a sweep's points are such
 * texts).
 * Returns: (transfer full)
 */
ModelScenario *model_scenario_load_text_in (const char *text, gsize len, const char *path,
                                            const char *data_dir, GError **error);

/*
 * Checks path (data_dir as for model_scenario_load_in) and appends every
 * problem found to problems (as char * strings, transfer full: create it
 * with g_ptr_array_new_with_free_func (g_free)).  Returns TRUE when the file
 * is valid (nothing appended).
 */
gboolean model_scenario_check_in (const char *path, const char *data_dir, GPtrArray *problems);

/* The three above without a data directory: data paths beside the scenario
 * only (what the model's own tests use). */
ModelScenario *model_scenario_load (const char *path, GError **error);
ModelScenario *model_scenario_load_text (const char *text, gsize len, const char *path,
                                         GError **error);
gboolean model_scenario_check (const char *path, GPtrArray *problems);

/* The BLAKE2b-256 of the file's raw bytes, 64 lowercase hex digits (the hash field). */
const char *model_scenario_hash (const ModelScenario *scenario);

/* The wire names of the milestones as keys of [milestones]. */
const char *model_milestone_name (ModelMilestone milestone);

/*
 * The range a province's cities draw the milestone from: the province's
 * override if the scenario has one, else the scenario-wide range.
 */
const ModelDateRange *model_scenario_milestone (const ModelScenario *scenario,
                                                ModelMilestone milestone,
                                                guint32 province_code);

/*
 * The cardholder total on day, for the residents of day start: cardholders
 * at start, linear between growth anchors (and from start to the first);
 * after the last, flat, or with cardholders_extend the last stretch's slope
 * (from start for a single anchor) goes on up to cardholders_max x people.
 */
double model_scenario_cardholders_on (const ModelScenario *scenario, gint32 day);

/* The ceiling of a cell on day: the share of its cardholders who can hold
 * an e-card, access + proxy x (1 - access) (1 with no access file). */
double model_scenario_ceiling (const ModelScenario *scenario, ModelAgeBand band, ModelArea area,
                               gint32 day);

/* The policy multiplier on day: a window's multiplier, else 1. */
double model_scenario_push_on (const ModelScenario *scenario, gint32 day);

/*
 * The implementation that certifies the channel with catalogue index
 * `channel`: its own entry, else its class's, else NULL (the channel passes
 * its first certification with probability certification_pass).
 */
const ModelScenarioImpl *model_scenario_impl_for (const ModelScenario *scenario, int channel);

/* The wire names of the request kinds: "qr_verify", "login", "query",
 * "payment", "status_change". */
const char *model_request_kind_name (ModelRequestKind kind);

/* The servers of a schedule on day. */
guint model_scenario_servers_on (const ModelServerStep *steps, guint n_steps, gint32 day);

/* MODEL_WEEKDAY or MODEL_WEEKEND for a day number. */
guint model_day_type (gint32 day);

/* Sets group.key = value in a scenario's text (replacing the key's line in
 * its group, or adding it after the group's header, or adding the group at
 * the end): how sweeps, backtests and calibrations derive scenario texts. */
void model_scenario_text_set (GString *text, const char *group, const char *key,
                              const char *value);

/* Returns: (transfer full) the value of group.key in a scenario's text as
 * written (trimmed; the first line setting it in the group, as
 * model_scenario_text_set finds it), or NULL when the text does not set it. */
char *model_scenario_text_get (const char *text, const char *group, const char *key);

/* The value of number-valued key name "GROUP.KEY" in scenario (defaults
 * included): TRUE with *value for the real-valued keys of the scenario's
 * own groups (rates, probabilities, shares, durations and delays: those
 * [calibration] may free), FALSE for any other key. */
gboolean model_scenario_number (const ModelScenario *scenario, const char *name, double *value);

void model_scenario_free (ModelScenario *scenario);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelScenario, model_scenario_free)

G_END_DECLS
